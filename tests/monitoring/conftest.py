"""A monthly store with one growing theme, one flat theme and noise, built row by row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from sqlalchemy import Engine

from foresight.db.session import session_scope
from tests.monitoring.builders import StoreBuilder, monthly

MONTHS = monthly(date(2024, 1, 1), 18)
#: Papers of the growing theme per month (2024-01 … 2025-06).
QUANTUM_PAPERS = [0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9]
GRAPH_PAPERS = 4
PAPERS_PER_MONTH = 20
#: Patents of the growing theme: (month index, family id); "F1" has two members, counted once.
QUANTUM_PATENTS = [(5, "F1"), (8, "F1"), (13, None)]


@dataclass
class MonthlyStore:
    run_id: int
    quantum_id: int
    graph_id: int
    restricted_doc_id: int
    quantum: np.ndarray  #: expected r_t of the growing theme (papers + patent families)
    corpus: np.ndarray  #: expected d_t


def build_monthly_store(engine: Engine) -> MonthlyStore:
    rng = np.random.default_rng(0)
    axes = np.eye(4)
    with session_scope(engine) as s:
        b = StoreBuilder(s)
        run = b.run(label="monthly")
        field = b.field(run, 0, "quantum technology")
        quantum = b.theme(
            run, 0, "quantum error correction", [("quantum", 0.5), ("qubit", 0.3)], axes[0],
            quality={"silhouette": 0.4, "stability": 0.8}, field=field,
        )  # fmt: skip
        graph = b.theme(
            run,
            1,
            "graph neural networks",
            [("graph", 0.5)],
            axes[1],
            quality={"silhouette": 0.3, "stability": 0.9},
        )
        restricted = b.document("quantum", date(2025, 6, 10), access_level="restricted")
        b.members(run, quantum, [restricted], probability=0.99)
        b.vectors([restricted], axes[0], rng)
        for i, (when, n_q) in enumerate(zip(MONTHS, QUANTUM_PAPERS, strict=True)):
            n_q -= 1 if i == len(MONTHS) - 1 else 0  # the restricted paper is one of them
            q = b.documents("quantum", when, n_q, categories=["quant-ph", "cs.IT"], organizations=["MIT"])
            q += [
                b.document("quantum", when, kind="patent", family_id=fam, ipc_codes=["G06N 10/40"])
                for k, fam in QUANTUM_PATENTS
                if k == i
            ]
            g = b.documents("graph", when, GRAPH_PAPERS, categories=["cs.LG"], organizations=["ETH", "MIT"])
            noise = b.documents("noise", when, PAPERS_PER_MONTH - QUANTUM_PAPERS[i] - GRAPH_PAPERS)
            b.members(run, quantum, q)
            b.members(run, graph, g, probability=0.8)
            b.members(run, None, noise, probability=0.0)
            b.vectors(q, axes[0], rng)
            b.vectors(g, axes[1], rng)
            b.vectors(noise, axes[2], rng)
        ids = (run.id, quantum.id, graph.id, restricted.id)
    families = np.zeros(len(MONTHS))
    families[5] = 1  # F1 at its earliest member; the later member is not counted again
    families[13] = 1  # a patent without family id is its own family
    r = np.array(QUANTUM_PAPERS, float) + families
    d = np.full(len(MONTHS), float(PAPERS_PER_MONTH)) + families
    return MonthlyStore(*ids, quantum=r, corpus=d)


@pytest.fixture
def monthly_store(engine: Engine) -> MonthlyStore:
    return build_monthly_store(engine)
