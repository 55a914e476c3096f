"""The ``wizard`` command: a thin layer over :mod:`followup_script.wizard.flow`.

questionary is imported only when the wizard asks its first question, so the
one-shot command and ``--help`` never pay for it.
"""

from __future__ import annotations

import datetime as dt
import sys

import click


def register(cli: click.Group) -> None:
    cli.add_command(wizard)


@click.command()
@click.option("--db", "db_path", metavar="PATH", envvar="FOLLOWUP_SCRIPT_DB",
              help="The tracker file [env FOLLOWUP_SCRIPT_DB; default tracker.sqlite3 in the user data dir].")
@click.option("--today", metavar="DATE", help="Pretend today is DATE (reproducible runs).")
@click.pass_context
def wizard(ctx, db_path, today):
    """Walk through a follow-up with questions: who, what happened, the plan and the script.

    Also what bare `followup-script` runs on a terminal. Nothing is saved
    without a yes; Ctrl-C leaves with nothing half-saved (exit 130).

    \b
      followup-script wizard
      followup-script wizard --db ~/jobs/tracker.sqlite3
    """
    from followup_script.cli.app import writer_for
    from followup_script.errors import InputError
    from followup_script.input.values import parse_date
    from followup_script.wizard.flow import Wizard, one_shot_hint

    root = ctx.find_root().params
    not_terminal = [name for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout))
                    if not stream.isatty()]
    if not_terminal:
        raise InputError(f"the wizard needs a terminal and {' and '.join(not_terminal)} "
                         f"{'is' if len(not_terminal) == 1 else 'are'} not one; {one_shot_hint()}")
    day = parse_date(today or root.get("today"), "--today") or dt.date.today()
    writer = writer_for(ctx, allow_tone=bool(root.get("allow_tone")))
    calendar_days = bool(root.get("calendar_days")) or bool(
        writer.config.section("schedule").get("calendar_days", False))
    code = Wizard(writer, day, db_path or None, business_days=not calendar_days).run()
    if code:
        ctx.exit(code)
