"""Round trips of every export, the report and the diff."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import openpyxl
import pytest

from foresight.delphi import ItemState
from foresight.priorities import (
    CODEBOOK,
    PRIORITY_COLUMNS,
    ComponentEvidence,
    ListSettings,
    PriorityInput,
    PriorityList,
    Weights,
    analyse,
    build_list,
    diff_lists,
    entry_rows,
    load_schema,
    read_csv,
    read_json,
    render_markdown,
    to_json,
    write_csv,
    write_json,
    write_report,
    write_xlsx,
)
from tests.priorities.conftest import expert_row

jsonschema = pytest.importorskip("jsonschema")

W = Weights.of(importance=0.5, urgency=0.3, emergence=0.2)


def _inputs() -> list[PriorityInput]:
    pts = {
        "A": [100.0, 75.0, 100.0, 75.0, 50.0],
        "B": [50.0, 75.0, 75.0, 50.0, 75.0],
        "C": [25.0, 50.0, 0.0, 50.0, 25.0],
        "D": [75.0, 100.0, 50.0, 75.0, 50.0],
        "E": [0.0, 25.0, 25.0, 0.0, 50.0],
    }
    meta = {
        "A": ("固态电池", "Solid-state batteries | cells", 2031.0, 0.9, 40.0),
        "B": ("量子传感", "Quantum sensors", 2036.0, 0.5, 80.0),
        "C": ("合成生物学", "Synthetic biology", None, None, 60.0),
        "D": ("氢能储运", "Hydrogen storage", 2041.0, 0.3, None),
        "E": ("脑机接口", "Brain–computer interfaces", 2046.0, 0.7, 20.0),
    }
    out = []
    for k, (zh, en, year, em, urg) in meta.items():
        rows = tuple(
            expert_row(f"e{j}", "academia" if j < 3 else "industry", importance=p)
            for j, p in enumerate(pts[k])
        )
        state = ItemState.CONSENSUS if k in "AB" else ItemState.UNSTABLE
        delphi = {
            "importance": ComponentEvidence(
                value=sum(pts[k]) / 5, n=5, question_id="importance", consensus=state
            )
        }
        if urg is not None:
            delphi["urgency"] = ComponentEvidence(value=urg, n=5, question_id="realization_technological")
        out.append(
            PriorityInput(
                item_id=f"id-{k}",
                title_zh=zh,
                title_en=en,
                theme_id=f"t{k}",
                lineage_id=f"L{k}",
                field="energy" if k in "ABD" else "bio",
                scenarios=("grid", "mobility") if k == "A" else (),
                delphi={"all": delphi},
                emergence=em,
                realization_year=year,
                evidence_ids=(f"doc-{k}1", f"doc-{k}2"),
                expert_rows=rows,
            )
        )
    return out


@pytest.fixture
def plist() -> PriorityList:
    inputs = _inputs()
    s = ListSettings(
        weights=W,
        pins={"id-E": "policy mandate"},
        pin_mode="keep_rank",
        exclusions={"id-C": "merged into B"},
        top_n=2,
    )
    prov = {"round": 3, "run": {"id": "run-7", "seed": 42}, "rule": "IQR ≤ 1"}
    return analyse(build_list(inputs, s, provenance=prov), inputs, n_boot=200, random_state=1)


@pytest.fixture
def previous() -> PriorityList:
    # previous cycle: different weights, no exclusion; D was first, C listed
    inputs = _inputs()
    return build_list(inputs, ListSettings(weights=Weights.of(urgency=1), top_n=3))


def test_list_under_test(plist: PriorityList, previous: PriorityList) -> None:
    # normalised over A–E (C excluded after normalising):
    #   importance 80, 65, 30, 70, 20 → A 1, B .75, C 1/6, D 5/6, E 0
    #   urgency    40, 80, 60, —, 20  → A 1/3, B 1, C 2/3, D —, E 0
    #   emergence  .9, .5, —, .3, .7  → A 1, B 1/3, C —, D 0, E 2/3
    # A = .5 + .1 + .2 = .8;  B = .375 + .3 + .2/3 = .7417;  D = (.5·5/6 + 0)/.7 = .5952;  E = .2·2/3 = .1333
    # ranks A 1, B 2, D 3, E 4; top 2 → A, B; E pinned (keep_rank) survives with rank 4; D below the cut
    assert [(e.item_id, e.rank) for e in plist.entries] == [("id-A", 1), ("id-B", 2), ("id-E", 4)]
    assert [e.score for e in plist.entries] == pytest.approx([0.8, 0.375 + 0.3 + 0.2 / 3, 0.2 * 2 / 3])
    assert [(b.item_id, b.rank, b.score) for b in plist.below_cut] == [
        ("id-D", 3, pytest.approx(0.5 / 0.7 * 5 / 6))
    ]
    # previous (urgency only): B 80, C 60, A 40, E 20, D unscored → B, C, A listed
    assert [e.item_id for e in previous.entries] == ["id-B", "id-C", "id-A"]


def test_csv_round_trip(plist: PriorityList, tmp_path: Path) -> None:
    path = write_csv(plist, tmp_path / "list.csv")
    back = read_csv(path)
    assert back == entry_rows(plist)
    assert len(back) == len(plist.entries)
    assert back[0]["title_en"] == "Solid-state batteries | cells" and back[0]["scenarios"] == (
        "grid",
        "mobility",
    )
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [c.name for c in PRIORITY_COLUMNS]
    assert back[2]["pinned"] is True and back[2]["pin_reason"] == "policy mandate"
    assert back[0]["importance_consensus"] == "consensus" and back[0]["rank_ci_lower"] is not None


def test_xlsx_sheets_and_codebook(plist: PriorityList, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_xlsx(plist, tmp_path / "list.xlsx"))
    assert wb.sheetnames == ["priorities", "components", "sensitivity", "provenance", "codebook"]
    ws = wb["priorities"]
    header = [c.value for c in ws[1]]
    assert header == [c.name for c in PRIORITY_COLUMNS]
    values = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(values) == 3
    col = header.index
    assert [v[col("item_id")] for v in values] == ["id-A", "id-B", "id-E"]
    assert values[0][col("score")] == pytest.approx(plist.entries[0].score)
    assert values[0][col("title_zh")] == "固态电池"
    codebook = {(r[0].value, r[1].value): r for r in wb["codebook"].iter_rows(min_row=2)}
    for sheet in wb.sheetnames:
        for name in (c.value for c in wb[sheet][1]):
            assert (sheet, name) in codebook, (sheet, name)
            row = codebook[(sheet, name)]
            assert all(cell.value for cell in row[3:6]), (sheet, name)  # zh, en, formula/unit filled
    comps = list(wb["components"].iter_rows(min_row=2, values_only=True))
    assert len(comps) == 3 * 8
    sens = list(wb["sensitivity"].iter_rows(min_row=2, values_only=True))
    assert len(sens) == 3 * 2 * 4  # 3 weighted components × ±20 % × 4 ranked items
    prov = dict(wb["provenance"].iter_rows(min_row=2, values_only=True))
    assert prov["excluded.id-C"] == "merged into B"
    assert prov["provenance.run.seed"] == "42" and prov["provenance.rule"] == "IQR ≤ 1"
    assert prov["weights.importance"] == "0.5" and "agreement" in prov
    assert len(CODEBOOK) == len({(c.sheet, c.name) for c in CODEBOOK})


def test_json_validates_and_round_trips(plist: PriorityList, tmp_path: Path) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    doc = to_json(plist)
    validator.validate(doc)
    path = write_json(plist, tmp_path / "list.json")
    validator.validate(json.loads(path.read_text(encoding="utf-8")))
    assert read_json(path) == plist
    bad = copy.deepcopy(doc)
    bad["entries"][0]["rank"] = 0
    assert not validator.is_valid(bad)
    bad = copy.deepcopy(doc)
    bad["entries"][0]["components"][0]["name"] = "novelty"
    assert not validator.is_valid(bad)
    bare = build_list(_inputs(), ListSettings.from_preset("balanced"))  # no agreement / sensitivity
    validator.validate(to_json(bare))


def test_diff(plist: PriorityList, previous: PriorityList) -> None:
    # previous: B 1, C 2, A 3 (D, E below the cut);  current: A 1, B 2, E 4 (pinned); C excluded; D below
    d = diff_lists(plist, previous)
    assert [(m.item_id, m.previous_rank, m.current_rank, m.delta) for m in d.moved_up] == [("id-A", 3, 1, -2)]
    assert [(m.item_id, m.previous_rank, m.current_rank, m.delta) for m in d.moved_down] == [
        ("id-B", 1, 2, 1)
    ]
    assert [(m.item_id, m.previous_rank, m.current_rank) for m in d.entered] == [("id-E", 4, 4)]
    assert d.entered[0].note == "previously ranked 4, below the cut" and d.entered[0].delta is None
    assert [(m.item_id, m.note) for m in d.left] == [("id-C", "now excluded: merged into B")]
    assert d.unchanged == () and d.changed
    assert not diff_lists(plist, plist).changed


def test_report_files(plist: PriorityList, previous: PriorityList, tmp_path: Path) -> None:
    files = write_report(plist, tmp_path / "report", previous=previous, title="2035 清单")
    md = files.markdown.read_text(encoding="utf-8")
    html = files.html.read_text(encoding="utf-8")
    for e in plist.entries:
        assert e.title_zh in md and e.title_zh in html
    assert "Solid-state batteries \\| cells" in md  # pipe escaped in the table cell
    assert "Solid-state batteries | cells" in html
    for text in ("Entered / 新进入 (1)", "Left / 退出 (1)", "Moved up / 上升 (1)", "Moved down / 下降 (1)"):
        assert text in md and text in html
    assert "↑2" in md and "↓1" in md and "now excluded: merged into B" in md
    assert "merged into B" in html and "policy mandate" in html and "2035 清单" in html
    assert "Kendall's W" in md and "max \\|Δrank\\|" in md
    assert "data:image/png;base64," in html
    assert len(files.charts) == 2
    for ch in files.charts:
        data = ch.path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        assert f"]({ch.path.name})" in md
    gap, year = files.charts
    # gap is unweighted and has no values here → nothing plotted, all omitted; years known for A, B, E
    assert gap.plotted == 0 and set(gap.omitted) == {"id-A", "id-B", "id-E"}
    assert year.plotted == 3 and year.omitted == ()


def test_markdown_escapes_nothing_else(plist: PriorityList) -> None:
    md = render_markdown(plist)
    assert "<" not in md.replace("<br>", "") or "&lt;" not in md  # no HTML escaping in Markdown
    assert "## Changes since the previous list" not in md  # no diff section without a previous list
