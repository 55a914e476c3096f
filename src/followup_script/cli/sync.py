"""``followup-script sync``: read the inboxes, log what they found (docs/inbox.md).

The inboxes come from the plugins (``register_inboxes``; the built-in one is
``imap``); :mod:`followup_script.tracker.sync` matches each event to a contact
and logs it in its own transaction, so no transaction is ever open while an
inbox talks to its server, and a run that stops half way keeps what it finished.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from followup_script.cli.options import db_option, today_option
from followup_script.cli.session import Session
from followup_script.errors import InputError

DEFAULT_DAYS = 30  # how far back the first sync of an inbox looks
OVERLAP_DAYS = 2  # a later sync looks again at the last days (events are recorded once)
PROGRESS_EVERY = 200


@click.command("sync")
@click.option("--since", metavar="DATE",
              help=f"Read what arrived and was sent since DATE (YYYY-MM-DD; default: the last sync, "
                   f"else {DEFAULT_DAYS} days ago).")
@click.option("--dry-run", is_flag=True, help="Show what would be logged; log nothing.")
@click.option("--inbox", "inbox_names", metavar="NAME", multiple=True,
              help="Only this inbox (imap, gmail, sms; may be repeated). Default: every configured one.")
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON.")
@today_option
@db_option
@click.pass_context
def sync(ctx, since, dry_run, inbox_names, as_json, today, db_path):
    """Log replies, sent drafts, bounces and stop requests found in your inboxes.

    A reply ends the weekly nudges (logged as replied, "found by sync"); an
    out-of-office offers a snooze; a bounce is marked; an SMS STOP stops. Each
    message is logged once: a second run logs nothing new.

    \b
      followup-script sync --dry-run
      followup-script sync --since 2026-11-01 --inbox imap --json
    """
    from followup_script.input.validate import parse_date
    from followup_script.tracker import sync as syncing
    from followup_script.tracker.sync_store import last_sync, set_last_sync

    session = Session.of(ctx)
    today = session.today(today)
    given_since = parse_date(since, "since", today) if since else None
    if given_since is not None and given_since > today:
        raise InputError("is in the future", field="since", value=since, fix="give a day on or before today")
    inboxes = _chosen(session, inbox_names)
    tracker = session.tracker(db_path)
    # The tracked numbers are parsed (with phonenumbers) only if an inbox reads them or a
    # message comes from a number; your number's country, which reads those written without
    # a code, only if one is.
    matcher = syncing.Matcher(tracker.store, lambda: _region(session.config.profile.get("phone")))
    watch = _watch(matcher)
    if not watch.addresses and not watch.phones:
        raise InputError("no tracked contact has an email address or a phone number, so sync has nothing to "
                         "look for; add one: followup-script contact edit NAME --email ADDRESS")
    results, unreadable = [], []
    for inbox in inboxes:
        start = given_since or _default_since(last_sync(tracker.store, inbox.name), today)
        seen = 0
        for event in inbox.events(session.config, start, watch):
            seen += 1
            if seen % PROGRESS_EVERY == 0 and sys.stderr.isatty() and not as_json:
                click.echo(f"\r{inbox.name}: {seen} messages read", err=True, nl=False)
            if event is None:
                continue
            if not hasattr(event, "kind"):  # an Unreadable message: said, and skipped
                unreadable.append(event)
                continue
            try:
                found = syncing.apply(tracker, matcher, event, today, dry_run=dry_run)
            except InputError as exc:  # a touch the tracker refuses (a date it cannot take): said, skipped
                unreadable.append(_Skipped(f"{inbox.name} {event.message_id}", str(exc)))
                continue
            if found.action is not None and not found.recorded_before:
                results.append(found)
        if seen >= PROGRESS_EVERY and sys.stderr.isatty() and not as_json:
            click.echo("", err=True)
        if not dry_run:
            set_last_sync(tracker.store, inbox.name, today)
    _report(results, unreadable, [i.name for i in inboxes], dry_run, as_json)
    if not (dry_run or as_json) and sys.stdin.isatty() and sys.stdout.isatty():
        _ask(tracker, results, today)


class _Skipped:
    """A message the tracker would not log (a date it refuses): said, and skipped."""

    why = "could not be logged"

    def __init__(self, where: str, problem: str) -> None:
        self.where, self.problem = where, problem


def _ask(tracker, results: list, today: dt.date) -> None:
    """On a terminal: take the snooze an out-of-office offers, and confirm a request to stop
    (the default is no: a stop is never guessed); without one, the lines say the commands."""
    from followup_script.engine.stages import human_date

    for found in results:
        name = found.contact.name if found.contact is not None else None
        if name and found.action == "snooze-offered":
            back = found.event.back_on
            if click.confirm(f"Snooze {name} until {human_date(back)}?", default=True):
                tracker.snooze(name, back, "out of the office (found by sync)", today=today)
                click.echo(f"snoozed {name} until {human_date(back)}")
        elif name and found.action == "confirm-stop":
            if click.confirm(f"Mark {name} stop (nothing more is sent to them, on any channel)?", default=False):
                tracker.stop(name, today, "asked to stop by email (found by sync)")
                click.echo(f"stopped {name}")


def _chosen(session: Session, names: tuple[str, ...]) -> list:
    """The inboxes to read: those named, else every one the config sets up."""
    registered = session.plugins.inboxes
    session.report(session.plugins)
    if names:
        unknown = [n for n in names if n not in registered]
        if unknown:
            from followup_script.engine.grammar import choice_fix

            fix = choice_fix(unknown[0], sorted(registered)) if registered else "use one of: none"
            raise InputError("is not an inbox", field="inbox", value=unknown[0], fix=fix)
        return [registered[n] for n in dict.fromkeys(names)]
    found = [inbox for inbox in registered.values() if inbox.configured(session.config)]
    if not found:
        raise InputError("no inbox is set up for sync; add an [imap] table to the config (host, user, "
                         "password_command: see docs/inbox.md), or name one with --inbox")
    return found


def _region(phone: str | None) -> str:
    """The country your own number is in: tracked numbers written without a country code
    are read as numbers of that country (US when your profile has no number)."""
    if phone:
        import phonenumbers

        try:
            return phonenumbers.region_code_for_number(phonenumbers.parse(str(phone), "US")) or "US"
        except phonenumbers.NumberParseException:
            pass
    return "US"


def _watch(matcher):
    from followup_script.inbox import Watch

    return Watch(**matcher.watched(numbers_now=False))


def _default_since(last: str | None, today: dt.date) -> dt.date:
    if last:
        return min(dt.date.fromisoformat(last), today) - dt.timedelta(days=OVERLAP_DAYS)
    return today - dt.timedelta(days=DEFAULT_DAYS)


def _report(results: list, unreadable: list, inbox_names: list[str], dry_run: bool, as_json: bool) -> None:
    from followup_script.present.sync import sync_lines

    if as_json:
        click.echo(json.dumps({"dry_run": dry_run, "inboxes": inbox_names,
                               "events": [r.to_dict() for r in results],
                               "unreadable": [{"where": u.where, "problem": u.problem} for u in unreadable]},
                              ensure_ascii=False, indent=2))
        return
    for line in sync_lines(results, dry_run):
        click.echo(line)
    for item in unreadable:
        why = getattr(item, "why", "cannot be read")
        click.echo(f"followup-script: warning: skipped the message {item.where}, which {why} "
                   f"({item.problem})", err=True)
