"""The dashboard's import rule: only the datasource (``ui/datasource.py`` and its parts
``ui/datasource_*.py``) imports ``foresight`` (or anything below it)."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "ui"
BACKEND = ("foresight", "knowledge_graph", "api")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value))
    return names


def _backend(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] in BACKEND}


def test_only_the_datasource_imports_the_backend() -> None:
    files = sorted(UI.rglob("*.py"))
    assert len(files) >= 10
    offenders = {
        str(path.relative_to(UI)): sorted(_backend(_imports(path)))
        for path in files
        if not (path.parent == UI and (path.name == "datasource.py" or path.name.startswith("datasource_")))
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert _backend(_imports(UI / "datasource.py")), "the datasource is the door to foresight"


def test_figure_builders_and_frames_are_pure() -> None:
    for name in ("figures.py", "figures_extra.py", "frames.py", "auth.py"):
        imported = _imports(UI / name)
        assert not {n for n in imported if n.split(".")[0] == "streamlit"}, name


def test_the_scanner_sees_every_import_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import foresight.corpus\nfrom foresight import store\nimport importlib\n"
        "importlib.import_module('knowledge_graph.graph')\nfrom . import figures\n",
        encoding="utf-8",
    )
    assert _backend(_imports(sample)) == {"foresight.corpus", "foresight", "knowledge_graph.graph"}
