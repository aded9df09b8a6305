"""API tokens from the command line: list who holds one, revoke one or all of a user's."""
from datetime import timedelta

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from models import User, db, utcnow
from services.accounts import accounts
from services.core.errors import DomainError


def init_app(app: Flask) -> None:
    for command in (list_tokens, revoke_token):
        app.cli.add_command(command)


def expiry_from_days(days: int | None):
    return None if days is None else utcnow() + timedelta(days=days)


@click.command("list-tokens")
@with_appcontext
@click.argument("username", required=False)
def list_tokens(username):
    """List API tokens (id, user, role, created, expires, state); never their values."""
    now = utcnow()
    for row in accounts.list_tokens(db.session, username):
        expires = row.expires_at.isoformat() if row.expires_at else "-"
        click.echo(f"{row.id}\t{row.user.username}\t{row.user.role}\t{row.created_at.isoformat()}\t{expires}\t"
                   f"{accounts.token_state(row, now)}")


@click.command("revoke-token")
@with_appcontext
@click.argument("token_id", type=int, required=False)
@click.option("--user", "username", help="revoke every token of this user instead")
def revoke_token(token_id, username):
    """Revoke token TOKEN_ID (from list-tokens), or every token of --user."""
    if (token_id is None) == (username is None):
        raise click.UsageError("give a TOKEN_ID or --user USERNAME")
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"没有该用户 / No such user: {username}")
        count = accounts.revoke_user_tokens(db.session, user.id, utcnow())
    else:
        try:
            accounts.revoke_token_by_id(db.session, token_id, utcnow())
        except DomainError:
            raise click.ClickException(f"没有该令牌 / No such token: {token_id}") from None
        count = 1
    db.session.commit()
    click.echo(f"已作废 {count} 个令牌 / Revoked {count} token(s)")
