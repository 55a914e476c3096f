"""Correcting the history: ``undo`` the last touch, ``touch list`` and ``touch edit``.

Over :mod:`followup_script.tracker.touches`. Each change re-derives the plan and
says what it is now. Reference: docs/tracker.md.
"""

from __future__ import annotations

import json
import sys

import click

from followup_script.cli.options import db_option, today_option
from followup_script.cli.output import write
from followup_script.cli.session import Session
from followup_script.errors import InputError


def touch_words(touch) -> str:
    """``Friday 20 November 2026, call, no-commitment (phone screen)``."""
    from followup_script.engine.stages import human_date, moment_words

    words = f"{human_date(touch.at)}, {touch.via}, {touch.outcome}"
    if touch.next_at is not None:
        words += f", agreed {moment_words(touch.next_at)}"
    return words + (f" ({touch.note})" if touch.note else "")


def confirm(question: str, yes: bool, command: str, what: str, before: str | None = None) -> None:
    """Ask ``question`` (default no, after the line ``before``) unless ``yes``; without a
    terminal, ``--yes`` is needed (one line saying ``what`` it would do)."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise InputError(f"{command} without a terminal needs --yes to confirm ({what}); add --yes")
    if before:
        click.echo(before, err=True)
    if not click.confirm(question, default=False, err=True):
        raise click.Abort()


def report(done, verb: str) -> None:
    """What changed, the stop flag and a delivery the touch recorded, and the plan now."""
    from followup_script.present.plan import plan_line

    who = done.contact.label()
    if done.after is None:
        click.echo(f"{verb} the last touch with {who}: {touch_words(done.before)}")
    else:
        click.echo(f"{verb} touch {done.after.id} with {who}: {touch_words(done.after)}")
        click.echo(f"  (was: {touch_words(done.before)})")
    if done.stop_lifted:
        click.echo(f"the stop is lifted: follow-ups to {done.contact.name} resume "
                   "(followup-script stop sets it again)")
    if done.stop_set:
        click.echo("stopped: nothing more goes to them, on any channel (followup-script unstop lifts it)")
    if done.delivery is not None:
        sent = (done.delivery.finished_at or done.delivery.started_at)[:10]
        click.echo(f"note: this touch recorded a delivery by {done.delivery.channel} on {sent}; the "
                   "message went and stays recorded as sent, so delivering this follow-up again sends "
                   "nothing (--resend sends it)")
    click.echo(f"next: {plan_line(done.plan)}")


# -- undo ----------------------------------------------------------------------------------------

@click.command("undo")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Remove it without asking (needed without a terminal).")
@today_option
@db_option
@click.pass_context
def undo(ctx, name, yes, today, db_path):
    """Remove the touch logged last with NAME, and show the plan now.

    Undoing a `stop` touch lifts the stop (it asks first).

    \b
      followup-script undo Dana
      followup-script undo Dana --yes
    """
    session = Session.of(ctx)
    today = session.today(today)
    tracker = session.tracker(db_path)
    contact, touch, _ = tracker.last_touch(name)
    what = f"it removes {touch_words(touch)} with {contact.label()}"
    if touch.outcome == "stop" and contact.stopped:
        confirm("Undo it and lift the stop, so follow-ups to them resume?", yes, "undo",
                what + " and lifts the stop",
                f"The last touch with {contact.label()} recorded that they asked you to stop: "
                f"{touch_words(touch)}.")
    else:
        confirm(f"Remove the last touch with {contact.label()}: {touch_words(touch)}?", yes, "undo", what)
    report(tracker.undo(contact.name, today, touch_id=touch.id), "removed")


# -- touch list, touch edit ----------------------------------------------------------------------

@click.group("touch")
def touch():
    """List a contact's touches with their ids, and edit one.

    \b
      followup-script touch list Dana
      followup-script touch edit 3 --outcome no-answer --via voicemail
    """


@touch.command("list")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option
@click.pass_context
def touch_list(ctx, name, as_json, db_path):
    """NAME's touches, oldest first, with the ids `touch edit` takes."""
    from followup_script.present.listing import touch_table
    from followup_script.present.table import fit, terminal_width

    contact, found = Session.of(ctx).tracker(db_path).touches(name)
    if as_json:
        rows = [{"id": t.id, **t.to_dict()} for t in found]
        write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    if not found:
        click.echo(f"{contact.label()} has no touches yet", err=True)
        return
    width = terminal_width()  # the title is cut like the table, never split by the terminal
    title = contact.label() if width is None else fit(contact.label(), width)
    write(f"{title}\n" + touch_table(found, width))


@touch.command("edit")
@click.argument("touch_id", metavar="ID", type=int)
@click.option("--date", "date", metavar="D", help="When it happened: YYYY-MM-DD, today or yesterday.")
@click.option("--outcome", metavar="O", help="How it ended (as for log).")
@click.option("--via", metavar="V", help="call, meeting, voicemail, email or sms.")
@click.option("--next", "next_at", metavar="DATETIME", help="The agreed time, 'YYYY-MM-DD HH:MM' (outcome scheduled).")
@click.option("--note", metavar="T", help='A note ("" clears it).')
@click.option("--yes", "-y", is_flag=True, help="Lift a stop without asking (editing a stop touch).")
@today_option
@db_option
@click.pass_context
def touch_edit(ctx, touch_id, date, outcome, via, next_at, note, yes, today, db_path):
    """Change touch ID (see `touch list`); checked as `log` checks a touch.

    \b
      followup-script touch edit 3 --date 2026-11-19
      followup-script touch edit 3 --outcome scheduled --next "2026-12-01 10:30"
    """
    from followup_script.input.validate import parse_date, parse_datetime
    from followup_script.tracker.touches import KEEP

    if all(v is None for v in (date, outcome, via, next_at, note)):
        raise InputError("nothing to change: pass at least one of --date, --outcome, --via, --next, --note")
    session = Session.of(ctx)
    today = session.today(today)
    tracker = session.tracker(db_path)
    contact, before, _ = tracker.touch(touch_id)
    changes = {
        "at": KEEP if date is None else parse_date(date, "date", today),
        "next_at": KEEP if next_at is None else parse_datetime(next_at, "next", today),
        "outcome": KEEP if outcome is None else outcome,
        "via": KEEP if via is None else via,
        "note": KEEP if note is None else note,
    }
    if before.outcome == "stop" and outcome is not None and outcome.strip().lower() != "stop" and contact.stopped:
        confirm("Change it and lift the stop, so follow-ups to them resume?", yes, "touch edit",
                "it changes a stop touch and lifts the stop",
                f"Touch {touch_id} recorded that {contact.label()} asked you to stop.")
    report(tracker.edit_touch(touch_id, today=today, **changes), "saved")
