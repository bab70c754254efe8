"""Every dashboard text exists in English and Chinese, and every key the code uses is defined."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from foresight.db.models import DOCUMENT_KINDS, LANGUAGES
from foresight.db.models.monitoring import LINEAGE_EVENTS
from ui.i18n import STRINGS, kind_label, language_label, t

UI = Path(__file__).resolve().parents[2] / "ui"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    assert len(STRINGS) > 100
    for key, entry in STRINGS.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["zh"]), key
        assert CJK.search(entry["zh"]), f"{key}: the Chinese text has no Chinese"


def test_every_key_used_in_the_code_exists() -> None:
    """Keys passed to ``t`` and key-like string constants (``nav.themes`` in ``app.py``'s page table)."""
    key_like = re.compile(r"^[a-z_]+\.[a-z0-9_.]+$")
    key_groups = {key.split(".")[0] for key in STRINGS}
    prefix = re.compile(r"""\bt\(\s*f["']([a-z0-9_.]+)\{""")
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in UI.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and key_like.match(value) and value.split(".")[0] in key_groups:
                used.add(value)
        prefixes |= set(prefix.findall(source))
    assert {"overview.title", "themes.title", "nav.themes", "detail.why"} <= used
    assert sorted(used - set(STRINGS)) == []
    for start in prefixes:
        assert any(key.startswith(start) for key in STRINGS), start


def test_domain_codes_have_labels() -> None:
    for kind in DOCUMENT_KINDS:
        assert f"kind.{kind}" in STRINGS
    for code in LANGUAGES:
        assert f"doclang.{code}" in STRINGS
    for event in LINEAGE_EVENTS:
        assert f"lineage.{event}" in STRINGS
    for origin in ("machine", "merge", "split"):  # Theme.origin
        assert f"origin.{origin}" in STRINGS
    for page in ("graph", "emergence", "delphi", "priorities"):
        assert f"stub.{page}.part" in STRINGS and f"stub.{page}.body" in STRINGS


def test_t_formats_in_the_asked_language_and_shows_unknown_keys() -> None:
    assert t("overview.title", "en") == "Overview"
    assert t("overview.title", "zh") == "概览"
    assert t("filter.summary", "zh", n=3, total=10) == "当前视图：3 / 10 篇文献"
    assert t("no.such.key", "en") == "no.such.key"
    assert t("overview.title") == "Overview"  # outside a session: the default language
    assert kind_label("patent", "zh") == "专利"
    assert kind_label("blog", "zh") == "blog"
    assert language_label("zh", "en") == "Chinese"
