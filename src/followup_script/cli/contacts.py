"""``followup-script contact``: add, edit, list, show and remove the people you follow up with."""

from __future__ import annotations

import json
import sys

import click

from followup_script.cli.options import db_option, today_option
from followup_script.cli.output import write
from followup_script.cli.session import Session
from followup_script.errors import InputError

SITUATIONS = "application, interview, networking, info"


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
        click.option("--first-name", metavar="NAME",
                     help="The name to greet them by, used as written: 'María José', or 'An' for Nguyễn Văn An."),
        click.option("--greeting", metavar="TEXT", help="A whole greeting, used as written: 'Dear Dr. López,'."),
        click.option("--topic", metavar="TEXT", help="What an info request asked about: 'the salary range'."),
        click.option("--notes", help="Anything worth remembering about them."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def touch_line(touch) -> str:
    """One touch on one line: ``2026-11-20  call       no-commitment  agreed ...  note``."""
    from followup_script.engine.stages import moment_words

    extra = f"  agreed {moment_words(touch.next_at)}" if touch.next_at else ""
    note = f"  {touch.note}" if touch.note else ""
    return f"{touch.at}  {touch.via:<9}  {touch.outcome:<13}{extra}{note}".rstrip()


def log_hint(name: str) -> str:
    """The command that logs the last touch with ``name``."""
    from followup_script.present.shell import shell_quote

    return f"followup-script log {shell_quote(name)} --outcome no-commitment"


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
    tracker = Session.of(ctx).tracker(db_path)
    fields = {k: v for k, v in values.items() if v is not None}
    added = tracker.add_contact({"name": name, **fields})
    click.echo(f"added {added.label()}")
    click.echo(f"next: log the last touch, e.g. {log_hint(added.name)} --date YYYY-MM-DD")


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
    fields = {k: v for k, v in values.items() if v is not None}
    if rename is not None:
        fields["name"] = rename
    if not fields:
        raise InputError("nothing to change: pass at least one option such as --company or --rename")
    tracker = Session.of(ctx).tracker(db_path)
    changed = tracker.edit_contact(name, fields)
    click.echo(f"saved {changed.label()}" + (" (still stopped)" if changed.stopped else ""))


@contact.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines (one contact per line).")
@today_option
@db_option
@click.pass_context
def contact_list(ctx, as_json, today, db_path):
    """List every contact with their current stage."""
    session = Session.of(ctx)
    today = session.today(today)
    tracker = session.tracker(db_path)
    count = 0
    rows = tracker.contacts()
    ctx.call_on_close(rows.close)
    table = []
    for item in rows:
        count += 1
        plan = tracker.plan_for(item, today)
        if as_json:
            row = {"name": item.name, "company": item.company, "role": item.role,
                   "situation": item.situation, "stopped": item.stopped, "touches": item.touch_count,
                   "snoozed_until": item.snoozed_until, "plan": plan.to_dict() if plan else None}
            write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        table.append((item, plan))
    if table:
        from followup_script.present.listing import contact_table

        write(contact_table(table, today))
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
    from followup_script.present.plan import plan_line
    from followup_script.tracker.rows import TRACKED_CONTACT_FIELDS

    session = Session.of(ctx)
    today = session.today(today)
    tracker = session.tracker(db_path)
    found = tracker.show(name, today)
    item, touches, plan = found["contact"], found["touches"], found["plan"]
    if as_json:
        out = {k: getattr(item, k) for k in TRACKED_CONTACT_FIELDS}
        out["stop"] = {"on": item.stopped_on, "note": item.stop_note} if item.stopped else None
        out["snooze"] = {"until": item.snoozed_until, "note": item.snooze_note} if item.snoozed_until else None
        out["bounce"] = {"on": item.bounced_on, "note": item.bounce_note} if item.bounced_on else None
        out["touches"] = [{"id": t.id, **t.to_dict()} for t in touches]
        out["plan"] = plan.to_dict() if plan else None
        write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    lines = [item.name]
    for key in TRACKED_CONTACT_FIELDS[1:]:
        value = getattr(item, key)
        if value:
            lines.append(f"  {key.replace('_', ' '):<12} {value}")
    if item.stopped:
        lines.append(f"  {'stop':<12} since {item.stopped_on}" + (f" ({item.stop_note})" if item.stop_note else ""))
    if item.bounced_on:
        lines.append(f"  {'bounced':<12} on {item.bounced_on} ({item.bounce_note})")
    if item.snoozed_until:
        lines.append(f"  {'snoozed':<12} until {item.snoozed_until}"
                     + (f" ({item.snooze_note})" if item.snooze_note else ""))
    lines.append("History:" if touches else "History: none yet")
    for t in touches:
        lines.append(f"  {touch_line(t)}")
    lines.append("Plan:")
    if plan is None:
        lines.append(f"  none yet: log the last touch, e.g. {log_hint(item.name)}")
    else:
        lines.append(f"  {plan_line(plan)}")
        lines.append(f"  {plan.reason}")
    write("\n".join(lines) + "\n")


@contact.command("remove")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Remove without asking.")
@db_option
@click.pass_context
def contact_remove(ctx, name, yes, db_path):
    """Remove NAME and their whole history (asks first)."""
    tracker = Session.of(ctx).tracker(db_path)
    found = tracker.find(name)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("contact remove without a terminal needs --yes to confirm; add --yes")
        if not click.confirm(f"Remove {found.label()} and {found.touch_count} touch(es)?", default=False,
                             err=True):
            raise click.Abort()
    tracker.remove_contact(found.name)
    click.echo(f"removed {found.label()}")
