"""Linking a run's themes to application scenarios by meaning: scenarios for technologies and
technologies for scenarios.

Each scenario's text is embedded with the run's model: ``"<zh> / <en>"`` for a multilingual model, the
English name alone for an English-only one (``auto`` decides by the share of unknown tokens the model's
tokenizer gives the Chinese names). A theme's vector is its centroid when the run used that model,
otherwise the mean of its members' cached embeddings under that model. The score combines meaning and
words::

    score = (1 - β) · cos(theme, scenario) + β · overlap(theme keywords, scenario words)

where ``overlap`` is the keyword-weighted share of each theme keyword's words found in the scenario's
name (plurals folded). Each theme keeps its ``top_k`` scenarios with ``score ≥ threshold``, with the
evidence: cosine, overlap, matching terms and the member documents nearest the scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from foresight.curation.describe import member_vectors, unit_mean
from foresight.db.models import Document, Scenario, Theme, ThemeMembership, ThemeScenario
from foresight.embeddings import EmbeddingBackend
from foresight.graph.sources import run_themes
from foresight.text import has_han, tokenize
from foresight.themes.persist import decode_centroid
from foresight.themes.queries import get_run, theme_label

__all__ = [
    "LinkReport",
    "link_scenarios",
    "orphans",
    "scenario_texts",
    "scenarios_for_theme",
    "themes_for_scenario",
]

TextMode = Literal["auto", "en", "bilingual"]
KEYWORD_WEIGHT = 0.25
THRESHOLD = 0.3
TOP_K = 3


@dataclass
class LinkReport:
    """What :func:`link_scenarios` stored."""

    run_id: int
    model_id: str
    text_mode: str
    n_themes: int
    n_scenarios: int
    n_links: int
    warnings: list[str] = field(default_factory=list)


def _fold(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(text: str) -> set[str]:
    return {_fold(w) for w in tokenize(text, "zh" if has_han(text) else "en")}


def scenario_texts(
    scenarios: list[Scenario], backend: EmbeddingBackend, mode: TextMode = "auto"
) -> tuple[list[str], str]:
    """The texts to embed for the scenarios and the mode used (``en`` or ``bilingual``)."""
    if mode == "auto":
        chinese = [s.label_zh for s in scenarios if s.label_zh]
        unknown = backend.unknown_token_share(chinese) if chinese else 0.0
        mode = "en" if unknown > 0.2 else "bilingual"
    if mode == "en":
        return [s.label_en or s.label_zh for s in scenarios], "en"
    return [" / ".join(x for x in (s.label_zh, s.label_en) if x) for s in scenarios], "bilingual"


def _overlap(keywords: list[list[Any]], words: set[str]) -> tuple[float, list[str]]:
    total, hit, terms = 0.0, 0.0, []
    for term, weight in keywords:
        parts = _words(str(term))
        if not parts:
            continue
        share = len(parts & words) / len(parts)
        total += float(weight)
        hit += float(weight) * share
        if share > 0:
            terms.append(str(term))
    return (hit / total if total > 0 else 0.0), terms


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def link_scenarios(
    session: Session,
    backend: EmbeddingBackend,
    run_id: int | None = None,
    *,
    top_k: int = TOP_K,
    threshold: float = THRESHOLD,
    keyword_weight: float = KEYWORD_WEIGHT,
    text_mode: TextMode = "auto",
    n_documents: int = 3,
) -> LinkReport:
    """Link each visible theme of a run to its most relevant scenarios (replacing earlier links).

    Parameters
    ----------
    session : Session
    backend : EmbeddingBackend
        The model to compare with; use the run's model (its centroids are then used directly).
    run_id : int, optional
        Default: the latest completed run.
    top_k, threshold, keyword_weight : int, float, float
        Scenarios kept per theme, the minimum score and β (see the module docstring).
    text_mode : {"auto", "en", "bilingual"}
    n_documents : int
        Nearest member documents kept as evidence.
    """
    run = get_run(session, run_id)
    scenarios = list(session.scalars(select(Scenario).order_by(Scenario.key)))
    themes = [t for t in run_themes(session, run.id) if not t.hidden]
    report = LinkReport(run.id, backend.model_id, text_mode, len(themes), len(scenarios), 0)
    session.execute(delete(ThemeScenario).where(ThemeScenario.run_id == run.id))
    if not scenarios or not themes:
        report.warnings.append("no scenarios in the catalogue" if not scenarios else "no visible themes")
        return report
    texts, report.text_mode = scenario_texts(scenarios, backend, text_mode)
    S = np.asarray(backend.encode(texts), dtype=np.float64)
    S /= np.maximum(np.linalg.norm(S, axis=1, keepdims=True), 1e-12)
    words = [_words(f"{s.label_en} {s.label_zh} {s.description or ''}") for s in scenarios]
    members = _members(session, run.id, [t.id for t in themes])
    no_vector = []
    for theme in themes:
        vectors = member_vectors(session, backend.model_id, members.get(theme.id, [])) or {}
        vec = _theme_vector(theme, run.model_id == backend.model_id, vectors, S.shape[1])
        cos = S @ vec if vec is not None else np.zeros(len(scenarios))
        if vec is None:
            no_vector.append(theme.id)
        scored = []
        for j in range(len(scenarios)):
            overlap, terms = _overlap(theme.keywords or [], words[j])
            score = (1 - keyword_weight) * float(cos[j]) + keyword_weight * overlap
            if score >= threshold:
                scored.append((score, j, float(cos[j]), overlap, terms))
        for score, j, c, overlap, terms in sorted(scored, key=lambda x: (-x[0], x[1]))[:top_k]:
            nearest = _nearest(session, vectors, S[j], n_documents)
            evidence = {
                "cosine": round(c, 4),
                "keyword_overlap": round(overlap, 4),
                "matching_terms": terms,
                "nearest_documents": nearest,
                "text_mode": report.text_mode,
                "model_id": backend.model_id,
            }
            session.add(
                ThemeScenario(
                    run_id=run.id,
                    theme_id=theme.id,
                    scenario_id=scenarios[j].id,
                    score=round(score, 6),
                    evidence=evidence,
                )
            )
            report.n_links += 1
    if no_vector:
        report.warnings.append(
            f"themes {no_vector[:10]} have no vector for {backend.model_id}: keyword overlap only"
        )
    session.flush()
    return report


def _members(session: Session, run_id: int, ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    rows = session.execute(
        select(ThemeMembership.theme_id, ThemeMembership.document_id).where(
            ThemeMembership.run_id == run_id, ThemeMembership.theme_id.in_(ids)
        )
    )
    for theme_id, doc_id in rows:
        if theme_id is not None:
            out.setdefault(theme_id, []).append(doc_id)
    return out


def _theme_vector(
    theme: Theme, same_model: bool, vectors: dict[int, np.ndarray], dim: int
) -> np.ndarray | None:
    if same_model and theme.centroid:
        c = decode_centroid(theme.centroid)
        if c.shape[0] == dim:
            return _unit(c)
    mean = unit_mean(list(vectors.values()))
    return mean if mean is not None and mean.shape[0] == dim else None


def _nearest(
    session: Session, vectors: dict[int, np.ndarray], target: np.ndarray, k: int
) -> list[dict[str, Any]]:
    if not vectors or k <= 0:
        return []
    docs = sorted(vectors)
    X = np.asarray([_unit(np.asarray(vectors[d], dtype=np.float64)) for d in docs])
    sims = X @ target
    best = [docs[i] for i in np.argsort(-sims, kind="stable")[:k]]
    titles = dict(session.execute(select(Document.id, Document.title).where(Document.id.in_(best))).all())
    return [
        {"id": d, "title": titles.get(d, ""), "similarity": round(float(sims[docs.index(d)]), 4)}
        for d in best
    ]


def scenarios_for_theme(session: Session, theme_id: int) -> list[dict[str, Any]]:
    """The scenarios a theme serves, best first, with scores and evidence."""
    rows = session.execute(
        select(ThemeScenario, Scenario)
        .join(Scenario, Scenario.id == ThemeScenario.scenario_id)
        .where(ThemeScenario.theme_id == theme_id)
        .order_by(ThemeScenario.score.desc())
    )
    return [
        {
            "key": sc.key,
            "label_zh": sc.label_zh,
            "label_en": sc.label_en,
            "tier": sc.tier,
            "domain": sc.domain,
            "score": link.score,
            "evidence": link.evidence,
        }
        for link, sc in rows
    ]


def themes_for_scenario(session: Session, key: str, run_id: int | None = None) -> list[dict[str, Any]]:
    """The themes (technologies) of a run that serve a scenario, best first."""
    run = get_run(session, run_id)
    rows = session.execute(
        select(ThemeScenario, Theme)
        .join(Theme, Theme.id == ThemeScenario.theme_id)
        .join(Scenario, Scenario.id == ThemeScenario.scenario_id)
        .where(Scenario.key == key, ThemeScenario.run_id == run.id)
        .order_by(ThemeScenario.score.desc())
    )
    return [
        {
            "theme_id": t.id,
            "label": theme_label(t),
            "size": t.size,
            "score": link.score,
            "evidence": link.evidence,
        }
        for link, t in rows
    ]


def orphans(session: Session, run_id: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Visible themes linked to no scenario, and scenarios no theme of the run serves."""
    run = get_run(session, run_id)
    linked_themes = set(session.scalars(select(ThemeScenario.theme_id).where(ThemeScenario.run_id == run.id)))
    served = set(session.scalars(select(ThemeScenario.scenario_id).where(ThemeScenario.run_id == run.id)))
    themes = [t for t in run_themes(session, run.id) if not t.hidden and t.id not in linked_themes]
    stmt = select(Scenario).order_by(Scenario.key)
    scenarios = session.scalars(stmt.where(Scenario.id.not_in(served)) if served else stmt)
    return {
        "themes": [{"theme_id": t.id, "label": theme_label(t), "size": t.size} for t in themes],
        "scenarios": [
            {"key": s.key, "label_zh": s.label_zh, "label_en": s.label_en, "tier": s.tier} for s in scenarios
        ],
    }
