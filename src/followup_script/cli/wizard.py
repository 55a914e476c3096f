"""The ``wizard`` command: a thin layer over :mod:`followup_script.wizard.flow`.

questionary is imported only when the wizard asks its first question, so the
one-shot command and ``--help`` never pay for it.
"""

from __future__ import annotations

import sys

import click

from followup_script.cli.options import db_option
from followup_script.cli.session import Session


@click.command()
@db_option
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
    from followup_script.errors import InputError
    from followup_script.wizard.flow import Wizard, one_shot_hint

    session = Session.of(ctx)
    not_terminal = [name for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout))
                    if not stream.isatty()]
    if not_terminal:
        raise InputError(f"the wizard needs a terminal and {' and '.join(not_terminal)} "
                         f"{'is' if len(not_terminal) == 1 else 'are'} not one; {one_shot_hint()}")
    day = session.today(today)
    writer = session.writer(allow_tone=session.allow_tone)
    code = Wizard(writer, day, db_path or None, business_days=session.business_days(),
                  channel=session.channel_name()).run()
    if code:
        ctx.exit(code)
