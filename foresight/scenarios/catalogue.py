"""The scenario catalogue: frontier fields and application scenarios (场景), imported from YAML or CSV.

YAML (as ``data/scenarios.yaml``)::

    fields:
      - {id: ai, zh: 人工智能, en: Artificial intelligence}
    scenarios:
      - {id: drone-delivery, zh: 无人机物流配送, en: Drone delivery networks, tier: industry,
         domain: society, fields: [low-altitude], description: optional}

CSV: one scenario per row with columns ``id, zh, en, tier, domain, fields`` (fields separated by ``;``
or ``|``) and optionally ``description``. Every problem is reported at once, naming the entry
(``scenarios[3] (id 'smart-port'): unknown tier 'big'``); nothing is stored unless all entries are
valid. Importing again updates entries by id (their key) and adds new ones.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import CatalogueField, Scenario
from foresight.db.models.curation import SCENARIO_DOMAINS, SCENARIO_TIERS

__all__ = ["CatalogueError", "CatalogueImport", "import_catalogue", "parse_catalogue"]

_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_SCENARIO_KEYS = {"id", "zh", "en", "tier", "domain", "fields", "description", "source"}
_FIELD_KEYS = {"id", "zh", "en", "source"}


class CatalogueError(ValueError):
    """The catalogue file is invalid; ``problems`` lists every invalid entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid scenario catalogue:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass
class CatalogueImport:
    """What an import did."""

    source: str
    fields_added: int = 0
    fields_updated: int = 0
    scenarios_added: int = 0
    scenarios_updated: int = 0
    keys: list[str] = field(default_factory=list)


def _entries(
    path: Path, text: str
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """``(fields, scenarios)`` as ``(where, entry)`` pairs."""
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = {"id", "zh", "en", "tier", "domain", "fields"} - set(reader.fieldnames or [])
        if missing:
            raise CatalogueError([f"{path.name}: missing column(s) {', '.join(sorted(missing))}"])
        rows = []
        for row in reader:
            entry: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k}
            entry["fields"] = [f.strip() for f in re.split(r"[;|]", entry.get("fields", "")) if f.strip()]
            if not entry.get("description"):
                entry.pop("description", None)
            rows.append((f"line {reader.line_num}", entry))
        return [], rows
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError([f"{path.name}: not valid YAML: {exc}"]) from None
    if isinstance(data, list):
        data = {"scenarios": data}
    if not isinstance(data, dict) or not isinstance(data.get("scenarios", []), list):
        raise CatalogueError([f"{path.name}: expected a mapping with 'fields' and 'scenarios' lists"])
    return (
        [(f"fields[{i}]", x) for i, x in enumerate(data.get("fields") or [])],
        [(f"scenarios[{i}]", x) for i, x in enumerate(data.get("scenarios") or [])],
    )


def _check(where: str, entry: Any, allowed: set[str], seen: set[str], problems: list[str]) -> str | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping, got {type(entry).__name__}")
        return None
    key = str(entry.get("id", "") or "").strip()
    name = f"{where} (id {key!r})" if key else where
    if not key:
        problems.append(f"{where}: missing id")
    elif not _KEY.match(key):
        problems.append(f"{name}: id must be lower-case letters, digits, '.', '_' or '-' (at most 80)")
    elif key in seen:
        problems.append(f"{name}: duplicate id")
    unknown = set(entry) - allowed
    if unknown:
        problems.append(f"{name}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    if not str(entry.get("zh", "") or "").strip() and not str(entry.get("en", "") or "").strip():
        problems.append(f"{name}: needs a Chinese (zh) or English (en) name")
    seen.add(key)
    return key or None


def parse_catalogue(
    path: str | Path, known_fields: set[str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Read and validate a catalogue file; returns ``(fields, scenarios)`` as plain dicts.

    Parameters
    ----------
    path : str or Path
        ``.yaml`` / ``.yml`` or ``.csv``.
    known_fields : set of str, optional
        Field ids already in the store, which scenarios may name besides the file's own fields.

    Raises
    ------
    CatalogueError
        Listing every problem, each naming its entry.
    """
    p = Path(path)
    field_entries, scenario_entries = _entries(p, p.read_text(encoding="utf-8"))
    problems: list[str] = []
    fields, scenarios = [], []
    seen: set[str] = set()
    for where, entry in field_entries:
        key = _check(where, entry, _FIELD_KEYS, seen, problems)
        if key:
            fields.append(
                {"key": key, "label_zh": str(entry.get("zh") or ""), "label_en": str(entry.get("en") or "")}
            )
    field_keys = {f["key"] for f in fields} | (known_fields or set())
    seen = set()
    for where, entry in scenario_entries:
        key = _check(where, entry, _SCENARIO_KEYS, seen, problems)
        if not key:
            continue
        name = f"{where} (id {key!r})"
        tier, domain = str(entry.get("tier", "")).strip(), str(entry.get("domain", "")).strip()
        if tier not in SCENARIO_TIERS:
            problems.append(f"{name}: unknown tier {tier!r} (expected {', '.join(SCENARIO_TIERS)})")
        if domain not in SCENARIO_DOMAINS:
            problems.append(f"{name}: unknown domain {domain!r} (expected {', '.join(SCENARIO_DOMAINS)})")
        names = entry.get("fields") or []
        if not isinstance(names, list):
            problems.append(f"{name}: fields must be a list")
            names = []
        unknown = [str(f) for f in names if str(f) not in field_keys]
        if unknown:
            problems.append(f"{name}: unknown field(s) {', '.join(unknown)}")
        scenarios.append(
            {
                "key": key,
                "label_zh": str(entry.get("zh") or ""),
                "label_en": str(entry.get("en") or ""),
                "tier": tier,
                "domain": domain,
                "fields": [str(f) for f in names],
                "description": (str(entry["description"]) if entry.get("description") else None),
            }
        )
    if problems:
        raise CatalogueError(problems)
    return fields, scenarios


def import_catalogue(session: Session, path: str | Path, source: str | None = None) -> CatalogueImport:
    """Validate a catalogue file and add or update its fields and scenarios (by id).

    Raises
    ------
    CatalogueError
        Nothing is written when any entry is invalid.
    """
    known = set(session.scalars(select(CatalogueField.key)))
    fields, scenarios = parse_catalogue(path, known)
    origin = source or Path(path).name
    report = CatalogueImport(origin)
    existing_fields = {f.key: f for f in session.scalars(select(CatalogueField))}
    for f in fields:
        row = existing_fields.get(f["key"])
        if row is None:
            session.add(CatalogueField(**f, source=origin))
            report.fields_added += 1
        else:
            row.label_zh, row.label_en, row.source = f["label_zh"], f["label_en"], origin
            report.fields_updated += 1
    existing = {s.key: s for s in session.scalars(select(Scenario))}
    for sc in scenarios:
        row_sc = existing.get(sc["key"])
        if row_sc is None:
            session.add(Scenario(**sc, source=origin))
            report.scenarios_added += 1
        else:
            for name, value in sc.items():
                setattr(row_sc, name, value)
            row_sc.source = origin
            report.scenarios_updated += 1
        report.keys.append(sc["key"])
    session.flush()
    return report
