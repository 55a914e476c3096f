"""What an agreed call asks of the user before the call: a written confirmation the day the
time was agreed (``Plan.confirm_on``) and, if they like, a reminder the weekday before
(``Plan.remind_on``). The ``due`` queue lists them as items of their own (#15), beside the
call itself, which is due on its day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from followup_script.engine.stages import History, Plan
from followup_script.tracker.history import history_of
from followup_script.tracker.store import Store

#: what each item asks, as the queue says it
TASK_WORDS = {"confirm": "confirm the call by email", "remind": "remind them"}


def _sent_since_agreed(store: Store, contact_id: int) -> list[dt.date]:
    """The days of the one-way touches logged after the call was agreed: any is taken for the
    confirmation, one on or after the reminder's day for the reminder."""
    touches = store.touches(contact_id)
    last = max((i for i, t in enumerate(touches) if t.outcome == "scheduled"), default=-1)
    return [t.at for t in touches[last + 1:]]


def agreed_tasks(store: Store, plan: Callable[[History, dt.date], Plan | None], today: dt.date,
                 limit: dt.date) -> Iterator[tuple]:
    """``(contact, history, plan, task, day)`` for each confirmation or reminder due from
    ``today`` to ``limit``, by day (read inside the caller's read transaction)."""
    found = []
    rows = store.scheduled_contacts(today.isoformat())
    try:
        for contact in rows:
            if contact.snoozed_until is not None:
                continue  # "not before the 14th": nothing before then, this either
            history = history_of(contact)
            current = plan(history, today) if history is not None else None
            if current is None or not current.active:
                continue
            sent = _sent_since_agreed(store, contact.id)
            for task, day in (("confirm", current.confirm_on), ("remind", current.remind_on)):
                if day is None or not today <= day <= limit:
                    continue
                done = bool(sent) if task == "confirm" else any(at >= day for at in sent)
                if not done:
                    found.append((contact, history, current, task, day))
    finally:
        rows.close()
    found.sort(key=lambda item: (item[4], item[0].name_key))
    return iter(found)
