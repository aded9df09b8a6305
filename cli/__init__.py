"""The `flask --app app …` commands, one module per area."""
from flask import Flask

from cli import backup, checkup, circle, database, scheduler, serve, tokens


def register_cli(app: Flask) -> None:
    for area in (database, circle, scheduler, backup, tokens, checkup, serve):
        area.init_app(app)
