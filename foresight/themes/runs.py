"""The analysis use-case: select documents, embed them (cached), find themes, store the run.

A run records everything needed to reproduce and explain it: parameters, seed, model, representation,
filters, corpus fingerprint, library versions and timings. The same documents, parameters and seed give
the same themes.
"""

from __future__ import annotations

import hashlib
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import Engine, Select, select

from foresight.db.models import AnalysisRun, Document
from foresight.db.session import session_scope
from foresight.embeddings import (
    LexicalEmbedder,
    SentenceTransformerBackend,
    assess_representation,
    document_text,
    embed_texts,
    fuse,
)
from foresight.embeddings.cache import text_hash
from foresight.monitoring import monitor_run
from foresight.settings import Settings
from foresight.themes.persist import store_run
from foresight.themes.pipeline import ThemeModel
from foresight.themes.quality import theme_silhouettes, theme_stability
from foresight.themes.versions import package_versions

REPRESENTATIONS = ("auto", "neural", "lexical", "fused")
_S = TypeVar("_S", bound=Select)
StepCallback = Callable[[str, int, int], None]


class AnalysisError(ValueError):
    """The analysis cannot run as asked (no documents match, bad parameter…)."""


@dataclass(frozen=True)
class CorpusFilter:
    """Which documents an analysis covers."""

    since: date | None = None
    until: date | None = None
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "kinds": list(self.kinds),
            "languages": list(self.languages),
        }

    def apply(self, stmt: _S) -> _S:
        if self.kinds:
            stmt = stmt.where(Document.kind.in_(self.kinds))
        if self.languages:
            stmt = stmt.where(Document.language.in_(self.languages))
        if self.since is not None:
            stmt = stmt.where(
                (Document.publication_date >= self.since)
                | (Document.publication_date.is_(None) & (Document.year >= self.since.year))
            )
        if self.until is not None:
            stmt = stmt.where(
                (Document.publication_date <= self.until)
                | (Document.publication_date.is_(None) & (Document.year <= self.until.year))
            )
        return stmt


@dataclass(frozen=True)
class AnalysisOptions:
    """Parameters of one analysis (``None`` = scale with the corpus)."""

    filters: CorpusFilter = field(default_factory=CorpusFilter)
    representation: str = "auto"
    min_cluster_size: int | None = None
    min_samples: int | None = None
    max_theme_share: float | None = None
    reassign_outliers: bool = True
    n_fields: int | None = None
    stability_runs: int = 2
    map_2d: bool = True
    seed: int = 42
    label: str | None = None

    def __post_init__(self) -> None:
        if self.representation not in REPRESENTATIONS:
            raise AnalysisError(f"representation must be one of {', '.join(REPRESENTATIONS)}")
        if self.min_cluster_size is not None and self.min_cluster_size < 2:
            raise AnalysisError("min_cluster_size must be at least 2")
        if self.max_theme_share is not None and not 0 < self.max_theme_share <= 1:
            raise AnalysisError("max_theme_share must be in (0, 1]")
        if self.stability_runs < 0:
            raise AnalysisError("stability_runs must not be negative")


@dataclass
class AnalysisResult:
    run_id: int
    n_documents: int
    n_themes: int
    n_fields: int
    noise_share_before: float
    noise_share_after: float
    representation: str
    timings: dict[str, float]
    warnings: list[str]


def library_versions() -> dict[str, str]:
    """Python and the versions of every library an analysis run depends on."""
    packages = ("foresight", "numpy", "scikit-learn", "umap-learn", "hdbscan", "sentence-transformers",
                "torch", "jieba", "sqlalchemy")  # fmt: skip
    return {"python": platform.python_version(), **package_versions(packages)}


def corpus_fingerprint(doc_ids: list[int], texts: list[str]) -> str:
    digest = hashlib.sha256()
    for doc_id, text in sorted(zip(doc_ids, texts, strict=True)):
        digest.update(f"{doc_id}:{text_hash(text)}\n".encode())
    return digest.hexdigest()


def select_corpus(engine: Engine, filters: CorpusFilter) -> tuple[list[int], list[str], list[str]]:
    """Ids, texts and languages of the documents an analysis covers, in id order."""
    stmt = filters.apply(select(Document.id, Document.title, Document.abstract, Document.language))
    with session_scope(engine) as session:
        rows = session.execute(stmt.order_by(Document.id)).all()
    ids, texts, languages = [], [], []
    for doc_id, title, abstract, language in rows:
        text = document_text(_Text(title, abstract))
        if text.strip():
            ids.append(doc_id)
            texts.append(text)
            languages.append(language)
    return ids, texts, languages


@dataclass
class _Text:
    title: str
    abstract: str | None


def embed_corpus(
    engine: Engine,
    settings: Settings,
    texts: list[str],
    languages: list[str],
    representation: str,
    seed: int,
    on_step: StepCallback | None = None,
) -> tuple[np.ndarray, str, str, list[str]]:
    """Vectors for the corpus in the chosen representation; returns (vectors, representation, model id,
    warnings). The neural part goes through the embedding cache; the lexical part is refitted (cheap)."""
    backend = SentenceTransformerBackend(settings.embedding_model, backend=settings.embedding_backend)  # type: ignore[arg-type]
    warnings: list[str] = []
    if representation == "auto":
        choice = assess_representation(texts, languages, backend, seed=seed)
        representation = choice.representation
        if choice.warning:
            warnings.append(choice.warning)

    def progress(done: int, total: int) -> None:
        if on_step is not None:
            on_step("embed", done, total)

    neural = None
    if representation in ("neural", "fused"):
        neural = embed_texts(engine, texts, backend, settings.embedding_batch_size, on_progress=progress)
    if representation == "neural":
        assert neural is not None
        return neural, representation, backend.model_id, warnings
    lexical_model = LexicalEmbedder(random_state=seed)
    lexical = lexical_model.fit_transform(texts)
    if representation == "lexical":
        return lexical, representation, lexical_model.model_id, warnings
    assert neural is not None
    return fuse(neural, lexical), representation, f"{backend.model_id}+{lexical_model.model_id}", warnings


def run_analysis(
    engine: Engine,
    settings: Settings,
    options: AnalysisOptions,
    on_step: StepCallback | None = None,
) -> AnalysisResult:
    """Run the whole analysis and store it; returns a summary with the new run's id."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    doc_ids, texts, languages = select_corpus(engine, options.filters)
    if len(doc_ids) < 10:
        raise AnalysisError(
            f"only {len(doc_ids)} documents match the filters {options.filters.as_dict()}; need at least 10"
        )
    timings["select"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    vectors, representation, model_id, warnings = embed_corpus(
        engine, settings, texts, languages, options.representation, options.seed, on_step
    )
    timings["embed"] = time.perf_counter() - t0

    if on_step:
        on_step("cluster", 0, 1)
    t0 = time.perf_counter()
    model = ThemeModel(
        min_cluster_size=options.min_cluster_size,
        min_samples=options.min_samples,
        max_theme_share=options.max_theme_share,
        reassign_outliers=options.reassign_outliers,
        n_fields=options.n_fields,
        random_state=options.seed,
    ).fit(vectors, texts, languages)
    timings["fit"] = time.perf_counter() - t0
    if on_step:
        on_step("cluster", 1, 1)

    quality: dict[int, dict[str, float]] = {t.id: {} for t in model.themes_}
    t0 = time.perf_counter()
    for theme_id, value in theme_silhouettes(
        model.reduced_, model.labels_, random_state=options.seed
    ).items():
        quality.setdefault(int(theme_id), {})["silhouette"] = float(value)
    if options.stability_runs > 0:
        if on_step:
            on_step("stability", 0, options.stability_runs)
        seeds = [options.seed + 1000 * (i + 1) for i in range(options.stability_runs)]
        report = theme_stability(model, vectors, seeds=seeds)
        for theme_id, value in report.per_theme.items():
            quality.setdefault(theme_id, {})["stability"] = float(value)
        if on_step:
            on_step("stability", options.stability_runs, options.stability_runs)
    timings["quality"] = time.perf_counter() - t0

    coords = None
    if options.map_2d:
        t0 = time.perf_counter()
        coords = map_coordinates(model.reduced_, options.seed)
        timings["map"] = time.perf_counter() - t0

    parameters = {
        "options": {k: v for k, v in asdict(options).items() if k != "filters"},
        "model": model.params_,
    }
    run = AnalysisRun(
        label=options.label,
        seed=options.seed,
        model_id=model_id,
        representation=representation,
        parameters=_jsonable(parameters),
        filters=options.filters.as_dict(),
        corpus_fingerprint=corpus_fingerprint(doc_ids, texts),
        versions=library_versions(),
        warnings=warnings,
    )
    t0 = time.perf_counter()
    run_id = store_run(engine, run, model, doc_ids, quality, coords, timings)
    timings["store"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    monitor_run(engine, run_id)  # lineage to the previous run, indicators, alerts
    timings["monitoring"] = time.perf_counter() - t0
    from foresight.curation.carry_over import carry_over_after_run  # local: curation imports themes

    t0 = time.perf_counter()
    warnings = [*warnings, *carry_over_after_run(engine, run_id, model.representation_)]  # earlier curation
    timings["carry_over"] = time.perf_counter() - t0
    return AnalysisResult(
        run_id=run_id,
        n_documents=len(doc_ids),
        n_themes=len(model.themes_),
        n_fields=len(model.fields_),
        noise_share_before=model.noise_share_["before"],
        noise_share_after=model.noise_share_["after"],
        representation=representation,
        timings=timings,
        warnings=warnings,
    )


def map_coordinates(reduced: np.ndarray, seed: int) -> np.ndarray:
    """2-D coordinates for the document map: UMAP of the clustering space (seeded)."""
    if reduced.shape[0] < 20:
        padded = np.zeros((reduced.shape[0], 2))
        padded[:, : min(2, reduced.shape[1])] = reduced[:, :2]
        return padded
    import umap

    mapper = umap.UMAP(n_components=2, n_neighbors=15, min_dist=0.1, random_state=seed, n_epochs=200)
    return np.asarray(mapper.fit_transform(reduced), dtype=np.float64)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, CorpusFilter):
        return value.as_dict()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)
