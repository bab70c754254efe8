"""``foresight delphi …`` end to end on a temporary SQLite store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foresight.cli import app
from foresight.delphi.service.invitations import hash_token
from foresight.settings import Settings
from foresight.store import open_store

PANEL = (
    "name,email,group,fields,languages\n"
    "A One,a1@x.org,academia,energy;ai,zh\n"
    "B Two,b2@x.org,industry,energy,en\n"
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FORESIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FORESIGHT_DATABASE_URL", raising=False)
    monkeypatch.setenv("FORESIGHT_PUBLIC_BASE_URL", "https://delphi.example.org")
    return tmp_path


def test_delphi_commands(env: Path) -> None:
    runner = CliRunner()
    panel = env / "panel.csv"
    panel.write_text(PANEL + "Bad,bad,academia,,\n", encoding="utf-8")

    def ok(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    assert "created 2, updated 0, rejected 1 row(s)" in ok("delphi", "experts", "import", str(panel))
    assert "row 4: email" in ok("delphi", "experts", "import", str(panel))
    matrix = json.loads(ok("delphi", "coverage", "--json"))
    assert {r["field"]: r["total"] for r in matrix["rows"]} == {"energy": 2, "ai": 1}
    assert "survey 1 created with 2 item(s)" in ok(
        "delphi", "survey", "create", "--title", "Energy", "--item", "Fusion", "--item", "Batteries"
    )
    out = ok("delphi", "invite", "--survey", "1", "--expires-days", "5")
    links = re.findall(r"https://delphi\.example\.org/e/(\S+)", out)
    assert len(links) == 2
    engine = open_store(Settings(data_dir=env))
    with engine.connect() as conn:
        stored = {row[0] for row in conn.exec_driver_sql("SELECT token_hash FROM invitations")}
    engine.dispose()
    assert stored == {hash_token(t) for t in links}
    assert "round 1 open: 2 item(s) asked" in ok("delphi", "round", "open", "--survey", "1")
    results = json.loads(ok("delphi", "results", "--survey", "1", "--json"))
    assert results["results"]["provisional"] is True and results["response_rates"]["invited"] == 2
    assert "round 1 closed; snapshot sha256" in ok("delphi", "round", "close", "--survey", "1")
    failed = runner.invoke(app, ["delphi", "survey", "create", "--title", "X", "--from-themes", "99"])
    assert failed.exit_code == 1 and "no theme with id 99" in failed.output
