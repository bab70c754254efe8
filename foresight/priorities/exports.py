"""Planner-ready exports of a priority list: CSV, XLSX (with codebook) and JSON (with a JSON Schema).

* **CSV** — one row per entry over :data:`~foresight.priorities.codebook.PRIORITY_COLUMNS` (plus
  ``delphi_inputs`` = "generated demo responses" when the survey was answered by a generated demo panel;
  UTF-8 with a BOM so spreadsheet programs read the Chinese titles; lists joined by ``;``; floats in full
  precision); :func:`read_csv` parses it back into typed rows.
* **XLSX** — sheets ``priorities`` (as the CSV), ``components`` (one row per entry × component),
  ``sensitivity`` (one row per weight change × item), ``provenance`` (settings, exclusions with reasons,
  the cut, agreement and the provenance passed in) and ``codebook`` (every column of every sheet with
  its meaning in Chinese and English and its formula or unit).
* **JSON** — ``PriorityList.model_dump(mode="json")``, which validates against the shipped
  ``priority_list.schema.json`` (draft 2020-12); :func:`read_json` loads it back into a
  :class:`~foresight.priorities.model.PriorityList` (e.g. the previous list for a diff).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from foresight.priorities.codebook import (
    CODEBOOK,
    COMPONENT_SHEET_COLUMNS,
    PRIORITY_COLUMNS,
    PROVENANCE_COLUMNS,
    SENSITIVITY_COLUMNS,
    Column,
    entry_row,
    from_text,
    provenance_rows,
    to_text,
)
from foresight.priorities.model import COMPONENT_LABELS, PriorityList

SCHEMA_FILE = "priority_list.schema.json"
SHEETS = ("priorities", "components", "sensitivity", "provenance", "codebook")
GENERATED_NOTE = "generated demo responses (not real experts) / 生成的演示回答（非真实专家）"
#: the extra last column of a list built from a survey answered by generated demo responses
DELPHI_INPUTS_COLUMN = Column(
    "priorities",
    "delphi_inputs",
    "str",
    "德尔菲输入来源",
    "Source of the Delphi inputs (present only when they are generated demo responses)",
    f"'{GENERATED_NOTE}' when provenance.generated_responses is true",
)


def is_generated(plist: PriorityList) -> bool:
    """Whether the list's Delphi inputs are generated demo responses (``provenance.generated_responses``)."""
    return bool(plist.provenance.get("generated_responses"))


def priority_columns(plist: PriorityList) -> tuple[Column, ...]:
    """:data:`PRIORITY_COLUMNS`, plus :data:`DELPHI_INPUTS_COLUMN` for a list from generated responses."""
    return PRIORITY_COLUMNS + ((DELPHI_INPUTS_COLUMN,) if is_generated(plist) else ())


def entry_rows(plist: PriorityList) -> list[dict[str, Any]]:
    """The entries as flat typed rows (see :func:`~foresight.priorities.codebook.entry_row`)."""
    extra = {DELPHI_INPUTS_COLUMN.name: GENERATED_NOTE} if is_generated(plist) else {}
    return [entry_row(e) | extra for e in plist.entries]


def write_csv(plist: PriorityList, path: str | Path) -> Path:
    """Write one row per entry; column order = :func:`priority_columns`."""
    p = Path(path)
    names = [c.name for c in priority_columns(plist)]
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(names)
        for row in entry_rows(plist):
            writer.writerow([to_text(row[n]) for n in names])
    return p


def read_csv(path: str | Path) -> list[dict[str, Any]]:
    """Read a CSV written by :func:`write_csv` back into typed rows (equal to :func:`entry_rows`)."""
    kinds = {c.name: c.kind for c in (*PRIORITY_COLUMNS, DELPHI_INPUTS_COLUMN)}
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        unknown = set(reader.fieldnames or ()) - set(kinds)
        if unknown:
            raise ValueError(f"unknown columns: {sorted(unknown)}")
        return [{k: from_text(v, kinds[k]) for k, v in r.items()} for r in reader]


def _cell(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return value


def _sheet(ws: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
    ws.append([c.name for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_cell(v) for v in r])
    ws.freeze_panes = "A2"


def write_xlsx(plist: PriorityList, path: str | Path) -> Path:
    """Write the workbook with the sheets of :data:`SHEETS` (see the module doc)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "priorities"
    columns = priority_columns(plist)
    names = [c.name for c in columns]
    _sheet(ws, columns, [[r[n] for n in names] for r in entry_rows(plist)])

    comp_rows = []
    for e in plist.entries:
        for c in e.components:
            en, zh, _ = COMPONENT_LABELS[c.name]
            consensus = c.consensus.value if c.consensus else None
            comp_rows.append(
                [
                    e.rank,
                    e.item_id,
                    c.name,
                    en,
                    zh,
                    c.value,
                    c.normalised,
                    c.weight,
                    c.effective_weight,
                    c.contribution,
                    c.missing,
                    c.n,
                    consensus,
                ]
            )
    _sheet(wb.create_sheet("components"), COMPONENT_SHEET_COLUMNS, comp_rows)

    sens_rows = []
    if plist.sensitivity is not None:
        base = plist.sensitivity.base_ranks
        for row in plist.sensitivity.rows:
            for item, new in row.ranks.items():
                sens_rows.append(
                    [
                        row.component,
                        row.change,
                        row.weights[row.component],
                        item,
                        base[item],
                        new,
                        row.deltas[item],
                        row.max_abs_delta,
                    ]
                )
    _sheet(wb.create_sheet("sensitivity"), SENSITIVITY_COLUMNS, sens_rows)
    _sheet(wb.create_sheet("provenance"), PROVENANCE_COLUMNS, provenance_rows(plist))
    described = (*CODEBOOK, DELPHI_INPUTS_COLUMN) if is_generated(plist) else CODEBOOK
    codebook_rows = [[c.sheet, c.name, c.kind, c.meaning_zh, c.meaning_en, c.formula] for c in described]
    _sheet(wb.create_sheet("codebook"), [c for c in CODEBOOK if c.sheet == "codebook"], codebook_rows)
    p = Path(path)
    wb.save(p)
    return p


@cache
def _schema_text() -> str:
    return files("foresight.priorities").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`to_json` documents."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


def to_json(plist: PriorityList) -> dict[str, Any]:
    """The list as a JSON-ready document matching :func:`load_schema`."""
    return plist.model_dump(mode="json")


def write_json(plist: PriorityList, path: str | Path) -> Path:
    p = Path(path)
    p.write_text(json.dumps(to_json(plist), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return p


def read_json(path: str | Path) -> PriorityList:
    """Load a list written by :func:`write_json`."""
    return PriorityList.model_validate_json(Path(path).read_text(encoding="utf-8"))
