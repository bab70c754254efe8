"""The templated report: Markdown and HTML with PNG charts, editable templates, restricted evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from foresight.monitoring import compute_indicators, raise_alerts
from foresight.reports import TEMPLATES_DIR, build_report
from tests.monitoring.conftest import MonthlyStore

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_report_files_with_charts_evidence_and_formulas(
    engine: Engine, monthly_store: MonthlyStore, tmp_path: Path
) -> None:
    raise_alerts(engine, monthly_store.run_id)  # computes the indicators first
    result = build_report(engine, tmp_path / "out")
    assert result.run_id == monthly_store.run_id and result.granularity == "month"
    assert result.n_themes == 2 and result.n_alerts >= 1
    md = result.markdown.read_text(encoding="utf-8")
    html = result.html.read_text(encoding="utf-8")
    for text in (md, html):
        assert "quantum error correction" in text and "graph neural networks" in text
        assert "[restricted]" in text
        assert "Kleinberg" in text and "涌现综合分" in text  # how each figure was computed, en + zh
        assert "As of" in text and "2025-06-15" in text
        assert "first run" in text  # no lineage to show yet
    assert "Theme 'quantum error correction' has EScore" in md
    assert f"[{monthly_store.restricted_doc_id}] [restricted]" in md
    names = sorted(p.name for p in result.charts)
    assert names == ["composite.png", "shares.png", "strategic.png", "weak_signals.png"]
    for chart in result.charts:
        assert chart.read_bytes()[:8] == PNG_MAGIC and chart.stat().st_size > 5_000
        assert f'src="charts/{chart.name}"' in html and f"(./charts/{chart.name})" in md
    assert "<script" not in html


def test_user_templates_override_the_shipped_ones(
    engine: Engine, monthly_store: MonthlyStore, tmp_path: Path
) -> None:
    top = compute_indicators(engine, monthly_store.run_id).ranking[0]
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "report.md.j2").write_text(
        "Custom {{ run.id }}:{% for t in top_themes %} {{ t.label }}={{ t.composite | num(1) }}{% endfor %}",
        encoding="utf-8",
    )
    result = build_report(engine, tmp_path / "out", templates_dir=mine, top=1)
    expected = f"Custom {monthly_store.run_id}: quantum error correction={top['composite']:.1f}"
    assert result.markdown.read_text(encoding="utf-8") == expected
    assert "<!DOCTYPE html>" in result.html.read_text(encoding="utf-8")  # the shipped HTML template
    assert {p.name for p in TEMPLATES_DIR.iterdir()} >= {"report.md.j2", "report.html.j2"}
    (mine / "report.md.j2").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(Exception, match="no_such_variable"):
        build_report(engine, tmp_path / "out", templates_dir=mine)
