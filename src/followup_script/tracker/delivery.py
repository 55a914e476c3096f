"""Delivering a follow-up exactly once, and logging it (docs/reliability.md).

Each delivery is recorded by its idempotency key (``Scriptwriter.delivery_key``)
in the tracker file: 'pending' before the channel is called, 'done' with the
receipt after it, 'failed' with the error. The functions here take the
:class:`~followup_script.tracker.service.Tracker` and a writer (a
``Scriptwriter``: ``config``, ``delivery_key``, ``deliver``) by duck typing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from followup_script.engine.stages import Outcome
from followup_script.errors import DeliveryUnknown, InputError
from followup_script.tracker.deadline import DeliveryTimeout, deadline, delivery_timeout
from followup_script.tracker.rows import Contact, NewTouch


@dataclass
class Delivered:
    """What :func:`deliver_once` did: a receipt, or the earlier delivery it found."""

    key: str
    receipt: object | None
    contact: Contact | None
    already: object | None = None

    def earlier_receipt(self) -> dict:
        return json.loads(self.already.receipt or "{}") if self.already is not None else {}


def record_delivery(tracker, contact: Contact, via: str, at: dt.date, note: str) -> Contact:
    """After a delivery: a no-answer touch, in the caller's write transaction."""
    tracker.store.add_touch(contact.id, at, via, Outcome.NO_ANSWER.value, None, note)
    return tracker.refresh(tracker.store.contact(contact.id))


def deliver_once(tracker, writer, message, contact: Contact | None = None, via: str | None = None,
                 today: dt.date | None = None, resend: bool = False) -> Delivered:
    """Deliver ``message`` at most once per idempotency key.

    1. In its own committed transaction: refuse a stopped or changed contact,
       return the earlier receipt when the key is already 'done' (unless
       ``resend``), and record the key as 'pending'.
    2. Under the write lock (so a stop that lands meanwhile wins): deliver,
       log the touch (when ``contact`` is given) and mark the key 'done'.

    A crash between the two leaves the key 'pending'; the next attempt hands
    ``previous_attempt="interrupted"`` to the channel, which checks the
    service before creating anything. An error marks it 'failed' (a timeout
    leaves it 'pending': the outcome is unknown).
    """
    timeout = delivery_timeout(writer.config)  # [delivery] timeout_seconds
    today = today or dt.date.today()
    key = writer.delivery_key(message)
    store = tracker.store
    with store.write():
        before = store.contact(contact.id) if contact is not None else None
        if before is not None:
            if before.revision != contact.revision:
                if before.stopped:
                    writer.deliver(message, stopped=True)
                raise InputError(f"{contact.name} changed while this script was being written; "
                                 "run the command again")
            if before.stopped:
                writer.deliver(message, stopped=True)  # raises StoppedError, records nothing
        previous = store.delivery(key)
        if previous is not None and previous.status == "done" and not resend:
            return Delivered(key, None, contact, already=previous)
        attempt = None
        if previous is not None and not resend and previous.status != "done":
            attempt = "interrupted" if previous.status == "pending" else "failed"
        store.start_delivery(key, message.channel, contact.id if contact is not None else None)
    try:
        with store.write():
            now = store.contact(contact.id) if contact is not None else None
            if now is not None and now.revision != before.revision:
                if now.stopped:
                    writer.deliver(message, stopped=True)
                raise InputError(f"{contact.name} changed while this was being delivered; "
                                 "run the command again")
            with deadline(timeout, message.channel):
                receipt = writer.deliver(message, stopped=bool(now and now.stopped),
                                         previous_attempt=attempt)
            where = receipt.id or receipt.url or receipt.path or receipt.detail or "no id"  # for the note
            if now is not None:
                now = tracker.record_delivery(now, via or "call", today,
                                              f"delivered by {message.channel}: {where}")
                if receipt.contact_stopped:
                    store.set_stop(now.id, today, f"{message.channel} reported they opted out ({where})")
                    now = store.contact(now.id)
            if receipt.contact_stopped:
                store.finish_delivery(key, "failed", error=f"opted out: {receipt.detail}")
            else:
                store.finish_delivery(key, "done", receipt=json.dumps(receipt.to_dict()))
    except (DeliveryTimeout, DeliveryUnknown):
        raise  # unknown outcome: the key stays 'pending'
    except BaseException as exc:
        if isinstance(exc, Exception):
            with store.write():
                store.finish_delivery(key, "failed", error=" ".join(str(exc).split())[:500])
        raise
    return Delivered(key, receipt, now)


def record_and_deliver(tracker, writer, message, contact: Contact | None = None, *,
                       fields: dict | None = None, touches: Sequence[NewTouch] = (),
                       via: str | None = None, today: dt.date | None = None,
                       resend: bool = False) -> Delivered:
    """Record what happened last, then deliver ``message`` exactly once (:func:`deliver_once`).

    First, in one committed transaction, :meth:`Tracker.record` adds the new
    contact ``fields`` (when ``contact`` is None) and logs ``touches``. If the
    delivery then fails in any way (an error, a refusal, a timeout, Ctrl-C),
    what was recorded here is taken back before the error goes on, so nothing
    of it is kept; the delivery key keeps its own record ('failed' or 'pending').
    """
    recorded = tracker.record(contact, fields=fields, touches=touches, today=today)
    try:
        return tracker.deliver_once(writer, message, recorded.contact, via=via, today=today, resend=resend)
    except BaseException:
        tracker.take_back(recorded)
        raise
