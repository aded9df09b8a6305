"""The `flask --app app …` commands, one module per area."""
from flask import Flask

from cli import checkup, circle, database, scheduler


def register_cli(app: Flask) -> None:
    for area in (database, circle, scheduler, checkup):
        area.init_app(app)
