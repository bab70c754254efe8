"""Small hand-built stores for the monitoring tests: documents with dates, runs, themes, memberships,
and cached vectors — no embedding model, no clustering."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from sqlalchemy.orm import Session

from foresight.db.models import AnalysisRun, Document, ImportBatch, Theme, ThemeField, ThemeMembership
from foresight.embeddings import document_text
from foresight.embeddings.cache import put_many, text_hash
from foresight.themes.persist import encode_centroid, new_lineage_id

MODEL_ID = "test-model"
#: The same topic words the corpus uses, so c-TF-IDF finds them.
TOPIC_WORDS = {
    "quantum": "quantum error correction qubit",
    "graph": "graph neural network message passing",
    "battery": "solid state battery electrolyte",
    "noise": "general survey of computing methods",
}
FILLERS = ("study", "approach", "evaluation", "benchmark", "design", "results", "method", "analysis")


class StoreBuilder:
    """Adds rows to one session; ids are flushed so they can be used right away."""

    def __init__(self, session: Session) -> None:
        self.session = session
        batch = ImportBatch(filename="test.jsonl", file_sha256="0" * 64, source_format="jsonl")
        session.add(batch)
        session.flush()
        self.batch_id = batch.id
        self.n = 0

    def document(
        self,
        topic: str,
        when: date | None,
        kind: str = "paper",
        family_id: str | None = None,
        access_level: str = "public",
        year: int | None = None,
        **extra: object,
    ) -> Document:
        self.n += 1
        filler = FILLERS[self.n % len(FILLERS)]
        title = f"{TOPIC_WORDS[topic].title()} {filler} number {self.n}"
        doc = Document(
            kind=kind,
            title=title,
            abstract=f"We study {TOPIC_WORDS[topic]} with a new {filler}.",
            language="en",
            publication_date=when if kind != "patent" else None,
            priority_date=when if kind == "patent" else None,
            year=year if year is not None else (when.year if when else None),
            title_key=f"k{self.n}",
            source_format="jsonl",
            import_batch_id=self.batch_id,
            family_id=family_id,
            access_level=access_level,
            **extra,
        )
        self.session.add(doc)
        self.session.flush()
        return doc

    def documents(
        self, topic: str, when: date, n: int, kind: str = "paper", **extra: object
    ) -> list[Document]:
        """``n`` documents of one topic and date, flushed together."""
        docs = []
        for _ in range(n):
            self.n += 1
            filler = FILLERS[self.n % len(FILLERS)]
            docs.append(
                Document(
                    kind=kind,
                    title=f"{TOPIC_WORDS[topic].title()} {filler} number {self.n}",
                    abstract=f"We study {TOPIC_WORDS[topic]} with a new {filler}.",
                    language="en",
                    publication_date=when if kind != "patent" else None,
                    priority_date=when if kind == "patent" else None,
                    year=when.year,
                    title_key=f"k{self.n}",
                    source_format="jsonl",
                    import_batch_id=self.batch_id,
                    **extra,
                )
            )
        self.session.add_all(docs)
        self.session.flush()
        return docs

    def run(self, previous: AnalysisRun | None = None, label: str | None = None) -> AnalysisRun:
        run = AnalysisRun(
            seed=0,
            model_id=MODEL_ID,
            representation="neural",
            corpus_fingerprint="f" * 64,
            status="completed",
            label=label,
            previous_run_id=previous.id if previous else None,
        )
        self.session.add(run)
        self.session.flush()
        return run

    def field(self, run: AnalysisRun, number: int, label: str) -> ThemeField:
        f = ThemeField(run_id=run.id, number=number, label_en=label)
        self.session.add(f)
        self.session.flush()
        return f

    def theme(
        self,
        run: AnalysisRun,
        number: int,
        label: str,
        keywords: Sequence[tuple[str, float]] = (),
        centroid: np.ndarray | None = None,
        lineage_id: str | None = None,
        quality: dict[str, float] | None = None,
        field: ThemeField | None = None,
    ) -> Theme:
        theme = Theme(
            run_id=run.id,
            number=number,
            label_en=label,
            keywords=[[t, w] for t, w in keywords],
            centroid=encode_centroid(centroid) if centroid is not None else None,
            lineage_id=lineage_id or new_lineage_id(),
            quality=quality or {},
            field_id=field.id if field else None,
        )
        self.session.add(theme)
        self.session.flush()
        return theme

    def members(
        self, run: AnalysisRun, theme: Theme | None, docs: Sequence[Document], probability: float = 0.9
    ) -> None:
        self.session.add_all(
            ThemeMembership(
                run_id=run.id, document_id=d.id, theme_id=theme.id if theme else None, probability=probability
            )
            for d in docs
        )
        self.session.flush()

    def vectors(self, docs: Sequence[Document], vector: np.ndarray, rng: np.random.Generator) -> None:
        """Cache a noisy copy of ``vector`` for each document under ``MODEL_ID``."""
        items = {}
        for d in docs:
            items[text_hash(document_text(d))] = vector + 0.05 * rng.normal(size=vector.shape)
        put_many(self.session, MODEL_ID, items)


def monthly(start: date, n: int) -> list[date]:
    """The 15th of ``n`` consecutive months from ``start``."""
    out = []
    year, month = start.year, start.month
    for _ in range(n):
        out.append(date(year, month, 15))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out
