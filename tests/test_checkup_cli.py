"""flask --app app checkup …, and the demo centre's year of history as the check-up reads it."""
import json

from openpyxl import load_workbook
from sqlalchemy import func, select

from models import Booking, CheckupSnapshot, CheckupStandard, Problem, db
from tests.checkup_world import build


def test_checkup_report_writes_the_pdf_and_the_workbook_with_a_progress_bar(app, runner, tmp_path):
    with app.app_context():
        build(db.session)
    pdf, xlsx = tmp_path / "out.pdf", tmp_path / "out.xlsx"
    result = runner.invoke(args=["checkup", "report", "--from", "2026-11-02", "--to", "2026-11-08",
                                 "--pdf", str(pdf), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "体检 / check-up" in result.output and "11 residents" in result.output
    assert pdf.read_bytes().startswith(b"%PDF") and "use" in load_workbook(xlsx).sheetnames


def test_checkup_report_refuses_a_period_that_ends_before_it_begins(runner):
    result = runner.invoke(args=["checkup", "report", "--from", "2026-11-08", "--to", "2026-11-02"])
    assert result.exit_code != 0 and "to must not be before from" in result.output


def test_checkup_standards_loads_a_file_and_keeps_the_defaults_it_does_not_name(app, runner, tmp_path):
    path = tmp_path / "guizhou.json"
    path.write_text(json.dumps({"standards": [{
        "code": "elderly_care_space_old", "name": "养老服务设施面积", "name_en": "Elderly care", "unit": "m²/百户",
        "measure": "area_per_100_households", "kinds": ["elderly_care"], "value": 18, "source": "某省2026年导则"}]}),
        encoding="utf-8")
    result = runner.invoke(args=["checkup", "standards", "--load", str(path)])
    assert result.exit_code == 0, result.output
    assert "elderly_care_space_old: ≥ 18 m²/百户 — 某省2026年导则" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckupStandard)) == 6


def test_the_demo_year_gives_the_check_up_real_findings_and_survives_a_second_seed(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        bookings = db.session.scalar(select(func.count()).select_from(Booking))
        assert bookings > 5000 and db.session.scalar(select(func.count()).select_from(CheckupSnapshot)) == 1
        in_progress = db.session.scalar(select(func.count()).where(Problem.status == "in_progress"))
    result = runner.invoke(args=["checkup", "report"])
    assert result.exit_code == 0, result.output
    for finding in ("养老服务设施面积（老旧小区）未达标", "红梅新村11幢", "儿童早教中心供不应求", "栋楼的老人本期没有来过"):
        assert finding in result.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == bookings
        assert in_progress == 2
