"""The alert rules: each reads a run's stored indicators and lineage and adds ``Alert`` rows to a context.

See :mod:`foresight.monitoring.alerts` for the rules and when each applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Alert, LineageEvent, Theme, ThemeIndicators, Watch
from foresight.monitoring.formulas import FORMULAS
from foresight.monitoring.lineage import predecessor_theme
from foresight.monitoring.watchlist import keyword_matches
from foresight.themes.persist import decode_centroid
from foresight.themes.queries import theme_label


@dataclass
class RuleContext:
    """A run's themes, their stored indicators and evidence, the active watches, and the alerts so far."""

    session: Session
    run_id: int
    as_of: date
    granularity: str
    themes: dict[int, Theme]
    values: dict[int, dict[str, Any]]
    evidence: dict[int, list[int]]
    fields: dict[int, str]
    watches: list[Watch]
    out: list[Alert] = field(default_factory=list)

    def terms(self, theme_id: int) -> list[str]:
        stored = [str(t) for t, _ in self.themes[theme_id].keywords or []]
        as_of = [
            t["term"] for t in (self.values.get(theme_id, {}).get("term_escores") or {}).get("terms", [])
        ]
        return list(dict.fromkeys([*stored, *as_of]))

    def watching(self, theme_id: int) -> list[tuple[Watch, dict[str, Any]]]:
        """Watches that cover a theme, with why."""
        theme = self.themes[theme_id]
        hits: list[tuple[Watch, dict[str, Any]]] = []
        for w in self.watches:
            if w.kind == "theme" and w.target == theme.lineage_id:
                hits.append((w, {"lineage_id": w.target}))
            elif w.kind == "keyword" and (found := keyword_matches(w.target, self.terms(theme_id))):
                hits.append((w, {"matched_terms": found}))
            elif w.kind == "field" and w.target.lower() == self.fields.get(theme_id, "").lower():
                hits.append((w, {"field": w.target}))
        return hits

    def add(self, rule: str, theme_id: int, watch: Watch | None, en: str, zh: str, **evidence: Any) -> None:
        self.out.append(
            Alert(
                watch_id=watch.id if watch else None,
                run_id=self.run_id,
                theme_id=theme_id,
                rule=rule,
                message_en=en,
                message_zh=zh,
                evidence={
                    "scope": "watch" if watch else "global",
                    "as_of": self.as_of.isoformat(),
                    "granularity": self.granularity,
                    "theme_label": theme_label(self.themes[theme_id]),
                    "document_ids": self.evidence.get(theme_id, []),
                    **evidence,
                },
            )
        )


def _formula(formula_id: str) -> dict[str, str]:
    return FORMULAS[formula_id].as_dict()


def _on_watch_or_global(
    ctx: RuleContext, theme_id: int, rule: str, en: str, zh: str, **evidence: Any
) -> None:
    hits = ctx.watching(theme_id)
    if not hits:
        ctx.add(rule, theme_id, None, en, zh, **evidence)
    for watch, why in hits:
        ctx.add(
            rule,
            theme_id,
            watch,
            f"[watch: {watch.label}] {en}",
            f"【关注：{watch.label}】{zh}",
            matched=why,
            **evidence,
        )


def escore_and_burst(ctx: RuleContext, threshold: float) -> None:
    """EScore above ``threshold`` (Porter/Carley filters passed) and bursts starting in the latest period,
    on every theme."""
    for theme_id, values in ctx.values.items():
        label = theme_label(ctx.themes[theme_id])
        esc = values.get("escore") or {}
        score = esc.get("value")
        if score is not None and score > threshold and esc.get("filters_passed"):
            _on_watch_or_global(
                ctx,
                theme_id,
                "escore_above_threshold",
                f"Theme '{label}' has EScore {score:.2f}, above the threshold {threshold:.2f} "
                f"(as of {ctx.as_of.isoformat()}).",
                f"主题“{label}”的涌现分数 EScore 为 {score:.2f}，高于阈值 {threshold:.2f}"
                f"（截至 {ctx.as_of.isoformat()}）。",
                values={
                    k: esc.get(k)
                    for k in ("value", "active_trend", "recent_trend", "slope", "emergent", "filters_passed")
                },
                formula=_formula("escore.theme"),
                threshold=threshold,
            )
        burst = values.get("burst") or {}
        if burst.get("started_in_last_period"):
            last = burst["bursts"][-1] if burst.get("bursts") else {}
            _on_watch_or_global(
                ctx,
                theme_id,
                "burst_started",
                f"A burst of theme '{label}' starts in {last.get('start')} "
                f"(weight {burst.get('value') or 0:.2f}).",
                f"主题“{label}”自 {last.get('start')} 起出现突发（权重 {burst.get('value') or 0:.2f}）。",
                values={
                    "weight": burst.get("value"),
                    "bursts": burst.get("bursts"),
                    "p0": burst.get("p0"),
                    "p1": burst.get("p1"),
                },
                formula=_formula("burst.kleinberg"),
            )


def _previous_quadrants(ctx: RuleContext) -> dict[int, tuple[int, str | None]]:
    """Theme → (predecessor theme id, its latest stored weak-signal quadrant)."""
    pred = predecessor_theme(ctx.session, ctx.run_id)
    out: dict[int, tuple[int, str | None]] = {}
    for theme_id, old_id in pred.items():
        row = ctx.session.scalars(
            select(ThemeIndicators)
            .where(ThemeIndicators.theme_id == old_id)
            .order_by(ThemeIndicators.as_of.desc(), ThemeIndicators.id.desc())
            .limit(1)
        ).first()
        quadrant = (
            ((row.indicators.get("values") or {}).get("weak_signal") or {}).get("value") if row else None
        )
        out[theme_id] = (old_id, quadrant)
    return out


def weak_to_strong(ctx: RuleContext) -> None:
    """Strong signals whose lineage predecessor was a weak signal (only watched ones once a watch exists)."""
    previous = _previous_quadrants(ctx)
    for theme_id, values in ctx.values.items():
        now = (values.get("weak_signal") or {}).get("value")
        old_id, before = previous.get(theme_id, (None, None))
        if now != "strong signal" or before != "weak signal":
            continue
        hits = ctx.watching(theme_id)
        if ctx.watches and not hits:
            continue
        label = theme_label(ctx.themes[theme_id])
        en = f"Theme '{label}' moved from weak signal to strong signal since the previous run."
        zh = f"主题“{label}”自上次运行以来由微弱信号转为强信号。"
        ws = values["weak_signal"]
        evidence = {
            "values": {
                "now": now,
                "before": before,
                "predecessor_theme_id": old_id,
                "mean_frequency": ws.get("mean_frequency"),
                "growth": ws.get("growth"),
            },
            "formula": _formula("weak_signal.yoon"),
        }
        if not hits:
            ctx.add("weak_to_strong", theme_id, None, en, zh, **evidence)
        for watch, why in hits:
            ctx.add(
                "weak_to_strong",
                theme_id,
                watch,
                f"[watch: {watch.label}] {en}",
                f"【关注：{watch.label}】{zh}",
                matched=why,
                **evidence,
            )


def new_theme_ids(session: Session, run_id: int) -> list[int]:
    """Themes new in a run: born, or split off (every member of a split but the one carrying the lineage)."""
    out: list[int] = []
    for event in session.scalars(
        select(LineageEvent)
        .where(LineageEvent.to_run_id == run_id, LineageEvent.event.in_(("birth", "split")))
        .order_by(LineageEvent.id)
    ):
        ids = [int(i) for i in event.to_theme_ids]
        out.extend(ids if event.event == "birth" else ids[1:])
    return out


def new_near_watch(ctx: RuleContext, near: float) -> None:
    """New themes (born or split off) near a watched theme, with a watched keyword or in a watched field."""
    for theme_id in new_theme_ids(ctx.session, ctx.run_id):
        theme = ctx.themes.get(theme_id)
        if theme is None:
            continue
        label = theme_label(theme)
        centroid = decode_centroid(theme.centroid) if theme.centroid else None
        for watch in ctx.watches:
            reason: dict[str, Any] | None = None
            if watch.kind == "theme" and centroid is not None:
                other = ctx.session.scalars(
                    select(Theme)
                    .where(Theme.lineage_id == watch.target, Theme.id != theme_id, Theme.run_id <= ctx.run_id)
                    .order_by(Theme.run_id.desc())
                    .limit(1)
                ).first()
                vec = decode_centroid(other.centroid) if other is not None and other.centroid else None
                if other is not None and vec is not None and vec.shape == centroid.shape:
                    cos = float(vec @ centroid / (np.linalg.norm(vec) * np.linalg.norm(centroid) or 1.0))
                    if cos >= near:
                        reason = {
                            "centroid_cosine": round(cos, 4),
                            "threshold": near,
                            "watched_theme_id": other.id,
                        }
            elif watch.kind == "keyword" and (found := keyword_matches(watch.target, ctx.terms(theme_id))):
                reason = {"matched_terms": found}
            elif watch.kind == "field" and watch.target.lower() == ctx.fields.get(theme_id, "").lower():
                reason = {"field": watch.target}
            if reason is None:
                continue
            ctx.add(
                "new_theme_near_watch",
                theme_id,
                watch,
                f"New theme '{label}' appeared near the watched {watch.kind} '{watch.label}'.",
                f"新主题“{label}”出现在关注的{_KIND_ZH[watch.kind]}“{watch.label}”附近。",
                matched=reason,
                values=reason,
                formula=_formula("lineage.similarity"),
            )


_KIND_ZH = {"theme": "主题", "keyword": "关键词", "field": "领域"}
