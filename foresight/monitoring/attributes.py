"""Document-attribute indicators of a theme as of a date: diversity (organisations, countries, categories,
IPC subclasses), paper–patent balance and impact (citations, patent families).

Each function returns entries ``{"value": …, "formula": id, …details}`` ready for the indicators JSON.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from foresight.metrics.balance import count_families, paper_patent_balance
from foresight.metrics.diversity import (
    category_distribution,
    gini,
    ipc_subclass,
    rao_stirling_from_lists,
    shannon,
)
from foresight.monitoring.snapshot import SnapshotDocument

Entry = dict[str, Any]

#: Dimension → how to read it from a document.
DIMENSIONS: dict[str, Callable[[SnapshotDocument], list[str]]] = {
    "organizations": lambda d: d.organizations,
    "countries": lambda d: d.countries,
    "categories": lambda d: d.categories,
    "ipc": lambda d: sorted({ipc_subclass(c) for c in d.ipc_codes if c.strip()}),
}


def clean(value: Any) -> Any:
    """Plain JSON value: numpy scalars unwrapped, NaN and infinities as ``None``, floats rounded."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6) if np.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def entry(value: Any, formula: str, **details: Any) -> Entry:
    """One indicator value with its formula id and details, JSON-clean."""
    return {"value": clean(value), "formula": formula, **{k: clean(v) for k, v in details.items()}}


class CorpusIndex:
    """Per dimension, which corpus documents carry each label (for the co-occurrence distances)."""

    def __init__(self, documents: Sequence[SnapshotDocument]) -> None:
        self.lists: dict[str, list[list[str]]] = {}
        self.by_label: dict[str, dict[str, list[int]]] = {}
        for name, read in DIMENSIONS.items():
            lists = [read(d) for d in documents]
            index: dict[str, list[int]] = defaultdict(list)
            for row, labels in enumerate(lists):
                for label in set(labels):
                    index[label].append(row)
            self.lists[name] = lists
            self.by_label[name] = dict(index)
        self.expected_citations = _expected_citations(documents)

    def references(self, name: str, labels: set[str]) -> list[list[str]]:
        rows = sorted({r for label in labels for r in self.by_label[name].get(label, [])})
        return [self.lists[name][r] for r in rows]


def diversity_entries(docs: Sequence[SnapshotDocument], corpus: CorpusIndex) -> dict[str, Entry]:
    """Shannon (with evenness, richness, Gini) and Rao–Stirling per dimension that the documents carry."""
    out: dict[str, Entry] = {}
    for name, read in DIMENSIONS.items():
        lists = [read(d) for d in docs]
        dist = category_distribution(lists)
        if not dist.labels:
            continue
        h = shannon(dist.counts)
        out[f"diversity_{name}"] = entry(
            h.entropy,
            "diversity.shannon",
            evenness=h.evenness,
            richness=h.richness,
            effective_number=h.effective_number,
            gini=gini(dist.counts),
            formulas={"gini": "diversity.gini"},
            documents_with_data=sum(1 for x in lists if x),
        )
        if name == "ipc":
            rs = rao_stirling_from_lists(lists, "ipc")
        else:
            rs = rao_stirling_from_lists(
                lists, "cooccurrence", reference_lists=corpus.references(name, set(dist.labels))
            )
        out[f"rao_stirling_{name}"] = entry(rs, "diversity.rao_stirling")
    return out


def balance_entry(papers: float, families: float) -> Entry:
    """Paper–patent balance over all periods up to the date."""
    b = paper_patent_balance(papers, families)
    return entry(
        b.balance, "balance.paper_patent", leaning=b.leaning, papers=papers, patent_families=families
    )


def _expected_citations(documents: Sequence[SnapshotDocument]) -> dict[tuple[str, int | None], float]:
    sums: dict[tuple[str, int | None], list[float]] = defaultdict(list)
    for d in documents:
        if d.citation_count is not None:
            sums[(d.kind, d.year)].append(float(d.citation_count))
    return {k: float(np.mean(v)) for k, v in sums.items()}


def impact_entries(docs: Sequence[SnapshotDocument], corpus: CorpusIndex) -> dict[str, Entry]:
    """Field-normalised citations per document, forward citations per patent family, mean family size."""
    out: dict[str, Entry] = {}
    ratios = []
    for d in docs:
        expected = corpus.expected_citations.get((d.kind, d.year))
        if d.citation_count is not None and expected:
            ratios.append(d.citation_count / expected)
    if ratios:
        out["citations_per_doc"] = entry(
            float(np.mean(ratios)), "impact.citations_per_doc", documents=len(ratios)
        )
    patents = [d for d in docs if d.kind == "patent"]
    if patents:
        families = count_families([d.family_id or None for d in patents])
        cited = [d.citation_count for d in patents if d.citation_count is not None]
        if cited:
            out["forward_citations"] = entry(
                sum(cited) / families, "impact.forward_citations", families=families
            )
        out["family_size"] = entry(len(patents) / families, "impact.family_size", patents=len(patents))
    return out
