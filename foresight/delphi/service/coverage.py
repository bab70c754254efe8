"""Panel coverage (专家库覆盖): how many experts each field has in each stakeholder group."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Expert
from foresight.db.models.delphi import STAKEHOLDER_GROUPS


def coverage(session: Session) -> dict[str, Any]:
    """Panel coverage: experts per field × stakeholder group, with totals and uncovered cells.

    Returns
    -------
    dict
        ``groups`` (column order), ``rows`` (``field``, ``counts`` per group, ``total``), ``totals`` per
        group, ``total`` experts, ``experts_without_field`` and ``empty_cells`` (field, group) pairs.
    """
    experts = list(session.scalars(select(Expert).where(Expert.name != "[erased]")))
    groups = list(STAKEHOLDER_GROUPS)
    matrix: dict[str, dict[str, int]] = {}
    for expert in experts:
        for name in expert.fields:
            matrix.setdefault(name, dict.fromkeys(groups, 0))[expert.stakeholder_group] += 1
    rows = [
        {"field": name, "counts": counts, "total": sum(counts.values())}
        for name, counts in sorted(matrix.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    totals = dict.fromkeys(groups, 0)
    for expert in experts:
        totals[expert.stakeholder_group] += 1
    return {
        "groups": groups,
        "rows": rows,
        "totals": totals,
        "total": len(experts),
        "experts_without_field": sum(1 for e in experts if not e.fields),
        "empty_cells": [[name, g] for name, counts in matrix.items() for g in groups if counts[g] == 0],
    }
