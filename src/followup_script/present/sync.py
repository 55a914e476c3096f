"""What ``sync`` found, in words: one line per contact it touched, then a count."""

from __future__ import annotations

import datetime as dt

from followup_script.engine.stages import human_date
from followup_script.present.shell import shell_quote

__all__ = ["replied_line", "sync_lines"]
RECENT_DAYS = 7  # how far back due and the wizard mention replies sync found
REPLIED_SHOWN = 3  # the newest replies named in that one line; the rest are counted

_COUNTED = {  # action: (one, many)
    "replied": ("reply logged", "replies logged"),
    "delivered": ("sent draft logged", "sent drafts logged"),
    "already-logged": ("sent message already logged", "sent messages already logged"),
    "snooze-offered": ("auto-reply (snooze offered)", "auto-replies (snooze offered)"),
    "auto-reply": ("auto-reply", "auto-replies"),
    "bounced": ("bounce", "bounces"),
    "stopped": ("stop", "stops"),
    "confirm-stop": ("stop request to confirm", "stop requests to confirm"),
    "already-stopped": ("message from a stopped contact", "messages from stopped contacts"),
}


def _line(found, dry_run: bool) -> str | None:
    action = found.action
    if found.contact is None:
        return None
    name = found.contact.name
    event = found.event
    day = event.at.date()
    would = "would be " if dry_run else ""
    if action == "replied":
        return f"{name}: replied on {human_date(day)} (found by sync): {would}logged; the follow-ups stop"
    if action == "delivered":
        return f"{name}: {found.detail} (found by sync): {would}logged"
    if action == "snooze-offered":
        back: dt.date = event.back_on
        return (f"{name}: out of the office until {human_date(back)}; to wait until then: "
                f"followup-script snooze {shell_quote(name)} --until {back.isoformat()}")
    if action == "auto-reply":
        return f"{name}: an automatic reply on {human_date(day)}; nothing logged"
    if action == "bounced":
        return (f"{name}: {found.detail} on {human_date(day)}; check the address: "
                f"followup-script contact edit {shell_quote(name)} --email NEW")
    if action == "stopped":
        return f"{name}: opted out by SMS on {human_date(day)}: {would}marked stop; nothing more is sent"
    if action == "confirm-stop":
        return (f"{name}: replied on {human_date(day)} and may ask to stop ({event.excerpt!r}); "
                f"if so: followup-script stop {shell_quote(name)}")
    if action == "already-stopped":
        return f"{name}: wrote on {human_date(day)}; marked stop already, nothing logged"
    return None


def replied_line(found: list[tuple[str, str]]) -> str | None:
    """``due`` and the wizard: who replied lately, as sync found (name, day), in one line."""
    if not found:
        return None
    said = ", ".join(f"{name} on {human_date(dt.date.fromisoformat(day))} (found by sync)"
                     for name, day in found[:REPLIED_SHOWN])
    more = len(found) - REPLIED_SHOWN
    return f"Replied: {said}" + (f", and {more} more" if more > 0 else "")


def _counted(action: str, n: int, dry_run: bool) -> str:
    words = _COUNTED[action][0 if n == 1 else 1]
    if dry_run and action in ("replied", "delivered"):  # nothing was logged: "2 replies to log"
        words = words.removesuffix(" logged") + " to log"
    return f"{n} {words}"


def sync_lines(results: list, dry_run: bool = False) -> list[str]:
    """The lines ``sync`` prints for what it did (or, in a dry run, would do)."""
    lines = [line for line in (_line(found, dry_run) for found in results) if line]
    counts: dict[str, int] = {}
    for found in results:
        counts[found.action] = counts.get(found.action, 0) + 1
    parts = [_counted(action, n, dry_run) for action, n in counts.items() if action in _COUNTED]
    head = "sync (dry run, nothing logged): " if dry_run else "sync: "
    lines.append(head + (", ".join(parts) if parts else "nothing new"))
    return lines
