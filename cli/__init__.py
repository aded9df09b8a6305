"""The `flask --app app …` commands, one module per area."""
from flask import Flask

from cli import circle, database, scheduler, tokens


def register_cli(app: Flask) -> None:
    for area in (database, circle, scheduler, tokens):
        area.init_app(app)
