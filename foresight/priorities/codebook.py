"""Column definitions (codebook) of the tabular exports and the flattening of entries into rows.

Every column of every sheet is listed once in :data:`CODEBOOK` with its meaning in Chinese and English
and its formula or unit, so an exported table can be read without this code. Column names are stable:
all components get their columns whether or not they are weighted in a given list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from foresight.priorities.model import (
    COMPONENT_LABELS,
    COMPONENTS,
    DELPHI_COMPONENTS,
    PriorityEntry,
    PriorityList,
)

Kind = Literal["int", "float", "str", "bool", "list"]
LIST_SEP = ";"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: name, type, meaning (zh, en) and formula / unit."""

    sheet: str
    name: str
    kind: Kind
    meaning_zh: str
    meaning_en: str
    formula: str


def _c(sheet: str, name: str, kind: Kind, zh: str, en: str, formula: str) -> Column:
    return Column(sheet, name, kind, zh, en, formula)


_P = "priorities"
# fmt: off
_BASE: tuple[Column, ...] = (
    _c(_P, "rank", "int", "排名", "Rank in the list (1 = highest priority)",
       "pinned first (pin_mode=top), then score descending, ties by English title"),
    _c(_P, "item_id", "str", "条目标识", "Item identifier", "identifier"),
    _c(_P, "title_zh", "str", "中文名称", "Chinese title", "text"),
    _c(_P, "title_en", "str", "英文名称", "English title", "text"),
    _c(_P, "theme_id", "str", "主题标识", "Theme identifier in the analysis run", "identifier"),
    _c(_P, "lineage_id", "str", "主题谱系标识", "Stable theme lineage id across runs", "identifier"),
    _c(_P, "field", "str", "领域", "Field", "code"),
    _c(_P, "scenarios", "list", "应用场景", "Application scenarios", f"codes joined by '{LIST_SEP}'"),
    _c(_P, "score", "float", "综合优先得分", "Composite priority score",
       "P = Σ_{c∈A} w_c·x̃_c / Σ_{c∈A} w_c, A = weighted components with a value; 0–1"),
    _c(_P, "coverage", "float", "权重覆盖率", "Share of the weight whose component is available",
       "Σ_{c∈A} w_c; 1 = nothing missing"),
    _c(_P, "missing_components", "list", "缺失分项", "Weighted components without a value",
       f"names joined by '{LIST_SEP}'"),
    _c(_P, "pinned", "bool", "是否指定入选", "Pinned by the planners", "true / false"),
    _c(_P, "pin_reason", "str", "指定理由", "Reason for the pin", "text"),
    _c(_P, "rank_ci_lower", "float", "排名置信区间下限", "Lower bound of the bootstrap rank interval",
       "quantile (1 − γ)/2 of ranks over expert resamples"),
    _c(_P, "rank_ci_upper", "float", "排名置信区间上限", "Upper bound of the bootstrap rank interval",
       "quantile (1 + γ)/2 of ranks over expert resamples"),
    _c(_P, "rank_ci_confidence", "float", "置信水平", "Coverage γ of the rank interval", "0–1"),
    _c(_P, "realization_year", "float", "预计实现年份（中位数）",
       "Median expected year of technological realisation", "year"),
    _c(_P, "evidence_ids", "list", "证据文献标识", "Evidence document ids",
       f"ids joined by '{LIST_SEP}'"),
)
# fmt: on


def _component_columns(c: str) -> list[Column]:
    en, zh, unit = COMPONENT_LABELS[c]  # type: ignore[index]
    # fmt: off
    cols = [
        _c(_P, f"{c}_value", "float", f"{zh}：原始值", f"{en}: raw value", unit),
        _c(_P, f"{c}_normalised", "float", f"{zh}：归一化值", f"{en}: min–max normalised value",
           "x̃ = (x − min)/(max − min) over items in scope; 0.5 if all equal"),
        _c(_P, f"{c}_weight", "float", f"{zh}：权重", f"{en}: list weight w_c", "Σ_c w_c = 1"),
        _c(_P, f"{c}_effective_weight", "float", f"{zh}：有效权重",
           f"{en}: weight renormalised over available components", "w_c / Σ_{k∈A} w_k (0 if missing)"),
        _c(_P, f"{c}_contribution", "float", f"{zh}：得分贡献", f"{en}: contribution to the score",
           "effective_weight · normalised; contributions sum to score"),
    ]
    # fmt: on
    if c in DELPHI_COMPONENTS:
        # fmt: off
        cols += [
            _c(_P, f"{c}_n", "int", f"{zh}：有效回答数", f"{en}: number of answers that count",
               "experts (don't know excluded)"),
            _c(_P, f"{c}_consensus", "str", f"{zh}：共识状态", f"{en}: consensus state of the question",
               "consensus / dissensus_stable / unstable / open / insufficient"),
        ]
        # fmt: on
    return cols


PRIORITY_COLUMNS: tuple[Column, ...] = _BASE + tuple(col for c in COMPONENTS for col in _component_columns(c))

_K = "components"
COMPONENT_SHEET_COLUMNS: tuple[Column, ...] = (
    _c(_K, "rank", "int", "排名", "Rank of the entry", "see priorities.rank"),
    _c(_K, "item_id", "str", "条目标识", "Item identifier", "identifier"),
    _c(_K, "component", "str", "分项", "Score component", ", ".join(COMPONENTS)),
    _c(_K, "label_en", "str", "分项英文名", "Component label (English)", "text"),
    _c(_K, "label_zh", "str", "分项中文名", "Component label (Chinese)", "text"),
    _c(_K, "value", "float", "原始值", "Raw value", "see the component's unit"),
    _c(_K, "normalised", "float", "归一化值", "Min–max normalised value", "0–1"),
    _c(_K, "weight", "float", "权重", "List weight w_c", "Σ = 1"),
    _c(_K, "effective_weight", "float", "有效权重", "Weight renormalised over available components", "0–1"),
    _c(_K, "contribution", "float", "得分贡献", "Contribution to the score", "effective_weight · normalised"),
    _c(_K, "missing", "bool", "是否缺失", "Weighted but without a value", "true / false"),
    _c(_K, "n", "int", "有效回答数", "Answers that count (Delphi components)", "experts"),
    _c(_K, "consensus", "str", "共识状态", "Consensus state of the question", "state name"),
)
_S = "sensitivity"
# fmt: off
SENSITIVITY_COLUMNS: tuple[Column, ...] = (
    _c(_S, "component", "str", "调整的权重分项", "Component whose weight is changed", "component name"),
    _c(_S, "change", "float", "权重相对变化", "Relative change of that weight", "w'_c = w_c·(1 + change)"),
    _c(_S, "weight_after", "float", "调整后权重", "That component's weight after the change",
       "others rescaled by (1 − w'_c)/(1 − w_c)"),
    _c(_S, "item_id", "str", "条目标识", "Item identifier", "identifier"),
    _c(_S, "base_rank", "int", "基准排名", "Rank with the list weights (cut ignored)", "rank"),
    _c(_S, "new_rank", "int", "调整后排名", "Rank with the changed weights", "rank"),
    _c(_S, "delta", "int", "排名变化", "Rank change (negative = moved up)", "new_rank − base_rank"),
    _c(_S, "max_abs_delta", "int", "最大排名变动", "Largest |delta| over all items for this change",
       "max_i |delta_i|"),
)
# fmt: on
_V = "provenance"
PROVENANCE_COLUMNS: tuple[Column, ...] = (
    _c(_V, "key", "str", "键", "Setting, input or provenance key (dotted path)", "text"),
    _c(_V, "value", "str", "值", "Its value (JSON for non-text values)", "text / JSON"),
)
_B = "codebook"
CODEBOOK_COLUMNS: tuple[Column, ...] = (
    _c(_B, "sheet", "str", "工作表", "Sheet the column belongs to", "sheet name"),
    _c(_B, "column", "str", "列名", "Column name", "text"),
    _c(_B, "type", "str", "类型", "Value type", "int / float / str / bool / list"),
    _c(_B, "meaning_zh", "str", "含义（中文）", "Meaning in Chinese", "text"),
    _c(_B, "meaning_en", "str", "含义（英文）", "Meaning in English", "text"),
    _c(_B, "formula_unit", "str", "公式/单位", "Formula or unit", "text"),
)
CODEBOOK: tuple[Column, ...] = (
    PRIORITY_COLUMNS + COMPONENT_SHEET_COLUMNS + SENSITIVITY_COLUMNS + PROVENANCE_COLUMNS + CODEBOOK_COLUMNS
)


def entry_row(entry: PriorityEntry) -> dict[str, Any]:
    """One entry as a flat row over :data:`PRIORITY_COLUMNS` (missing or empty text = ``None``, lists as
    tuples)."""
    ci = entry.rank_ci
    row: dict[str, Any] = {
        "rank": entry.rank,
        "item_id": entry.item_id,
        "title_zh": entry.title_zh or None,
        "title_en": entry.title_en or None,
        "theme_id": entry.theme_id,
        "lineage_id": entry.lineage_id,
        "field": entry.field,
        "scenarios": entry.scenarios,
        "score": entry.score,
        "coverage": entry.coverage,
        "missing_components": entry.missing,
        "pinned": entry.pinned,
        "pin_reason": entry.pin_reason,
        "rank_ci_lower": ci.lower if ci else None,
        "rank_ci_upper": ci.upper if ci else None,
        "rank_ci_confidence": ci.confidence if ci else None,
        "realization_year": entry.realization_year,
        "evidence_ids": entry.evidence_ids,
    }
    for comp in entry.components:
        c = comp.name
        row |= {
            f"{c}_value": comp.value,
            f"{c}_normalised": comp.normalised,
            f"{c}_weight": comp.weight,
            f"{c}_effective_weight": comp.effective_weight,
            f"{c}_contribution": comp.contribution,
        }
        if c in DELPHI_COMPONENTS:
            row[f"{c}_n"] = comp.n
            row[f"{c}_consensus"] = comp.consensus.value if comp.consensus else None
    return row


def to_text(value: Any) -> str:
    """Cell text for CSV: ``""`` for ``None``, ``true``/``false``, lists joined, floats by ``repr``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return LIST_SEP.join(str(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


def from_text(text: str, kind: Kind) -> Any:
    """Inverse of :func:`to_text` for a column of type ``kind``."""
    if kind == "list":
        return tuple(text.split(LIST_SEP)) if text else ()
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text == "true"
    return text


def provenance_rows(plist: PriorityList) -> list[tuple[str, str]]:
    """``(key, value)`` pairs: settings, exclusions with reasons, cut, agreement, then the provenance."""

    def enc(v: Any) -> str:
        return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)

    s = plist.settings.model_dump(mode="json")
    rows = [("schema_version", plist.schema_version), ("n_in_scope", enc(plist.n_in_scope))]
    rows += [(f"settings.{k}", enc(v)) for k, v in s.items() if k != "weights"]
    rows += [(f"weights.{c}", enc(w)) for c, w in plist.weights.values.items()]
    rows += [(f"excluded.{x.item_id}", x.reason) for x in plist.excluded]
    rows += [(f"below_cut.{b.item_id}", enc({"rank": b.rank, "score": b.score})) for b in plist.below_cut]
    if plist.agreement is not None:
        rows.append(("agreement", enc(plist.agreement.model_dump(mode="json"))))
    rows += [(f"provenance.{k}", enc(v)) for k, v in _flatten(plist.provenance).items()]
    return rows


def _flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and v:
            out |= _flatten(v, key + ".")
        else:
            out[key] = v
    return out
