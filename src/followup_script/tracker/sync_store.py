"""The SQL of ``sync`` (schema 6, :mod:`~followup_script.tracker.migrations`): the events
it recorded, by ``(inbox, message id)``, and a bounce on a contact."""

from __future__ import annotations

import datetime as dt

from followup_script.tracker.rows import now_stamp


def event_recorded(store, inbox: str, message_id: str) -> bool:
    """Whether ``inbox`` recorded ``message_id``; an email's Message-ID (``<...>``) is the same
    message whichever inbox saw it (Gmail read over IMAP and through its API): once for all."""
    return store.conn.execute(
        "SELECT 1 FROM inbox_events WHERE message_id = ? AND (inbox = ? OR message_id LIKE '<%>') LIMIT 1",
        (message_id, inbox)).fetchone() is not None


def record_event(store, event, contact_id: int | None, action: str, touch_id: int | None) -> None:
    store.conn.execute(
        "INSERT INTO inbox_events (inbox, message_id, kind, contact_id, at, action, touch_id, seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (event.inbox, event.message_id, event.kind, contact_id, event.at.isoformat(), action, touch_id,
         now_stamp()))


def set_bounce(store, contact_id: int, on: dt.date, note: str) -> None:
    store.conn.execute("UPDATE contacts SET bounced_on = ?, bounce_note = ?, revision = revision + 1, "
                       "updated_at = ? WHERE id = ?", (on.isoformat(), note, now_stamp(), contact_id))


def sync_replies_since(store, since: dt.date) -> list[tuple[str, str]]:
    """(contact name, day) of each reply sync logged on or after ``since``, newest first
    (none from a tracker file older than schema 6: it has no inbox events)."""
    with store.read():
        return [(name, at) for name, at in store.conn.execute(
            "SELECT c.name, t.at FROM inbox_events e JOIN touches t ON t.id = e.touch_id "
            "JOIN contacts c ON c.id = e.contact_id WHERE e.action IN ('replied', 'confirm-stop') "
            "AND t.at >= ? ORDER BY t.at DESC, c.name_key", (since.isoformat(),))]


def last_sync(store, inbox: str) -> str | None:
    """The day the last complete sync of ``inbox`` ran (the meta table)."""
    return store.get_meta(f"sync.{inbox}.last")


def set_last_sync(store, inbox: str, day: dt.date) -> None:
    with store.write():
        store.set_meta(f"sync.{inbox}.last", day.isoformat())
