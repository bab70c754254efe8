"""Priority-technology lists (关键技术清单): composite scoring, ranking, uncertainty and exports.

Pure functions and value objects only — no database, no web. Methods: ``shared/methods/delphi.md`` §4.5.
Typical use::

    settings = ListSettings.from_preset("importance-first", top_n=20)
    plist = analyse(build_list(inputs, settings, provenance={...}), inputs, random_state=7)
    write_xlsx(plist, "list.xlsx"); write_report(plist, "report/", previous=last_list)
"""

from foresight.priorities.charts import Chart, portfolio_charts
from foresight.priorities.codebook import CODEBOOK, PRIORITY_COLUMNS, Column
from foresight.priorities.diff import ListDiff, RankMove, diff_lists
from foresight.priorities.exports import (
    entry_rows,
    load_schema,
    read_csv,
    read_json,
    to_json,
    write_csv,
    write_json,
    write_xlsx,
)
from foresight.priorities.from_delphi import (
    component_questions,
    delphi_components,
    expert_rows,
    median_realization_year,
)
from foresight.priorities.model import (
    COMPONENTS,
    DATA_COMPONENTS,
    DELPHI_COMPONENTS,
    PRESETS,
    Agreement,
    BelowCut,
    Component,
    ComponentEvidence,
    ExcludedItem,
    ExpertScoreRow,
    ListSettings,
    PriorityEntry,
    PriorityInput,
    PriorityList,
    RankInterval,
    ScoreComponent,
    SensitivityRow,
    SensitivityTable,
    Weights,
)
from foresight.priorities.report import ReportFiles, render_html, render_markdown, write_report
from foresight.priorities.scoring import build_list, indices_from_rows, minmax_normalise
from foresight.priorities.uncertainty import (
    analyse,
    bootstrap_rank_intervals,
    expert_agreement,
    ranks_by_view,
    sensitivity_table,
    shifted_weights,
)

__all__ = [
    "CODEBOOK",
    "COMPONENTS",
    "DATA_COMPONENTS",
    "DELPHI_COMPONENTS",
    "PRESETS",
    "PRIORITY_COLUMNS",
    "Agreement",
    "BelowCut",
    "Chart",
    "Column",
    "Component",
    "ComponentEvidence",
    "ExcludedItem",
    "ExpertScoreRow",
    "ListDiff",
    "ListSettings",
    "PriorityEntry",
    "PriorityInput",
    "PriorityList",
    "RankInterval",
    "RankMove",
    "ReportFiles",
    "ScoreComponent",
    "SensitivityRow",
    "SensitivityTable",
    "Weights",
    "analyse",
    "bootstrap_rank_intervals",
    "build_list",
    "component_questions",
    "delphi_components",
    "diff_lists",
    "entry_rows",
    "expert_agreement",
    "expert_rows",
    "indices_from_rows",
    "load_schema",
    "median_realization_year",
    "minmax_normalise",
    "portfolio_charts",
    "ranks_by_view",
    "read_csv",
    "read_json",
    "render_html",
    "render_markdown",
    "sensitivity_table",
    "shifted_weights",
    "to_json",
    "write_csv",
    "write_json",
    "write_report",
    "write_xlsx",
]
