"""The tracker's commands: contact, log, due, next, why, stop, unstop, calendar, export, import.

A thin layer over :mod:`followup_script.tracker.service`; each command runs in one
transaction of the tracker file (``--db PATH``, env ``FOLLOWUP_SCRIPT_DB``,
default ``tracker.sqlite3`` in the user data dir). Reference: docs/tracker.md.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

VIA_BY_KIND = {"voicemail": "voicemail", "email": "email", "sms": "sms", "call": "call"}
OUTCOMES = "scheduled, no-time, no-commitment, no-answer, replied, stop"
SITUATIONS = "application, interview, networking, info"


def db_option(func):
    return click.option(
        "--db", "db_path", metavar="PATH", envvar="FOLLOWUP_SCRIPT_DB",
        help="The tracker file [env FOLLOWUP_SCRIPT_DB; default tracker.sqlite3 in the user data dir].",
    )(func)


def today_option(func):
    return click.option("--today", metavar="DATE", help="Pretend today is DATE (YYYY-MM-DD).")(func)


def _root(ctx: click.Context) -> dict:
    return ctx.find_root().params


def _today(ctx: click.Context, value: str | None) -> dt.date:
    from followup_script.input.values import parse_date

    return parse_date(value or _root(ctx).get("today"), "--today") or dt.date.today()


def _open(ctx: click.Context, db_path: str | None):
    from followup_script.input.config import load
    from followup_script.tracker.service import Tracker

    config = load(_root(ctx).get("config_path"))
    calendar_days = bool(_root(ctx).get("calendar_days")) or bool(
        config.section("schedule").get("calendar_days", False))
    tracker = Tracker.open(db_path or None, business_days=not calendar_days)
    ctx.call_on_close(tracker.close)
    return tracker


def _quote(name: str) -> str:
    from followup_script.tracker.service import _quote as quote

    return quote(name)


def _plan_line(plan) -> str:
    from followup_script.engine.stages import human_date

    if plan is None:
        return "no plan: no touches logged"
    if not plan.active:
        return plan.stage.value
    due = human_date(plan.due) + (f" at {plan.due_time:%H:%M}" if plan.due_time else "")
    late = f", {plan.overdue_days} day{'s' if plan.overdue_days != 1 else ''} overdue" if plan.overdue_days else ""
    return f"{plan.stage.value} (attempt {plan.attempt}) on {due}{late}"


def _out(text: str) -> None:
    sys.stdout.write(text)  # buffered: a terminal still sees each line, a pipe gets blocks


# -- contact ---------------------------------------------------------------------------------

def contact_options(func):
    options = [
        click.option("--company", help="Their company, e.g. 'Acme Analytics'."),
        click.option("--role", help="The role you are after, e.g. 'Data Engineer'."),
        click.option("--situation", metavar="S", help=f"What you did: {SITUATIONS} (default application)."),
        click.option("--phone", help="Their phone number, e.g. '+1 555 987 6543'."),
        click.option("--email", help="Their email address."),
        click.option("--timezone", metavar="TZ", help="Their time zone, an IANA name such as America/Chicago."),
        click.option("--call-window", metavar="HH:MM-HH:MM",
                     help="When they prefer calls, in their time zone, e.g. 09:30-11:00."),
        click.option("--notes", help="Anything worth remembering about them."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


FIELD_OPTIONS = ("company", "role", "situation", "phone", "email", "timezone", "call_window", "notes")


@click.group()
def contact():
    """Add, edit, list, show and remove the people you follow up with.

    \b
      followup-script contact add "Dana Reyes" --company "Acme Analytics" --role "Data Engineer"
      followup-script contact list
      followup-script contact show Dana
    """


@contact.command("add")
@click.argument("name")
@contact_options
@db_option
@click.pass_context
def contact_add(ctx, name, db_path, **values):
    """Add a contact called NAME."""
    tracker = _open(ctx, db_path)
    fields = {k: v for k, v in values.items() if v is not None}
    added = tracker.add_contact({"name": name, **fields})
    click.echo(f"added {added.label()}")
    click.echo(f"next: log the last touch, e.g. followup-script log {_quote(added.name)} "
               "--outcome no-commitment --date YYYY-MM-DD")


@contact.command("edit")
@click.argument("name")
@click.option("--rename", metavar="NEW", help="Change the contact's name to NEW.")
@contact_options
@db_option
@click.pass_context
def contact_edit(ctx, name, rename, db_path, **values):
    """Change fields of NAME; give an empty value ("") to clear one.

    The stop flag and the history are never changed by an edit.
    """
    from followup_script.errors import InputError

    fields = {k: v for k, v in values.items() if v is not None}
    if rename is not None:
        fields["name"] = rename
    if not fields:
        raise InputError("nothing to change: pass at least one option such as --company or --rename")
    tracker = _open(ctx, db_path)
    changed = tracker.edit_contact(name, fields)
    click.echo(f"saved {changed.label()}" + (" (still stopped)" if changed.stopped else ""))


@contact.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines (one contact per line).")
@today_option
@db_option
@click.pass_context
def contact_list(ctx, as_json, today, db_path):
    """List every contact with their current stage."""
    from followup_script.tracker.service import history_of

    today = _today(ctx, today)
    tracker = _open(ctx, db_path)
    count = 0
    rows = tracker.contacts()
    ctx.call_on_close(rows.close)
    for item in rows:
        count += 1
        plan = tracker.plan(history_of(item), today)
        if as_json:
            row = {"name": item.name, "company": item.company, "role": item.role,
                   "situation": item.situation, "stopped": item.stopped, "touches": item.touch_count,
                   "plan": plan.to_dict() if plan else None}
            _out(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        stage = plan.stage.value if plan else "no touches"
        due = plan.due.isoformat() if plan and plan.due else ""
        _out(f"{item.name[:28]:<28}  {(item.company or '')[:24]:<24}  {stage:<16}  {due}\n")
    if not count and not as_json:
        click.echo("no contacts yet: followup-script contact add NAME --company C --role R", err=True)


@contact.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@today_option
@db_option
@click.pass_context
def contact_show(ctx, name, as_json, today, db_path):
    """Show NAME's details, history and plan."""
    from followup_script.tracker.store import CONTACT_FIELDS
    from followup_script.tracker.service import _touch_dict

    today = _today(ctx, today)
    tracker = _open(ctx, db_path)
    found = tracker.show(name, today)
    item, touches, plan = found["contact"], found["touches"], found["plan"]
    if as_json:
        out = {k: getattr(item, k) for k in CONTACT_FIELDS}
        out["stop"] = {"on": item.stopped_on, "note": item.stop_note} if item.stopped else None
        out["touches"] = [_touch_dict(t) for t in touches]
        out["plan"] = plan.to_dict() if plan else None
        _out(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    lines = [item.name]
    for key in CONTACT_FIELDS[1:]:
        value = getattr(item, key)
        if value:
            lines.append(f"  {key.replace('_', ' '):<12} {value}")
    if item.stopped:
        lines.append(f"  {'stop':<12} since {item.stopped_on}" + (f" ({item.stop_note})" if item.stop_note else ""))
    lines.append("History:" if touches else "History: none yet")
    for t in touches:
        extra = f"  agreed {str(t.next_at).replace('T', ' ')}" if t.next_at else ""
        note = f"  {t.note}" if t.note else ""
        lines.append(f"  {t.at}  {t.via:<9}  {t.outcome:<13}{extra}{note}")
    lines.append("Plan:")
    if plan is None:
        lines.append(f"  none yet: log the last touch, e.g. followup-script log {_quote(item.name)} "
                     "--outcome no-commitment")
    else:
        lines.append(f"  {_plan_line(plan)}")
        lines.append(f"  {plan.reason}")
    _out("\n".join(lines) + "\n")


@contact.command("remove")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Remove without asking.")
@db_option
@click.pass_context
def contact_remove(ctx, name, yes, db_path):
    """Remove NAME and their whole history (asks first)."""
    from followup_script.errors import InputError

    tracker = _open(ctx, db_path)
    found = tracker.find(name)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("contact remove without a terminal needs --yes to confirm; add --yes")
        if not click.confirm(f"Remove {found.label()} and {found.touch_count} touch(es)?", default=False,
                             err=True):
            raise click.Abort()
    tracker.remove_contact(found.name)
    click.echo(f"removed {found.label()}")


# -- log, stop, unstop -------------------------------------------------------------------------

@click.command("log")
@click.argument("name")
@click.option("--outcome", required=True, metavar="O", help=f"How it ended: {OUTCOMES}.")
@click.option("--via", default="call", show_default=True, metavar="V",
              help="call, meeting, voicemail, email or sms.")
@click.option("--date", "date", metavar="D", help="When it happened: YYYY-MM-DD, today or yesterday (default today).")
@click.option("--next", "next_at", metavar="DATETIME",
              help="The agreed time of the next call, 'YYYY-MM-DD HH:MM' (with --outcome scheduled).")
@click.option("--note", metavar="T", help="A note about the touch.")
@today_option
@db_option
@click.pass_context
def log(ctx, name, outcome, via, date, next_at, note, today, db_path):
    """Record a touch with NAME (call, meeting, voicemail, email, SMS).

    \b
      followup-script log Dana --outcome no-commitment --date 2026-11-20
      followup-script log Dana --outcome scheduled --next "2026-12-01 10:30"
      followup-script log Dana --via voicemail --outcome no-answer
    """
    from followup_script.input.values import parse_date, parse_datetime
    from followup_script.engine.stages import human_date

    today = _today(ctx, today)
    at = parse_date(date, "--date", today)
    agreed = parse_datetime(next_at, "--next", today)
    tracker = _open(ctx, db_path)
    done = tracker.log(name, outcome, via, at, agreed, note, today=today)
    click.echo(f"logged {human_date(done.touch.at)}: {done.touch.via}, {done.touch.outcome} "
               f"with {done.contact.label()}")
    if done.stopped_now:
        click.echo("stopped: nothing more goes to them, on any channel (followup-script unstop lifts it)")
    click.echo(f"next: {_plan_line(done.plan)}")


@click.command("stop")
@click.argument("name")
@click.option("--note", metavar="T", help="What they said, e.g. 'asked by email not to call'.")
@click.option("--date", "date", metavar="D", help="When they said it (default today).")
@today_option
@db_option
@click.pass_context
def stop(ctx, name, note, date, today, db_path):
    """Never contact NAME again, on any channel, until `unstop`."""
    from followup_script.input.values import parse_date

    today = _today(ctx, today)
    on = parse_date(date, "--date", today) or today
    tracker = _open(ctx, db_path)
    found, changed = tracker.stop(name, on, note)
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
    from followup_script.tracker.service import history_of

    today = _today(ctx, today)
    tracker = _open(ctx, db_path)
    found, changed = tracker.unstop(name)
    if not changed:
        click.echo(f"{found.label()} was not stopped")
        return
    click.echo(f"lifted the stop on {found.label()}")
    click.echo(f"next: {_plan_line(tracker.plan(history_of(found), today))}")


# -- due ---------------------------------------------------------------------------------------

@click.command("due")
@today_option
@click.option("--within", default=0, show_default=True, type=int, metavar="N",
              help="Also list what falls due in the next N days.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--render", is_flag=True, help="Write each due script (streams, one contact at a time).")
@click.option("--channel", metavar="C", help="The channel for --render (default: config defaults.channel or voicemail).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="Output of --render: text, or one JSON object per line.")
@click.option("--allow-tone", is_flag=True, help="Let a script that fails the courtesy guard through, with a warning.")
@db_option
@click.pass_context
def due(ctx, today, within, as_json, render, channel, fmt, allow_tone, db_path):
    """The follow-ups due today (or within N days), most overdue first.

    \b
      followup-script due
      followup-script due --within 7 --json
      followup-script due --render --channel email --format jsonl
    """
    from followup_script.errors import InputError

    today = _today(ctx, today)
    if render and as_json:
        raise InputError("--json is for the list; with --render use --format jsonl")
    if not render and (channel or fmt != "text"):
        raise InputError("--channel and --format go with --render; add --render")
    tracker = _open(ctx, db_path)
    rows = tracker.due(today, within)
    ctx.call_on_close(rows.close)  # runs before the tracker closes, even on a broken pipe
    if render:
        return _render_due(ctx, tracker, rows, today, channel, fmt, allow_tone)
    count = 0
    encode = json.JSONEncoder(ensure_ascii=False).encode
    if as_json:
        _out("[")
    for row in rows:
        if as_json:
            _out(("\n  " if count == 0 else ",\n  ") + encode(row.to_dict()))
        else:
            plan, item = row.plan, row.contact
            when = plan.due.isoformat() + (f" {plan.due_time:%H:%M}" if plan.due_time else "")
            _out(f"{item.name[:28]:<28}  {(item.company or '')[:24]:<24}  {plan.stage.value:<16}  "
                 f"{when:<16}  {plan.overdue_days}\n")
        count += 1
    if as_json:
        _out("\n]\n" if count else "]\n")
    elif not count:
        click.echo("nothing is due" + (f" in the next {within} days" if within else " today"), err=True)


def _render_due(ctx, tracker, rows, today, channel_name, fmt, allow_tone):
    from followup_script.cli.app import text_report, writer_for

    writer = writer_for(ctx, allow_tone=allow_tone or bool(_root(ctx).get("allow_tone")))
    tracker.planner = writer.plan
    channel = writer.channel(channel_name or _root(ctx).get("channel")
                             or writer.config.section("defaults").get("channel", "voicemail"))
    profile = _profile(ctx, writer)
    failures = []
    count = 0
    for row in rows:
        count += 1
        try:
            message = writer.write(channel, row.plan, row.contact.script_fields(), profile, today=today)
        except Exception as exc:
            from followup_script.errors import FollowupError

            if not isinstance(exc, FollowupError):
                raise
            failures.append(exc)
            click.echo(f"followup-script: skipped {row.contact.label()}: {exc}", err=True)
            continue
        for warning in message.warnings:
            click.echo(f"followup-script: warning: {row.contact.name}: {warning}", err=True)
        if fmt == "jsonl":
            out = {"name": row.contact.name, "company": row.contact.company, **message.to_dict()}
            _out(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            _out(("\n" if count > 1 else "") + f"== {row.contact.label()} ==\n" + text_report(message))
    if not count:
        click.echo("nothing is due", err=True)
    if failures:
        raise type(failures[0])(
            f"{len(failures)} of {count} due scripts could not be written (see above); "
            "fix those contacts (followup-script contact edit) and run again"
        )


def _profile(ctx, writer) -> dict:
    from followup_script.input.config import check_email, check_name, check_phone

    profile = writer.config.profile
    root = _root(ctx)
    for key, check in (("name", lambda v: check_name(v, "--from-name")), ("phone", check_phone),
                       ("email", check_email)):
        if root.get(f"from_{key}") is not None:
            profile[key] = check(root[f"from_{key}"])
    return profile


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
@today_option
@db_option
@click.pass_context
def next_command(ctx, name, channel, fmt, output, deliver, yes, resend, allow_tone, today, db_path):
    """The script for NAME now; --deliver sends it and logs the touch.

    \b
      followup-script next Dana
      followup-script next Dana --channel email --format eml -o dana.eml
      followup-script next Dana --channel email --deliver --yes
    """
    from followup_script.cli.app import emit, writer_for
    from followup_script.errors import InputError
    from followup_script.tracker.service import history_of

    today = _today(ctx, today)
    tracker = _open(ctx, db_path)
    found = tracker.find(name)
    history = history_of(found)
    if history is None:
        raise InputError(f"{found.name} has no touches yet, so there is no plan; log the last one, e.g. "
                         f"followup-script log {_quote(found.name)} --outcome no-commitment")
    writer = writer_for(ctx, allow_tone=allow_tone or bool(_root(ctx).get("allow_tone")))
    tracker.planner = writer.plan
    chosen = writer.channel(channel or _root(ctx).get("channel")
                            or writer.config.section("defaults").get("channel", "voicemail"))
    plan = tracker.plan(history, today)
    message = writer.write(chosen, plan, found.script_fields(), _profile(ctx, writer), today=today)
    receipt = None
    if deliver:
        if found.stopped or message.stopped:
            writer.deliver(message, stopped=True)  # raises StoppedError before any plugin code
        _confirm(message, yes)
        receipt = _deliver_and_log(tracker, writer, found, message, today, resend=resend or
                                   bool(_root(ctx).get("resend")))
    emit(message, fmt, output, receipt)


def _confirm(message, yes: bool) -> None:
    from followup_script.errors import InputError

    if message.text is None or yes:
        return
    if not sys.stdin.isatty():
        raise InputError("--deliver without a terminal needs --yes to confirm; add --yes")
    target = message.contact.get("email") or message.contact.get("phone") or message.contact.get("name")
    if not click.confirm(f"Deliver this {message.channel} to {target}?", default=False, err=True):
        raise click.Abort()


def _deliver_and_log(tracker, writer, found, message, today, resend: bool = False):
    """Deliver at most once per key (see Tracker.deliver_once); a stop that lands meanwhile wins."""
    via = VIA_BY_KIND.get(message.kind) or ("email" if message.subject else "sms")
    done = tracker.deliver_once(writer, message, found, via=via, today=today, resend=resend)
    if done.already is not None:
        report_already_delivered(done)
        return None
    receipt = done.receipt
    if receipt.contact_stopped:
        click.echo(f"followup-script: warning: {found.name} opted out on {message.channel}; "
                   "they are now stopped and get nothing more, on any channel", err=True)
    return receipt


def report_already_delivered(done) -> None:
    earlier = done.earlier_receipt()
    where = earlier.get("id") or earlier.get("url") or earlier.get("path") or earlier.get("detail") or "no id"
    click.echo(f"followup-script: already delivered by {done.already.channel} on "
               f"{done.already.finished_at} ({where}); nothing was delivered again "
               "(add --resend to deliver it once more)", err=True)


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
    from followup_script.tracker.service import why_text

    today = _today(ctx, today)
    tracker = _open(ctx, db_path)
    found = tracker.why(name, today, weeks)
    if not as_json:
        _out(why_text(found, today))
        return
    out = {
        "name": found["contact"].name, "plan": found["plan"].to_dict() if found["plan"] else None,
        "rule": found["rule"], "facts": found["facts"],
        "simulation": [{"on": day.isoformat(), **step.to_dict()} for day, step in found["simulation"]],
    }
    _out(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


# -- calendar, export, import ----------------------------------------------------------------------

@click.command("calendar")
@click.option("--output", "-o", metavar="FILE", help="Write the .ics file to FILE instead of stdout.")
@click.option("--weeks", default=8, show_default=True, type=int, metavar="N",
              help="How many weekly nudges each series holds (RRULE COUNT).")
@click.option("--reminder", default=15, show_default=True, type=int, metavar="MIN",
              help="Minutes before each follow-up that the alarm goes off.")
@today_option
@db_option
@click.pass_context
def calendar(ctx, output, weeks, reminder, today, db_path):
    """Follow-ups as an iCalendar (.ics) file; re-export to update.

    \b
      followup-script calendar --output followups.ics
    """
    from followup_script.cli.app import send_output

    today = _today(ctx, today)
    tracker = _open(ctx, db_path)
    data = tracker.calendar(today, weeks, reminder)
    send_output(data, output)


@click.command("export")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
@db_option
@click.pass_context
def export(ctx, output, db_path):
    """Everything in the tracker as JSON, ready for `import`.

    \b
      followup-script export --output tracker.json
    """
    from followup_script.cli.app import send_output
    from followup_script.tracker.service import export_json

    tracker = _open(ctx, db_path)
    data = export_json(tracker).encode()
    send_output(data, output)


@click.command("import")
@click.argument("file", metavar="FILE.csv|FILE.json")
@click.option("--dry-run", is_flag=True, help="Only report what would change.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), help="Override the file extension.")
@today_option
@db_option
@click.pass_context
def import_command(ctx, file, dry_run, fmt, today, db_path):
    """Import contacts and touches from CSV or an export (all or nothing).

    \b
      followup-script import contacts.csv --dry-run
      followup-script import tracker.json
    """
    from followup_script.tracker.service import read_import

    today = _today(ctx, today)
    records = read_import(file, today, fmt)
    tracker = _open(ctx, db_path)
    report = tracker.import_records(records, today, dry_run=dry_run)
    for line in report.lines:
        click.echo(("would " if dry_run else "") + line)
    click.echo(report.summary())


COMMANDS = (contact, log, due, next_command, why, stop, unstop, calendar, export, import_command)


def register(cli: click.Group) -> None:
    """Add the tracker's commands to the top-level group."""
    for command in COMMANDS:
        cli.add_command(command)
