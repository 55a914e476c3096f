"""The tracker's day-to-day commands: log, stop, unstop, snooze, unsnooze, due, next and why.

A thin layer over :mod:`followup_script.tracker.service`; each command runs in one
transaction of the tracker file (``--db PATH``, env ``FOLLOWUP_SCRIPT_DB``,
default ``tracker.sqlite3`` in the user data dir). ``contact`` is in
:mod:`~followup_script.cli.contacts`; calendar, export and import in
:mod:`~followup_script.cli.transfer`. Reference: docs/tracker.md.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from followup_script.cli.options import db_option, profile_options, today_option
from followup_script.cli.output import write
from followup_script.cli.session import Session
from followup_script.errors import FollowupError, InputError

OUTCOMES = "scheduled, no-time, no-commitment, no-answer, replied, stop"


# -- log, stop, unstop -------------------------------------------------------------------------

@click.command("log")
@click.argument("name")
@click.option("--outcome", metavar="O",
              help=f"How it ended: {OUTCOMES}. Needed, except after --via application (no-commitment).")
@click.option("--via", default="call", show_default=True, metavar="V",
              help="call, meeting, voicemail, email, sms, or application (an application or resume you sent).")
@click.option("--date", "date", metavar="D", help="When it happened: YYYY-MM-DD, today or yesterday (default today).")
@click.option("--next", "next_at", metavar="DATETIME",
              help="The agreed time of the next call, 'YYYY-MM-DD HH:MM', or the day alone, YYYY-MM-DD "
                   "(with --outcome scheduled).")
@click.option("--note", metavar="T", help="A note about the touch.")
@today_option
@db_option
@click.pass_context
def log(ctx, name, outcome, via, date, next_at, note, today, db_path):
    """Record a touch with NAME (call, meeting, voicemail, email, SMS).

    \b
      followup-script log Dana --outcome no-commitment --date 2026-11-20
      followup-script log Dana --outcome scheduled --next "2026-12-01 10:30"
      followup-script log Dana --outcome scheduled --next 2026-12-08
      followup-script log Dana --via voicemail --outcome no-answer
      followup-script log Dana --via application --date 2026-11-20
    """
    from followup_script.engine.stages import human_date
    from followup_script.input.validate import parse_date, parse_datetime
    from followup_script.present.plan import plan_line

    session = Session.of(ctx)
    today = session.today(today)
    at = parse_date(date, "date", today)
    agreed = parse_datetime(next_at, "next", today)
    tracker = session.tracker(db_path)
    done = tracker.log(name, outcome, via, at, agreed, note, today=today)
    click.echo(f"logged {human_date(done.touch.at)}: {done.touch.via}, {done.touch.outcome} "
               f"with {done.contact.label()}")
    if done.stopped_now:
        click.echo("stopped: nothing more goes to them, on any channel (followup-script unstop lifts it)")
    if done.snooze_ended is not None:
        click.echo(f"the snooze until {human_date(done.snooze_ended)} is over: they answered")
    click.echo(f"next: {plan_line(done.plan)}")


@click.command("stop")
@click.argument("name")
@click.option("--note", metavar="T", help="What they said, e.g. 'asked by email not to call'.")
@click.option("--date", "date", metavar="D", help="When they said it (default today).")
@today_option
@db_option
@click.pass_context
def stop(ctx, name, note, date, today, db_path):
    """Never contact NAME again, on any channel, until `unstop`."""
    from followup_script.input.validate import parse_date

    session = Session.of(ctx)
    today = session.today(today)
    on = parse_date(date, "date", today) or today
    found, changed = session.tracker(db_path).stop(name, on, note)
    if changed:
        click.echo(f"stopped {found.label()} since {found.stopped_on}: nothing more is sent, on any channel")
    else:
        click.echo(f"{found.label()} is already stopped (since {found.stopped_on})")


@click.command("unstop")
@click.argument("name")
@today_option
@db_option
@click.pass_context
def unstop(ctx, name, today, db_path):
    """Lift the stop on NAME (only when they asked you to resume)."""
    _lift(ctx, name, today, db_path, "unstop", "was not stopped", "lifted the stop on {}")


def _lift(ctx, name, today, db_path, method, unchanged, done):
    """``unstop`` and ``unsnooze``: lift it (``Tracker.<method>``), say so, and show the plan now."""
    from followup_script.present.plan import plan_line

    session = Session.of(ctx)
    today = session.today(today)
    tracker = session.tracker(db_path)
    found, changed = getattr(tracker, method)(name)
    if not changed:
        click.echo(f"{found.label()} {unchanged}")
        return
    click.echo(done.format(found.label()))
    click.echo(f"next: {plan_line(tracker.plan_for(found, today))}")


# -- snooze, unsnooze ----------------------------------------------------------------------------

@click.command("snooze")
@click.argument("name")
@click.option("--until", "until", required=True, metavar="DATE",
              help="The day they can be contacted again: YYYY-MM-DD or tomorrow (today or later).")
@click.option("--note", metavar="T", help="Why, e.g. 'on leave until the 14th'.")
@today_option
@db_option
@click.pass_context
def snooze(ctx, name, until, note, today, db_path):
    """NAME is not due before DATE (they are away); `unsnooze` ends it.

    \b
      followup-script snooze Dana --until 2026-12-14 --note "on leave"
    """
    from followup_script.engine.stages import human_date
    from followup_script.input.validate import parse_datetime
    from followup_script.present.plan import plan_line

    session = Session.of(ctx)
    today = session.today(today)
    day = parse_datetime(until, "until", today)
    day = day.date() if isinstance(day, dt.datetime) else day
    tracker = session.tracker(db_path)
    found = tracker.snooze(name, day, note, today=today)
    click.echo(f"snoozed {found.label()} until {human_date(found.snooze)}: nothing is due before then")
    click.echo(f"next: {plan_line(tracker.plan_for(found, today))}")


@click.command("unsnooze")
@click.argument("name")
@today_option
@db_option
@click.pass_context
def unsnooze(ctx, name, today, db_path):
    """End the snooze on NAME: the plan is the engine's again."""
    _lift(ctx, name, today, db_path, "unsnooze", "was not snoozed", "ended the snooze on {}")


# -- due ---------------------------------------------------------------------------------------

@click.command("due")
@today_option
@click.option("--within", default=0, show_default=True, type=click.IntRange(0, 3660), metavar="N",
              help="Also list what falls due in the next N days.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--render", is_flag=True, help="Write each due script (streams, one contact at a time).")
@click.option("--channel", metavar="C", help="The channel for --render (default: config defaults.channel or voicemail).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="Output of --render: text, or one JSON object per line.")
@click.option("--allow-tone", is_flag=True, help="Let a script that fails the courtesy guard through, with a warning.")
@click.option("--update", metavar="TEXT",
              help="With --render: one sentence of news for the weekly nudges: 'I just finished the AWS certification.'")
@profile_options
@db_option
@click.pass_context
def due(ctx, today, within, as_json, render, channel, fmt, allow_tone, update, db_path):
    """The follow-ups due today (or within N days), most overdue first.

    \b
      followup-script due
      followup-script due --within 7 --json
      followup-script due --render --channel email --format jsonl
      followup-script due --render --update "I just finished the AWS certification."
    """
    session = Session.of(ctx)
    today = session.today(today)
    if render and as_json:
        raise InputError("--json is for the list; with --render use --format jsonl")
    if not render and (channel or fmt != "text" or update is not None):
        raise InputError("--channel, --format and --update go with --render; add --render")
    if update is not None and update.strip():  # news for the weekly nudges (their something-new slot)
        from followup_script.input.values import one_line
        update = one_line(280)(update, "update")
    tracker = session.tracker(db_path)
    rows = tracker.due(today, within)
    ctx.call_on_close(rows.close)  # runs before the tracker closes, even on a broken pipe
    if render:
        return _render_due(session, tracker, rows, today, channel, fmt, allow_tone, update or None)
    count = 0
    encode = json.JSONEncoder(ensure_ascii=False).encode
    table = []
    if as_json:
        write("[")
    for row in rows:
        if as_json:
            write(("\n  " if count == 0 else ",\n  ") + encode(row.to_dict()))
        else:
            table.append(row)
        count += 1
    if as_json:
        write("\n]\n" if count else "]\n")
    elif count:
        from followup_script.present.listing import due_table

        write(due_table([(r.contact, r.plan, r.task_words, r.on) for r in table], today))
    else:
        click.echo("nothing is due" + (f" in the next {within} days" if within else " today"), err=True)
    if not as_json:  # who replied lately: sync logged it, so they are not in the queue (#18)
        from followup_script.present.sync import RECENT_DAYS, replied_line
        from followup_script.tracker.sync_store import sync_replies_since

        line = replied_line(sync_replies_since(tracker.store, today - dt.timedelta(days=RECENT_DAYS)))
        if line:
            click.echo(line, err=True)


def _render_due(session, tracker, rows, today, channel_name, fmt, allow_tone, update=None):
    """Each script worded for the day it is read: its due day, or today once due or late."""
    from followup_script.present.message import text_report

    writer = session.writer(allow_tone=allow_tone or session.allow_tone)
    tracker.planner = writer.plan
    channel = writer.channel(session.channel_name(channel_name))
    profile = session.profile
    failures = []
    count = 0
    for row in rows:
        count += 1
        try:
            fields = row.contact.script_fields()
            if update:  # only a weekly nudge's templates have the slot for it
                fields["update"] = update
            message = writer.write(channel, row.plan, fields, profile, today=today)
        except FollowupError as exc:
            failures.append(exc)
            click.echo(f"followup-script: skipped {row.contact.label()}: {exc}", err=True)
            continue
        for warning in message.warnings:
            click.echo(f"followup-script: warning: {row.contact.name}: {warning}", err=True)
        if fmt == "jsonl":
            out = {"name": row.contact.name, "company": row.contact.company, **message.to_dict()}
            if row.task:
                out.update(task=row.task_words, task_due=row.day.isoformat())
            write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            task = f" · {row.task_words}" if row.task else ""
            write(("\n" if count > 1 else "") + f"== {row.contact.label()}{task} ==\n" + text_report(message))
    if not count:
        click.echo("nothing is due", err=True)
    if failures:
        raise type(failures[0])(
            f"{len(failures)} of {count} due scripts could not be written (see above); "
            "fix those contacts (followup-script contact edit) and run again"
        )


# -- next ---------------------------------------------------------------------------------------

@click.command("next")
@click.argument("name")
@click.option("--channel", metavar="C", help="voicemail, call, email or a plugin's channel (default voicemail).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "eml"]), default="text", show_default=True,
              help="eml writes a real email message (email channels only).")
@click.option("--output", "-o", metavar="FILE", help="Write the result to FILE instead of stdout.")
@click.option("--deliver", is_flag=True, help="Hand it to the channel and log the touch. Asks first on a terminal.")
@click.option("--yes", "-y", is_flag=True, help="Deliver without asking.")
@click.option("--resend", is_flag=True, help="Deliver even if this follow-up was delivered before.")
@click.option("--allow-tone", is_flag=True, help="Let a script that fails the courtesy guard through, with a warning.")
@click.option("--update", metavar="TEXT",
              help="One sentence of news for this message: 'I just finished the AWS certification.'")
@profile_options
@today_option
@db_option
@click.pass_context
def next_command(ctx, name, channel, fmt, output, deliver, yes, resend, allow_tone, update, today, db_path):
    """The script for NAME now; --deliver sends it and logs the touch.

    \b
      followup-script next Dana
      followup-script next Dana --channel email --format eml -o dana.eml
      followup-script next Dana --channel email --deliver --yes
      followup-script next Dana --update "I just finished the AWS certification."
    """
    from followup_script.cli.contacts import log_hint
    from followup_script.cli.oneshot import emit_delivered
    from followup_script.present.shell import shell_quote
    from followup_script.tracker.history import history_of

    session = Session.of(ctx)
    today = session.today(today)
    tracker = session.tracker(db_path)
    found = tracker.find(name)
    history = history_of(found)
    if history is None:
        raise InputError(f"{found.name} has no touches yet, so there is no plan; log the last one, e.g. "
                         f"{log_hint(found.name)}")
    writer = session.writer(allow_tone=allow_tone or session.allow_tone)
    tracker.planner = writer.plan
    chosen = writer.channel(session.channel_name(channel))
    plan = tracker.plan_for(found, today)
    # printed, it is worded for the day it is due; delivered, for today (compose.scriptwriter.reading_day)
    fields = found.script_fields()
    if update is not None and update.strip():  # news for this one message, as the one-shot's --update
        from followup_script.input.values import one_line
        fields["update"] = one_line(280)(update, "update")
    message = writer.write(chosen, plan, fields, session.profile, today=today,
                           delivering=deliver, thread=tracker.email_thread(found) if chosen.email else None)
    receipt = None
    if deliver:
        if found.stopped or message.stopped:
            writer.deliver(message, stopped=True)  # raises StoppedError before any plugin code
        if not found.stopped and found.snooze is not None and found.snooze > today:
            raise InputError(f"{found.label()} is snoozed until {found.snoozed_until}, so nothing is "
                             f"delivered before then; end it first with followup-script unsnooze "
                             f"{shell_quote(found.name)}")
        _offer_honestly(writer, chosen, found, message)
        session.confirm_delivery(message, yes)
        receipt = _deliver_and_log(tracker, writer, found, message, today, resend=resend or session.resend)
    emit_delivered(message, fmt, output, receipt)  # an --output error also says it was delivered


def _offer_honestly(writer, channel, found, message) -> None:
    """Refuse, before asking, a delivery that cannot work: the contact lacks the address or
    number, or the channel is not set up; the line says what to set."""
    from followup_script.present.offers import not_deliverable

    if message.text is None:
        return
    blocked = not_deliverable(channel, writer.config, {**message.contact, "name": found.name})
    if blocked:
        raise InputError(f"cannot deliver by {channel.name}: {blocked}")


def _deliver_and_log(tracker, writer, found, message, today, resend: bool = False):
    """Deliver at most once per key (see Tracker.deliver_once); a stop that lands meanwhile wins."""
    from followup_script.cli.output import report_already_delivered

    done = tracker.deliver_once(writer, message, found, via=message.via, today=today, resend=resend)
    if done.already is not None:
        report_already_delivered(done)
        return None
    receipt = done.receipt
    if receipt.contact_stopped:
        click.echo(f"followup-script: warning: {found.name} opted out on {message.channel}; "
                   "they are now stopped and get nothing more, on any channel", err=True)
    return receipt


# -- why ----------------------------------------------------------------------------------------

@click.command("why")
@click.argument("name")
@click.option("--weeks", default=8, show_default=True, type=click.IntRange(1, 520), metavar="N",
              help="How many weeks to simulate.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@today_option
@db_option
@click.pass_context
def why(ctx, name, weeks, as_json, today, db_path):
    """Why NAME is at this stage, and the next weeks if nobody replies."""
    from followup_script.present.why import why_text

    session = Session.of(ctx)
    today = session.today(today)
    found = session.tracker(db_path).why(name, today, weeks)
    if not as_json:
        write(why_text(found, today))
        return
    out = {
        "name": found["contact"].name, "plan": found["plan"].to_dict() if found["plan"] else None,
        "rule": found["rule"], "facts": found["facts"],
        "simulation": [{"on": day.isoformat(), **step.to_dict()} for day, step in found["simulation"]],
    }
    write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
