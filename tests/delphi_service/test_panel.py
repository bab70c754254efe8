"""Expert pool: CRUD, CSV/XLSX import with per-row errors, coverage matrix, erasure."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foresight.db.models import AuditEvent, Expert
from foresight.delphi.service.errors import ConflictError, InvalidInput
from foresight.delphi.service.panel import (
    ExpertIn,
    ExpertPatch,
    coverage,
    create_expert,
    delete_expert,
    import_experts,
    update_expert,
)

CSV_ZH = (
    "姓名,邮箱,单位,地区,类别,领域,语言\n"
    "张伟,zhang@example.cn,清华大学,北京,高校,能源;材料,中文\n"
    "Bad Mail,not-an-email,Org,,industry,energy,en\n"
    'Li Na,li@example.cn,CATL,Fujian,企业,energy、batteries,"zh, en"\n'
    "Wrong Group,wg@example.org,Org,,church,energy,en\n"
    ",,,,,,\n"
    "Dup,ZHANG@example.cn,X,,other,,\n"
)


def test_csv_import_creates_valid_rows_and_names_each_bad_row(db: Session) -> None:
    report = import_experts(db, CSV_ZH.encode("utf-8"), "panel.csv", "tester")
    assert (report.created, report.updated, report.skipped_blank) == (2, 0, 1)
    errors = {(e.row, e.field) for e in report.errors}
    assert errors == {(3, "email"), (5, "stakeholder_group"), (7, "email")}
    dup = next(e for e in report.errors if e.row == 7)
    assert "row 2" in dup.message
    zhang = db.scalar(select(Expert).where(Expert.email == "zhang@example.cn"))
    assert zhang is not None
    assert (zhang.name, zhang.organization, zhang.region) == ("张伟", "清华大学", "北京")
    assert zhang.stakeholder_group == "academia"
    assert zhang.fields == ["能源", "材料"] and zhang.languages == ["zh"]
    li = db.scalar(select(Expert).where(Expert.email == "li@example.cn"))
    assert li is not None and li.stakeholder_group == "industry"
    assert li.fields == ["energy", "batteries"] and li.languages == ["zh", "en"]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "expert.import"))
    assert event is not None and event.details["rejected_rows"] == [3, 5, 7]


def test_reimport_updates_by_email_and_strict_mode_writes_nothing(db: Session) -> None:
    import_experts(db, CSV_ZH.encode("utf-8"), "panel.csv", "tester")
    again = "name,email,group\nZhang Wei,Zhang@Example.cn,government\n"
    report = import_experts(db, again.encode(), "update.csv", "tester")
    assert (report.created, report.updated) == (0, 1)
    zhang = db.scalar(select(Expert).where(Expert.email == "zhang@example.cn"))
    assert zhang is not None and zhang.stakeholder_group == "government" and zhang.name == "Zhang Wei"
    before = db.scalar(select(func.count()).select_from(Expert))
    strict = import_experts(db, CSV_ZH.replace("zhang@", "zz@").encode(), "p.csv", "tester", strict=True)
    assert strict.created == 0 and strict.errors
    assert db.scalar(select(func.count()).select_from(Expert)) == before


def test_xlsx_import_reports_bad_rows_by_spreadsheet_row(db: Session) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Name", "E-mail", "Organisation", "Sector", "Fields", "Languages"])
    ws.append(["Ada", "ada@example.org", "Lab", "academia", "AI; robotics", "English"])
    ws.append([None, "noname@example.org", "Lab", "academia", "AI", "en"])
    ws.append(["Grace", "grace@example.org", "Navy", "gov", "computing", "en"])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = import_experts(db, buffer.getvalue(), "experts.xlsx", "tester")
    assert report.created == 2
    assert [(e.row, e.field) for e in report.errors] == [(3, "name")]
    grace = db.scalar(select(Expert).where(Expert.email == "grace@example.org"))
    assert grace is not None and grace.stakeholder_group == "government"
    ada = db.scalar(select(Expert).where(Expert.email == "ada@example.org"))
    assert ada is not None and ada.fields == ["AI", "robotics"] and ada.languages == ["en"]


def test_import_rejects_unknown_type_and_missing_name_column(db: Session) -> None:
    with pytest.raises(InvalidInput, match="unsupported file type"):
        import_experts(db, b"x", "panel.pdf", "tester")
    with pytest.raises(InvalidInput) as info:
        import_experts(db, b"email,group\na@b.org,academia\n", "panel.csv", "tester")
    assert info.value.errors[0].field == "header"


def test_coverage_matrix_counts_experts_per_field_and_group(db: Session) -> None:
    rows = [
        ("A", "academia", ["energy", "materials"]),
        ("B", "academia", ["energy"]),
        ("C", "industry", ["energy"]),
        ("D", "government", ["materials"]),
        ("E", "finance", []),
    ]
    for name, group, fields in rows:
        create_expert(
            db, ExpertIn.model_validate({"name": name, "stakeholder_group": group, "fields": fields}), "t"
        )
    matrix = coverage(db)
    assert matrix["groups"] == ["academia", "industry", "government", "finance", "other"]
    by_field = {r["field"]: r for r in matrix["rows"]}
    assert by_field["energy"]["counts"] == {
        "academia": 2,
        "industry": 1,
        "government": 0,
        "finance": 0,
        "other": 0,
    }
    assert by_field["energy"]["total"] == 3
    assert by_field["materials"]["counts"]["government"] == 1
    assert matrix["rows"][0]["field"] == "energy"
    assert matrix["totals"] == {"academia": 2, "industry": 1, "government": 1, "finance": 1, "other": 0}
    assert matrix["total"] == 5 and matrix["experts_without_field"] == 1
    assert ["energy", "government"] in matrix["empty_cells"]


def test_crud_conflicts_and_deletion(db: Session) -> None:
    a = create_expert(db, ExpertIn(name="A", email="a@example.org"), "tester")
    with pytest.raises(ConflictError):
        create_expert(db, ExpertIn(name="A2", email="A@example.org"), "tester")
    b = create_expert(db, ExpertIn(name="B", email="b@example.org"), "tester")
    with pytest.raises(ConflictError):
        update_expert(db, b.id, ExpertPatch(email="a@example.org"), "tester")
    update_expert(
        db, b.id, ExpertPatch.model_validate({"region": "Shanghai", "fields": "ai, energy"}), "tester"
    )
    assert (b.region, b.fields) == ("Shanghai", ["ai", "energy"])
    assert delete_expert(db, a.id, "tester") == "deleted"
    assert db.get(Expert, a.id) is None
