"""Options several commands share."""

from __future__ import annotations

import click


def db_option(func):
    """``--db PATH``: the tracker file."""
    return click.option(
        "--db", "db_path", metavar="PATH", envvar="FOLLOWUP_SCRIPT_DB",
        help="The tracker file [env FOLLOWUP_SCRIPT_DB; default tracker.sqlite3 in the user data dir].",
    )(func)


def today_option(func):
    """``--today DATE``: a command's own (the root's ``--today`` counts too)."""
    return click.option("--today", metavar="DATE", help="Pretend today is DATE (YYYY-MM-DD).")(func)
