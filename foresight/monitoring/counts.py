"""Per-period counts of a run snapshot: papers, patent families and documents per theme and overall.

Papers count once each. Patents count once per simple family (``family_id``; a patent without one is its
own family), in the period of the family's earliest member up to the as-of date
(:func:`foresight.metrics.balance.families_per_period`). The "documents" series that growth, bursts and
EScores use is papers plus patent families, for a theme (``r_t``) and for the whole run (``d_t``).
Other kinds (projects, news, policy texts) count with the papers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

from foresight.metrics.balance import families_per_period
from foresight.metrics.series import FloatArray
from foresight.monitoring.snapshot import RunSnapshot, SnapshotDocument


@dataclass(frozen=True)
class PeriodCounts:
    """Counts per period (aligned with the snapshot's periods)."""

    papers: FloatArray
    families: FloatArray
    patents: FloatArray  #: patent documents (not deduplicated by family)

    @property
    def documents(self) -> FloatArray:
        return self.papers + self.families


def _family_key(doc: SnapshotDocument) -> Hashable | None:
    return doc.family_id or None


def count_periods(documents: Iterable[SnapshotDocument], periods: list[str]) -> PeriodCounts:
    """Papers, patent families and patents per period of the given documents."""
    index = {p: i for i, p in enumerate(periods)}
    papers = np.zeros(len(periods))
    patents = np.zeros(len(periods))
    patent_periods: list[str] = []
    family_ids: list[Hashable | None] = []
    for doc in documents:
        i = index.get(doc.period)
        if i is None:
            continue
        if doc.kind == "patent":
            patents[i] += 1.0
            patent_periods.append(doc.period)
            family_ids.append(_family_key(doc))
        else:
            papers[i] += 1.0
    families = families_per_period(patent_periods, family_ids, periods)
    return PeriodCounts(papers, families, patents)


def theme_documents(snapshot: RunSnapshot) -> dict[int, list[SnapshotDocument]]:
    """The snapshot's documents of each theme (themes without documents as of the date are absent)."""
    out: dict[int, list[SnapshotDocument]] = defaultdict(list)
    for doc in snapshot.documents:
        if doc.theme_id is not None and doc.theme_id in snapshot.themes:
            out[doc.theme_id].append(doc)
    return dict(out)


def evidence_documents(documents: list[SnapshotDocument], n: int = 5) -> list[int]:
    """Ids of the ``n`` strongest members, the most recent first among equals.

    Sorted by membership probability (descending), then date (latest first), then id.
    """
    ranked = sorted(documents, key=lambda d: (-d.probability, -d.when.toordinal(), d.id))
    return [d.id for d in ranked[:n]]


def recent_documents(documents: list[SnapshotDocument], periods: list[str], window: int) -> list[int]:
    """Ids of the documents in the last ``window`` periods, newest first."""
    recent = set(periods[-window:])
    ranked = sorted((d for d in documents if d.period in recent), key=lambda d: (-d.when.toordinal(), d.id))
    return [d.id for d in ranked]
