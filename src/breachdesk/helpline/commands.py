"""``breachdesk serve``, ``breachdesk users add`` and ``breachdesk audit verify``."""

from __future__ import annotations

import getpass
import ipaddress
import sys
from pathlib import Path

import click

from breachdesk.errors import UserError

_path = click.Path(path_type=Path)
_db_option = click.option(
    "--db",
    "db_url",
    default=None,
    envvar="BREACHDESK_HELPLINE_DB",
    help="Database URL (default: SQLite in CASE/helpline.sqlite3), e.g. "
    "postgresql://user@127.0.0.1/helpline; also read from BREACHDESK_HELPLINE_DB.",
)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command(name="serve")
@click.argument("case_dir", metavar="CASE", type=_path)
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--settings",
    "settings_path",
    type=_path,
    default=None,
    help="Incident settings YAML (helpline number, hours, website) as for notify.",
)
@click.option("--ssl-certfile", type=_path, default=None, help="Serve HTTPS with this cert.")
@click.option("--ssl-keyfile", type=_path, default=None, help="... and this private key.")
@click.option(
    "--secure-cookies",
    is_flag=True,
    help="Mark cookies Secure always (behind a TLS-terminating proxy).",
)
@click.option(
    "--idle-minutes",
    default=30,
    show_default=True,
    type=click.IntRange(1, 720),
    help="Sign out sessions unused this long.",
)
@click.option(
    "--lockout-failures",
    default=5,
    show_default=True,
    type=click.IntRange(1, 100),
    help="Failed sign-ins before a username is locked.",
)
@click.option("--lockout-minutes", default=15, show_default=True, type=click.IntRange(1, 1440))
@click.option(
    "--api-rate",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0.1, 1000),
    help="Lookups per second per user (web and API).",
)
@click.option("--api-burst", default=10, show_default=True, type=click.IntRange(1, 10000))
def serve_command(
    case_dir: Path,
    db_url: str | None,
    host: str,
    port: int,
    settings_path: Path | None,
    ssl_certfile: Path | None,
    ssl_keyfile: Path | None,
    secure_cookies: bool,
    idle_minutes: int,
    lockout_failures: int,
    lockout_minutes: int,
    api_rate: float,
    api_burst: int,
) -> None:
    """Run the helpline web app and API for CASE.

    Reads CASE's register and controllers (assess must have finished) and builds the lookup
    index in the helpline database from them (keyed hashes only; rebuilt when they change).
    The key for those hashes is CASE/helpline.key (made on first run, mode 0600) or
    BREACHDESK_HELPLINE_KEY. Production must run behind TLS: give --ssl-certfile and
    --ssl-keyfile, or put a TLS proxy in front and pass --secure-cookies.
    """
    import uvicorn

    from breachdesk.helpline import db
    from breachdesk.helpline.app import create_app
    from breachdesk.helpline.config import HelplineConfig
    from breachdesk.helpline.runtime import open_helpline

    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise UserError("--ssl-certfile and --ssl-keyfile go together; give both or neither")
    config = HelplineConfig(
        idle_minutes=idle_minutes,
        lockout_failures=lockout_failures,
        lockout_minutes=lockout_minutes,
        api_rate=api_rate,
        api_burst=api_burst,
        secure_cookies=True if (secure_cookies or ssl_certfile) else None,
    )
    helpline = open_helpline(case_dir, db_url, config, settings_path)
    status = helpline.index_status
    state = "rebuilt" if status.rebuilt else "unchanged"
    where = db.safe_url(db_url or db.default_url(case_dir))
    click.echo(f"serve: index {state}: {status.people} people, {status.keys} keys in {where}")
    with helpline.engine.begin() as conn:
        from breachdesk.helpline.accounts import list_users

        if not list_users(conn):
            click.echo(f"serve: no users yet; add one with `breachdesk users add {case_dir} ...`")
    scheme = "https" if ssl_certfile else "http"
    if scheme == "http" and not _loopback(host):
        click.echo("serve: warning: plain HTTP on a network address; run behind TLS", err=True)
    click.echo(f"serve: {scheme}://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(
        create_app(helpline),
        host=host,
        port=port,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        proxy_headers=True,  # trusts X-Forwarded-* from 127.0.0.1 only (uvicorn's default)
        server_header=False,
        log_level="warning",  # uvicorn's access log would print URLs; ours carry no identifiers
    )


@click.group(name="users")
def users_group() -> None:
    """Helpline accounts (stored in the helpline database)."""


@users_group.command(name="add")
@click.argument("case_dir", metavar="CASE", type=_path)
@_db_option
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["operator", "supervisor", "admin"]))
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
def users_add(
    case_dir: Path, db_url: str | None, username: str, role: str, password_stdin: bool
) -> None:
    """Add a helpline user. Writes to CASE's helpline database (made and migrated if new).

    The password is read from standard input with --password-stdin (so it never appears in
    the process list or shell history), else prompted for. At least 12 characters.
    """
    from breachdesk.helpline import accounts, audit
    from breachdesk.helpline.config import HelplineConfig
    from breachdesk.helpline.runtime import open_database

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise UserError("the two passwords differ; try again")
    _, engine = open_database(case_dir, db_url)
    try:
        with engine.begin() as conn:
            user = accounts.add_user(
                conn, accounts.make_hasher(HelplineConfig()), username, role, password
            )
            audit.append(
                conn,
                actor=f"cli:{getpass.getuser()}",
                action="user_added",
                result="ok",
                detail=f"{user.username} as {user.role}",
            )
    except accounts.AccountError as exc:
        raise UserError(f"users add: {exc}") from exc
    click.echo(f"users: added {user.username} ({user.role})")


@click.group(name="audit")
def audit_group() -> None:
    """The helpline's hash-chained audit log."""


@audit_group.command(name="verify")
@click.argument("case_dir", metavar="CASE", type=_path)
@_db_option
def audit_verify(case_dir: Path, db_url: str | None) -> None:
    """Recompute the audit log's hash chain. Exit 0 when intact; otherwise name the first
    broken entry and exit 1. Reads CASE's helpline database; changes nothing."""
    from breachdesk.case import Case
    from breachdesk.helpline import audit, db

    case = Case.open(case_dir)
    url = db_url or db.default_url(case.root)
    if db_url is None and not (case.root / db.DB_FILE).exists():
        raise UserError(f"{case_dir}: has no helpline database yet; run `breachdesk serve` first")
    engine = db.connect(url)
    if not db.is_migrated(engine):
        raise UserError(f"--db {db.safe_url(url)}: holds no helpline tables")
    with engine.connect() as conn:
        verdict = audit.verify(conn)
    if verdict.intact:
        click.echo(f"audit: intact, {verdict.entries} entries, head {verdict.head}")
        return
    click.echo(
        f"audit: BROKEN at entry {verdict.broken_id}: {verdict.reason} "
        f"({verdict.entries} entries verified before it)",
        err=True,
    )
    sys.exit(1)
