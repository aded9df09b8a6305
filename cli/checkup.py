"""flask --app app checkup report | save | standards: the community check-up from the command line."""
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from models import db, utcnow
from services.checkup import standards
from services.checkup.period import period
from services.checkup.report import report
from services.checkup.report.pdf import pdf_bytes
from services.checkup.report.workbook import workbook
from services.core.access import Actor
from services.core.errors import DomainError

SYSTEM = Actor(user_id=None, role="admin")  # the command line acts for the centre's administrator
COMPUTE_STEPS = 5


def init_app(app: Flask) -> None:
    app.cli.add_command(checkup_group)


checkup_group = AppGroup("checkup", help="社区体检 / The community check-up.")


def _period(start, end):
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    last = end.date() if end else utcnow().astimezone(tz).date() - timedelta(days=1)
    first = start.date() if start else last - timedelta(days=364)
    return period(first, last, tz)


def _options() -> dict:
    config = current_app.config
    return {"outreach_days": int(config.get("OUTREACH_DAYS", 14)), "outreach_age": int(config.get("OUTREACH_AGE", 80))}


def _render(p, built, lang: str) -> tuple[str, list]:
    """The print page and the tables, rendered as a browser asking in `lang` would get them."""
    from views.checkup.report_tables import tables
    from views.checkup.report_view import render_report

    css = Path(current_app.static_folder, "checkup.css").read_text(encoding="utf-8")
    with current_app.test_request_context("/checkup", headers={"Accept-Language": lang}):
        return (render_report("checkup/report_print.html", p, built, inline_css=css),
                tables(built.public, built.trend, built.ledger))


DATE = click.DateTime(["%Y-%m-%d"])


@checkup_group.command("report")
@click.option("--from", "start", type=DATE, help="first day (default: a year before --to)")
@click.option("--to", "end", type=DATE, help="last day, inclusive (default: yesterday)")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="write the report as PDF")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), help="write the workbook")
@click.option("--lang", type=click.Choice(["zh-CN", "en"]), default="zh-CN", show_default=True)
@click.option("--save", is_flag=True, help="keep this check-up for the trend and log its findings as problems")
def report_command(start, end, pdf_path, xlsx_path, lang, save):
    """Compute the check-up for a period; print the overview, write the PDF and the workbook."""
    try:
        p = _period(start, end)
        steps = COMPUTE_STEPS + bool(pdf_path) + bool(xlsx_path) + 1
        with click.progressbar(length=steps, label="体检 / check-up", show_pos=True) as bar:
            built = report.build(db.session, SYSTEM, p, utcnow(), progress=bar.update, **_options())
            html, tables = _render(p, built, lang)
            bar.update(1)
            if pdf_path:
                pdf_path.write_bytes(pdf_bytes(html))
                bar.update(1)
            if xlsx_path:
                xlsx_path.write_bytes(workbook(tables, "社区体检报告"))
                bar.update(1)
        if save:
            report.save(db.session, SYSTEM, p, utcnow(), **_options())
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from None
    _summary(built, p, pdf_path, xlsx_path)


def _summary(built, p, pdf_path, xlsx_path) -> None:
    public = built.public
    met = sum(1 for f in public["facilities"] if f["meets"])
    click.echo(f"{p.label()}: {public['population']['residents']} residents, facilities meeting the standard "
               f"{met}/{len(public['facilities'])}, {len(public['findings'])} findings"
               f"{' (counts under 5 hidden)' if public['suppressed'] else ''}")
    for finding in public["findings"][:10]:
        click.echo(f"  [{finding['severity']:>2}] {finding['title']}")
    for path in (pdf_path, xlsx_path):
        if path:
            click.echo(str(path))


@checkup_group.command("standards")
@click.option("--load", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a standards file (JSON, as services/checkup/standards.json)")
def standards_command(path):
    """Show the standards in force; --load FILE adds or replaces them by code."""
    try:
        if path:
            added, updated = standards.load_file(db.session, SYSTEM, path.read_text(encoding="utf-8"))
            click.echo(f"已导入 / Loaded: {added} added, {updated} updated")
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from None
    for s in standards.in_force(db.session):
        click.echo(f"{'✓' if s.active else '✗'} {s.code}: ≥ {s.value:g} {s.unit} — {s.source}")


