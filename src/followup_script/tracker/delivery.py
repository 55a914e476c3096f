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
import re
from collections.abc import Sequence
from dataclasses import dataclass

from followup_script.engine.stages import Outcome
from followup_script.errors import DeliveryUnknown, InputError, StoppedError
from followup_script.tracker.deadline import DeliveryTimeout, deadline, delivery_timeout
from followup_script.tracker.names import compact, fold
from followup_script.tracker.rows import Contact, Delivery, NewTouch


@dataclass
class Delivered:
    """What :func:`deliver_once` did: a receipt, or the earlier delivery it found."""

    key: str
    receipt: object | None
    contact: Contact | None
    already: Delivery | None = None

    def earlier_receipt(self) -> dict:
        return json.loads(self.already.receipt or "{}") if self.already is not None else {}


def record_delivery(tracker, contact: Contact, via: str, at: dt.date, note: str) -> Contact:
    """After a delivery: a no-answer touch, in the caller's write transaction."""
    tracker.store.add_touch(contact.id, at, via, Outcome.NO_ANSWER.value, None, note)
    return tracker.refresh(tracker.store.contact(contact.id))


def deliver_once(tracker, writer, message, contact: Contact | None = None, via: str | None = None,
                 today: dt.date | None = None, resend: bool = False) -> Delivered:
    """Deliver ``message`` at most once per idempotency key; never hold a transaction
    across the channel's network send.

    1. In its own committed transaction: refuse a stopped or changed contact (with no
       ``contact``, any tracked contact the message goes to who said stop, by email,
       phone or name: :func:`stopped_recipient`), return the earlier receipt when the key
       is already 'done' (unless ``resend``), and record the key as 'pending'.
    2. With no transaction open (so ``stop`` and every other command run meanwhile, not
       waiting for the network): the channel delivers, within ``[delivery] timeout_seconds``.
    3. In a new transaction: log the touch (when ``contact`` is given and still exists)
       and mark the key 'done' with the receipt. A stop that landed during the delivery
       wins: it stays, the touch only records what was sent. If logging fails, the key is
       marked 'done' on its own: once delivered, never delivered again.

    A crash or Ctrl-C during 2 leaves the key 'pending' (the outcome is unknown; the
    next attempt hands ``previous_attempt="interrupted"`` to the channel, which checks the
    service before creating anything, and Ctrl-C's ``KeyboardInterrupt`` carries
    ``what_is_known`` for the message). An error marks it 'failed'; a timeout leaves it
    'pending'. An error raised after the message went carries ``delivered`` (the receipt).
    """
    timeout = delivery_timeout(writer.config)  # [delivery] timeout_seconds
    today = today or dt.date.today()
    key = writer.delivery_key(message)
    store = tracker.store
    with store.write():
        if contact is not None:
            before = store.contact(contact.id)
            if before.stopped:
                writer.deliver(message, stopped=True)  # raises StoppedError, records nothing
            if before.revision != contact.revision:
                raise InputError(f"{contact.name} changed while this script was being written; "
                                 "run the command again")
        else:
            refuse_if_stopped(tracker, writer, message)
        previous = store.delivery(key)
        if previous is not None and previous.status == "done" and not resend:
            return Delivered(key, None, contact, already=previous)
        attempt = None
        if previous is not None and not resend and previous.status != "done":
            attempt = "interrupted" if previous.status == "pending" else "failed"
        store.start_delivery(key, message.channel, contact.id if contact is not None else None)
    # -- the send: no transaction is open ---------------------------------------------------
    try:
        with deadline(timeout, message.channel):
            receipt = writer.deliver(message, previous_attempt=attempt)
    except (DeliveryTimeout, DeliveryUnknown):
        raise  # unknown outcome: the key stays 'pending'
    except Exception as exc:
        delivered = getattr(exc, "delivered", None)  # a BadReceipt: it went all the same
        if delivered is None:
            with store.write():
                store.finish_delivery(key, "failed", error=_one_line(str(exc)))
            raise
        _record_result(tracker, key, message, contact, delivered, via, today, exc)
        raise
    except BaseException as exc:  # Ctrl-C: it may have reached the service; the key stays 'pending'
        note_known(exc, f"the delivery by {message.channel} was under way, so it may or may not have "
                   "arrived (its key is kept as pending); run the same command again and "
                   "followup-script checks before delivering twice")
        raise
    now = _record_result(tracker, key, message, contact, receipt, via, today)
    return Delivered(key, receipt, now)


def _record_result(tracker, key: str, message, contact: Contact | None, receipt, via, today,
                   error: BaseException | None = None) -> Contact | None:
    """After the channel delivered: log the touch and mark ``key`` done, in one transaction;
    if that fails (the contact was removed, the disk is full, Ctrl-C), mark ``key`` done on
    its own, and let the error go on saying the message was delivered."""
    store = tracker.store
    where = receipt.id or receipt.url or receipt.path or receipt.detail or "no id"
    try:
        with store.write():
            now = store.contact_by_uid(contact.uid) if contact is not None else None
            if now is not None:
                now = tracker.record_delivery(now, via or "call", today, f"delivered by {message.channel}: {where}")
                if receipt.contact_stopped and not now.stopped:
                    store.set_stop(now.id, today, f"{message.channel} reported they opted out ({where})")
                    now = store.contact(now.id)
            _finish(store, key, message, receipt)
    except BaseException as exc:
        try:
            with store.write():
                _finish(store, key, message, receipt)
        except BaseException:
            pass  # nothing more can be written; the error below says it was delivered
        note_known(exc, f"it was delivered by {message.channel} ({where}) but could not be logged in "
                   "the tracker; do not deliver it again")
        _mark(exc, "delivered", receipt)
        raise
    if error is not None:
        note_known(error, f"it was delivered by {message.channel} ({where}) and logged")
        _mark(error, "delivered", receipt)
    return now


def _finish(store, key: str, message, receipt) -> None:
    if store.delivery(key) is None:  # its row went with a contact removed meanwhile
        store.start_delivery(key, message.channel, None)
    if receipt.contact_stopped:
        store.finish_delivery(key, "failed", error=_one_line(f"opted out: {receipt.detail}"))
    else:
        record = receipt.to_dict()
        record.update(email_record(message, receipt))
        store.finish_delivery(key, "done", receipt=json.dumps(record))


def email_record(message, receipt) -> dict:
    """What the tracker keeps of a delivered email, so the next weekly nudge replies in its
    thread: ``subject`` as sent, ``message_id`` (the receipt's, else the one the email was
    built with), ``references`` (the ids it answered) and ``thread_id`` (a service's
    conversation id). Empty for a message that is not an email."""
    if not getattr(message, "is_email", False) or not getattr(message, "subject", None):
        return {}
    out = {"subject": message.subject}
    message_id = getattr(receipt, "message_id", None) or getattr(message, "message_id", None)
    if message_id:
        out["message_id"] = message_id
    thread = getattr(message, "thread", None)
    if thread is not None:
        out["references"] = list(thread.reply_references())
        if thread.thread_id and not getattr(receipt, "thread_id", None):
            out["thread_id"] = thread.thread_id
    return out


def email_thread(tracker, contact: Contact) -> dict | None:
    """The last email delivered to ``contact``, as :func:`email_record` kept it: ``subject``,
    ``message_id``, ``references``, ``thread_id``; None when none was. Handed to
    ``Scriptwriter.write(thread=...)``. The last is the newest one no other email answered
    (the end of the chain: deliveries a second apart have the same time), by time after that."""
    emails: list[tuple[str, int, dict]] = []
    for found in tracker.store.deliveries_of(contact.id):
        try:
            record = json.loads(found.receipt) if found.status == "done" and found.receipt else None
        except ValueError:
            record = None
        if isinstance(record, dict) and record.get("subject") and (
                record.get("message_id") or record.get("thread_id")):
            emails.append((found.finished_at or found.started_at or "", len(emails), record))
    answered = {ref for _, _, record in emails for ref in record.get("references") or ()}
    ends = [item for item in emails if item[2].get("message_id") not in answered] or emails
    if not ends:
        return None
    record = max(ends, key=lambda item: item[:2])[2]
    return {key: record.get(key) for key in ("subject", "message_id", "references", "thread_id")}


def _mark(exc: BaseException, name: str, value: object) -> None:
    """Give an error an attribute it does not declare (``delivered``, ``what_is_known``)."""
    setattr(exc, name, value)


def note_known(exc: BaseException, known: str) -> None:
    """What is known about the delivery, for the message the error ends in (``what_is_known``)."""
    if getattr(exc, "what_is_known", None) is None:
        try:
            _mark(exc, "what_is_known", known)
        except AttributeError:  # pragma: no cover - an exception that takes no attributes
            pass


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def stopped_recipient(store, fields: dict) -> Contact | None:
    """A tracked contact marked stop whom ``fields`` (a message's contact: name, email,
    phone) names: the same email (case aside), the same phone number (its digits, a
    country code aside) or the same name as names are compared (:mod:`~followup_script.tracker.names`:
    case, accents, apostrophes, punctuation and spaces aside). Inside the caller's transaction."""
    email = str(fields.get("email") or "").strip().casefold()
    phone = _digits(fields.get("phone"))
    name = compact(fold(str(fields.get("name") or "")))
    if not (email or phone or name):
        return None
    for found in store._contacts("WHERE stopped_on IS NOT NULL"):
        if email and (found.email or "").strip().casefold() == email:
            return found
        if phone and _same_phone(phone, _digits(found.phone)):
            return found
        if name and compact(found.name_fold or fold(found.name)) == name:
            return found
    return None


def refuse_if_stopped(tracker, writer, message) -> None:
    """Raise StoppedError (exit 4) when the message goes to a tracked contact marked stop
    (:func:`stopped_recipient`); before any plugin code runs."""
    found = stopped_recipient(tracker.store, message.contact)
    if found is None:
        return
    try:
        writer.deliver(message, stopped=True)
    except StoppedError:
        raise StoppedError(
            f"{found.label()} is marked stop in the tracker {tracker.store.path} (since "
            f"{found.stopped_on}); nothing was delivered (followup-script unstop "
            f"{_shell_word(found.name)} only if they ask you to resume)") from None


def _digits(phone) -> str:
    return re.sub(r"\D", "", str(phone or ""))


def _same_phone(a: str, b: str) -> bool:
    """The same number, one written with its country code and one without (7+ digits)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 7 and long.endswith(short) and len(long) - len(short) <= 3


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


def record_and_deliver(tracker, writer, message, contact: Contact | None = None, *,
                       fields: dict | None = None, touches: Sequence[NewTouch] = (),
                       via: str | None = None, today: dt.date | None = None,
                       resend: bool = False) -> Delivered:
    """Record what happened last, then deliver ``message`` exactly once (:func:`deliver_once`).

    First, in one committed transaction, :meth:`Tracker.record` adds the new
    contact ``fields`` (when ``contact`` is None) and logs ``touches``. If the
    delivery then fails in any way (an error, a refusal, a timeout, Ctrl-C),
    what was recorded here is taken back before the error goes on, so nothing
    of it is kept; the delivery key keeps its own record ('failed' or 'pending'). An error
    raised after the message went (it carries ``delivered``) keeps it: it was sent.
    """
    recorded = tracker.record(contact, fields=fields, touches=touches, today=today)
    try:
        return tracker.deliver_once(writer, message, recorded.contact, via=via, today=today, resend=resend)
    except BaseException as exc:
        if getattr(exc, "delivered", None) is None:  # delivered: what was told is kept with it
            tracker.take_back(recorded)
        raise
