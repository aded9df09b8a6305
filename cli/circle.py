"""flask --app app circle import | snapshot | settings: the 15-minute service circle from the command line."""
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from cli.messages import error_line
from models import db, utcnow
from services.circle import circle_import, circle_store
from services.circle.walk_network import replace_network
from services.core.errors import DomainError

KINDS = ("buildings", "service-points", "network")


def init_app(app: Flask) -> None:
    app.cli.add_command(circle_group)


# An AppGroup runs each subcommand inside the application context, as plain Flask commands are.
circle_group = AppGroup("circle", help="15 分钟服务圈 / The 15-minute service circle.")


def _today() -> date:
    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _format(path: Path, given: str | None) -> str:
    if given:
        return given
    return "geojson" if path.suffix.lower() in (".geojson", ".json") else "csv"


def _with_progress(label: str, total: int, write) -> tuple[int, int]:
    with click.progressbar(length=total, label=label, show_pos=True) as bar:
        return write(bar.update)


@circle_group.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edges", "edges_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="network from CSV: the edges file (from,to[,length_m]); PATH is then the nodes file")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson"]), help="default: from the file name")
@click.option("--crs", type=click.Choice(["wgs84", "gcj02"]), default="wgs84", show_default=True,
              help="coordinates in the file: GPS (wgs84) or Chinese map apps (gcj02)")
def import_command(kind, path, edges_path, fmt, crs):
    """Import buildings, service points or a walking network from CSV or GeoJSON."""
    text, fmt = path.read_text(encoding="utf-8"), _format(path, fmt)
    try:
        if kind == "network":
            added = _import_network(text, fmt, edges_path, crs)
            click.echo(f"步行路网已替换 / Walking network replaced: {added[0]} nodes, {added[1]} edges")
        else:
            parse, upsert = ((circle_import.parse_buildings, circle_import.upsert_buildings) if kind == "buildings"
                             else (circle_import.parse_points, circle_import.upsert_points))
            rows = parse(text, fmt, crs)
            added, updated = _with_progress(kind, len(rows), lambda step: upsert(db.session, rows, step))
            click.echo(f"已导入 / Imported {kind}: {added} added, {updated} updated")
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(error_line(err)) from None
    db.session.commit()


def _import_network(text: str, fmt: str, edges_path: Path | None, crs: str) -> tuple[int, int]:
    if fmt == "geojson":
        nodes, edges = circle_import.parse_network_geojson(text, crs)
    elif edges_path is None:
        raise click.UsageError("CSV 路网需要 --edges 文件 / a CSV network needs --edges EDGES.csv")
    else:
        nodes, edges = circle_import.parse_network_csv(text, edges_path.read_text(encoding="utf-8"), crs)
    return _with_progress("network", len(nodes) + len(edges),
                          lambda step: replace_network(db.session, nodes, edges, step))


@circle_group.command("snapshot")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="default: today")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="also every --every days up to this date")
@click.option("--every", type=click.IntRange(1, 366), default=30, show_default=True)
def snapshot_command(day, until, every):
    """Compute and keep the circle for a date (or a series of dates) so the trend can show it."""
    first = day.date() if day else _today()
    last = until.date() if until else first
    if last < first:
        raise click.UsageError("--until 不能早于 --date / --until must not be before --date")
    current = first
    while current <= last:
        result = circle_store.circle_on(db.session, current)
        circle_store.save_snapshot(db.session, result, utcnow())
        click.echo(f"{current}: {len(result.points)} open points, {len(result.gaps)} gaps, "
                   f"{result.affected} elderly/child/special residents miss at least one target")
        current += timedelta(days=every)
    db.session.commit()


@circle_group.command("settings")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE]...")
def settings_command(assignments):
    """Show the speeds (m/s), targets (minutes) and circuity; NAME=VALUE changes one (e.g. speed.elderly=0.75)."""
    try:
        for assignment in assignments:
            name, sep, value = assignment.partition("=")
            if not sep:
                raise click.UsageError(f"需要 NAME=VALUE / expected NAME=VALUE, got {assignment}")
            try:
                number = float(value)
            except ValueError:
                raise click.UsageError(f"{name}: 需要数字 / {value} is not a number") from None
            circle_store.set_parameter(db.session, name.strip(), number)
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(error_line(err)) from None
    db.session.commit()
    settings = circle_store.load_settings(db.session)
    for group, speed in settings.speeds.items():
        click.echo(f"speed.{group} = {speed:g} m/s")
    for service_type, minutes in settings.targets.items():
        click.echo(f"target.{service_type} = {minutes:g} min")
    click.echo(f"circuity = {settings.circuity:g}")
