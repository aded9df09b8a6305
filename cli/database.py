"""The public command line: flask --app app init-db | seed-demo | create-user | create-token."""
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from cli.messages import error_line
from cli.tokens import expiry_from_days
from models import User, db, utcnow
from services.accounts import accounts
from services.core.centre import current_centre
from services.core.errors import DomainError
from services.demo import demo
from services.demo.demo_data import LOGINS, RESIDENT_LOGIN


def init_app(app: Flask) -> None:
    for command in (init_db, seed_demo, create_user, create_token):
        app.cli.add_command(command)


def apply_migrations() -> None:
    upgrade(directory=current_app.root_path + "/migrations", revision="heads")
    current_centre(db.session)
    db.session.commit()


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the schema (Alembic migrations); safe to run twice."""
    apply_migrations()
    click.echo("数据库已就绪 / Database ready.")


def print_logins() -> None:
    click.echo("演示账号 / Demo logins:")
    for username, password, role, organisation in LOGINS:
        click.echo(f"  {role:9} {username:12} {password}" + (f"  ({organisation})" if organisation else ""))
    click.echo(f"  resident  {RESIDENT_LOGIN[0]:12} {RESIDENT_LOGIN[1]}  (周丽娟, guardian of 陈一诺 and 周桂兰)")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load the Hongmei demo centre; safe to run twice."""
    apply_migrations()
    loaded = demo.seed(db.session, utcnow(), ZoneInfo(current_app.config["TIMEZONE"]))
    db.session.commit()
    click.echo("已载入红梅社区演示数据 / Demo centre loaded." if loaded else "演示数据已存在 / Demo already loaded.")
    print_logins()


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "staff", "operator", "resident"]), required=True)
@click.option("--password", required=True)
@click.option("--resident-id", type=int)
@click.option("--organisation")
def create_user(username, role, password, resident_id, organisation):
    """Make a login; a resident login acts for that resident, an operator login for that organisation."""
    try:
        user = accounts.create_user(db.session, username, password, role, resident_id, organisation)
    except DomainError as err:
        raise click.ClickException(error_line(err)) from None
    db.session.commit()
    click.echo(f"已创建用户 / Created user {user.username} ({user.role}), id {user.id}")


@click.command("create-token")
@with_appcontext
@click.argument("username")
@click.option("--expires-days", type=click.IntRange(1, 3650), help="the token stops working after this many days")
def create_token(username, expires_days):
    """Print a new API token for USERNAME as the last line."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"没有该用户 / No such user: {username}")
    token = accounts.create_token(db.session, user, expiry_from_days(expires_days))
    db.session.commit()
    click.echo(f"API token for {username} (保存好，只显示一次 / shown once):")
    click.echo(token)
