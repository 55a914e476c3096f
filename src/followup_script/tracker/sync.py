"""``sync``: what an inbox found, matched to tracked contacts and logged once.

The inboxes (``followup_script.inbox``, through the ``register_inboxes`` hook) yield
events; this module takes them by duck typing (anything with ``kind``, ``inbox``,
``message_id``, ``at``, ``address``, ``phone``, ``thread``, ``key``, ``back_on``,
``excerpt`` and ``certain``), so the tracker never imports an inbox.

An event is matched to a contact (:class:`Matcher`), in this order: the
``X-Followup-Key`` of a message we delivered; the ``In-Reply-To``/``References``
ids against the Message-IDs the tracker recorded for our deliveries; the email
address (case aside, a ``+tag`` aside); the phone number (E.164). Then
(:func:`apply`), each in its own write transaction, with the event recorded by
``(inbox, message id)`` in the same one, so a rerun logs nothing twice and a run
that stops half way keeps every message it finished:

- a **reply** logs a ``replied`` touch ("found by sync"), which ends the weekly
  nudges and the snooze and cancels the calendar events;
- **sent** (a Gmail draft of ours that was sent, found by its key) dates the
  draft's delivered touch on the day it was sent (or logs one); a message the
  tracker already logged when it delivered it is only recorded;
- an **auto-reply** logs nothing; sync offers a snooze to the day they are back;
- a **bounce** marks the contact (``bounced_on``);
- a **stop-request** with an opt-out word (an SMS ``STOP``) logs ``stop``; one in
  words (an email asking to stop) logs the reply and is shown for the user to
  confirm with ``followup-script stop``: never guessed silently.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from followup_script.engine.stages import Outcome
from followup_script.tracker.checks import checked_touch
from followup_script.tracker.rows import Contact, NewTouch
from followup_script.tracker.sync_store import (
    event_recorded,
    record_event,
    set_bounce,
    sync_replies_since,
)

FOUND = "found by sync"
#: What sync did with an event (the ``action`` recorded with it).
REPLIED, DELIVERED, ALREADY, SNOOZE, AUTO, BOUNCED, STOPPED, CONFIRM, STOPPED_BEFORE = (
    "replied", "delivered", "already-logged", "snooze-offered", "auto-reply", "bounced", "stopped",
    "confirm-stop", "already-stopped")
__all__ = ["Found", "Matcher", "apply", "sync_replies_since", "watched"]


@dataclass
class Found:
    """What sync did (or, in a dry run, would do) with one event."""

    event: object
    contact: Contact | None
    action: str | None  # None: nothing to do (no contact matched, or not one of ours)
    detail: str = ""
    ambiguous: tuple[str, ...] = ()
    recorded_before: bool = False
    touch_id: int | None = None

    def to_dict(self) -> dict:
        event: Any = self.event  # an inbox Event (inbox.base: the tracker does not import it)
        return {"inbox": event.inbox, "message_id": event.message_id, "kind": event.kind,
                "at": event.at.isoformat(), "contact": self.contact.name if self.contact else None,
                "action": self.action, "detail": self.detail,
                "back_on": event.back_on.isoformat() if getattr(event, "back_on", None) else None,
                "ambiguous": list(self.ambiguous)}


def email_key(address: str | None) -> str:
    """An address as addresses are compared: case aside, and a ``+tag`` aside."""
    address = str(address or "").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local.split('+', 1)[0]}@{domain}"


def phone_key(phone: str | None, region: str | Callable[[], str] = "US") -> str | None:
    """A number in E.164 (``+15551234567``), or None when it is not one. ``region`` (or a
    function that says it) is the country a number written without its code is read in."""
    text = str(phone or "").strip()
    if not text:
        return None
    import phonenumbers  # loaded on use: sync only, and only for a contact with a number

    if text.startswith("+"):
        country = None
    else:
        country = region() if callable(region) else region
    try:
        parsed = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def watched(store, region: str | Callable[[], str] = "US") -> dict:
    """What the inboxes should look for: the tracked contacts' addresses, their numbers in
    E.164 and the Message-IDs of our deliveries (plain sets; the caller makes the Watch)."""
    return Matcher(store, region).watched()


def _receipt_ids(receipt: str | None) -> list[str]:
    try:
        data = json.loads(receipt or "{}")
    except ValueError:
        return []
    found = [data.get(k) for k in ("id", "message_id", "thread_id", "threadId", "rfc822_message_id")]
    return [str(v) for v in found if v]


class Matcher:
    """Tracked contacts by delivery key, delivered Message-ID, email address and phone,
    read once per sync (in one read transaction) so matching a 10,000-message mailbox
    costs dictionary look-ups; :meth:`watched` is what the inboxes look for, from the same
    reading. The numbers (:attr:`by_phone`, E.164) are parsed with phonenumbers, each once,
    the first time they are asked for: an inbox of email alone never loads it. ``region``
    (a country code, or a function that says it, asked only when a number has no country
    code) is where such numbers are read."""

    def __init__(self, store, region: str | Callable[[], str] = "US") -> None:
        self.store = store
        self.by_email: dict[str, list[int]] = {}
        self.by_message_id: dict[str, tuple[int, str]] = {}
        self.by_key: dict[str, tuple[int | None, str]] = {}
        self._addresses: set[str] = set()
        self._delivered_ids: set[str] = set()
        self._numbers: list[tuple[int, str]] = []  # (contact id, the number as written)
        self._by_phone: dict[str, list[int]] | None = None
        self._region = _once(region) if callable(region) else region
        with store.read():
            for contact in store.contacts():
                if contact.email:
                    self._addresses.add(contact.email.strip().lower())
                    self.by_email.setdefault(email_key(contact.email), []).append(contact.id)
                if str(contact.phone or "").strip():
                    self._numbers.append((contact.id, contact.phone))
            for key, channel, contact_id, receipt in store.conn.execute(
                    "SELECT key, channel, contact_id, receipt FROM deliveries WHERE status = 'done'"):
                self.by_key[key] = (contact_id, channel)
                for message_id in _receipt_ids(receipt):
                    self._delivered_ids.add(message_id)
                    if contact_id is not None:
                        self.by_message_id[message_id] = (contact_id, key)

    @property
    def by_phone(self) -> dict[str, list[int]]:
        """Contact ids by number (E.164), parsed on first use."""
        if self._by_phone is None:
            found: dict[str, list[int]] = {}
            for contact_id, phone in self._numbers:
                number = phone_key(phone, self._region)
                if number:
                    found.setdefault(number, []).append(contact_id)
            self._by_phone = found
        return self._by_phone

    def phones(self) -> frozenset[str]:
        """The tracked numbers, E.164 (parsed now if they were not yet)."""
        return frozenset(self.by_phone)

    def watched(self, numbers_now: bool = True) -> dict:
        """The addresses, the numbers (E.164) and the delivered Message-IDs, as :func:`watched`;
        without ``numbers_now``, the numbers are :meth:`phones` itself, to be called when they
        are read (what an inbox :class:`~followup_script.inbox.Watch` takes)."""
        return {"addresses": frozenset(self._addresses), "phones": self.phones() if numbers_now else self.phones,
                "message_ids": frozenset(self._delivered_ids)}

    def match(self, event) -> tuple[int | None, str | None, tuple[int, ...]]:
        """(contact id, the delivery key it answers or is, other candidates when unsure)."""
        key = getattr(event, "key", None)
        if key and key in self.by_key and self.by_key[key][0] is not None:
            return self.by_key[key][0], key, ()
        for message_id in (*getattr(event, "thread", ()), event.message_id, getattr(event, "thread_id", None)):
            if message_id in self.by_message_id:
                contact_id, delivery = self.by_message_id[message_id]
                return contact_id, delivery, ()
        ids: list[int] = []
        if event.address:
            ids = self.by_email.get(email_key(event.address), [])
        if not ids and getattr(event, "phone", None):
            ids = self.by_phone.get(str(event.phone), [])
        if len(ids) == 1:
            return ids[0], None, ()
        return None, None, tuple(ids)


def _once(region: Callable[[], str]) -> Callable[[], str]:
    """``region``, asked once (it may read the profile's number with phonenumbers)."""
    return cache(region)


def apply(tracker, matcher: Matcher, event, today: dt.date, dry_run: bool = False) -> Found:
    """Match ``event`` and do what it means, in one write transaction with its record
    (nothing is written in a dry run). An event recorded before is left as it was."""
    store = tracker.store
    if dry_run:
        with store.read():
            return _decide(tracker, matcher, event, today, write=False)
    with store.write():
        return _decide(tracker, matcher, event, today, write=True)


def _decide(tracker, matcher: Matcher, event, today: dt.date, write: bool) -> Found:
    store = tracker.store
    if event_recorded(store, event.inbox, event.message_id):
        return Found(event, None, None, recorded_before=True)
    contact_id, delivery_key, candidates = matcher.match(event)
    if contact_id is None:
        names = tuple(store.contact(i).name for i in candidates)
        return Found(event, None, None, "matches more than one contact" if names else "", names)
    contact = store.contact(contact_id)
    day = min(_local_day(event.at), today)
    found = _what(tracker, contact, event, delivery_key, day, today, write)
    if write and found.action is not None:
        record_event(store, event, contact.id, found.action, found.touch_id)
        found.contact = store.contact(contact.id)
    return found


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone().date() if moment.tzinfo else moment.date()


def _via(event) -> str:
    return "sms" if getattr(event, "phone", None) and not event.address else "email"


def _who(event) -> str:
    return event.address or getattr(event, "phone", None) or "?"


def _what(tracker, contact: Contact, event, delivery_key, day: dt.date, today: dt.date, write: bool) -> Found:
    kind = event.kind
    if contact.stopped and kind in ("auto-reply", "reply", "stop-request"):
        return Found(event, contact, STOPPED_BEFORE, f"marked stop since {contact.stopped_on}; nothing logged")
    if kind == "sent":
        return _sent(tracker, contact, event, delivery_key, day, today, write)
    if kind == "auto-reply":
        back = getattr(event, "back_on", None)
        if back is not None and back > today:
            return Found(event, contact, SNOOZE, f"away until {back.isoformat()}")
        return Found(event, contact, AUTO, "an automatic reply; nothing logged")
    if kind == "bounce":
        if write:
            set_bounce(tracker.store, contact.id, day, f"a message to {_who(event)} bounced ({FOUND})")
        return Found(event, contact, BOUNCED, f"a message to {_who(event)} bounced")
    if kind == "stop-request" and getattr(event, "certain", False):
        found = Found(event, contact, STOPPED, f"sent {event.excerpt or 'STOP'!r}: marked stop")
        return _log(tracker, found, contact, Outcome.STOP, _via(event), day, today,
                    f"{FOUND}: {_via(event)} opt-out from {_who(event)}", write)
    if kind == "stop-request":
        found = Found(event, contact, CONFIRM, f"asked to stop? {event.excerpt!r}")
        return _log(tracker, found, contact, Outcome.REPLIED, _via(event), day, today,
                    f"{FOUND}: reply from {_who(event)} that may ask to stop", write)
    found = Found(event, contact, REPLIED, f"replied on {day.isoformat()}")
    return _log(tracker, found, contact, Outcome.REPLIED, _via(event), day, today,
                f"{FOUND}: reply from {_who(event)}", write)


def _log(tracker, found: Found, contact: Contact, outcome: Outcome, via: str, day: dt.date,
         today: dt.date, note: str, write: bool) -> Found:
    if write:
        touch = checked_touch(NewTouch(outcome.value, day, via, None, note), today)
        logged = tracker._log(contact, touch, today)
        found.touch_id = logged.touch.id
    return found


def _sent(tracker, contact: Contact, event, delivery_key, day, today, write) -> Found:
    """A message of ours seen in Sent: a Gmail draft sent (its key) dates its touch."""
    store = tracker.store
    if delivery_key is None:
        return Found(event, contact, None, "not a message followup-script delivered")
    delivery = store.delivery(delivery_key)
    if delivery is not None and event.key != delivery_key:
        return Found(event, contact, ALREADY, f"delivered by {delivery.channel} and logged then")
    channel = delivery.channel if delivery is not None else "email"
    touch = _delivery_touch(store, contact, channel, delivery)
    note = f"sent on {day.isoformat()} ({FOUND})"
    found = Found(event, contact, DELIVERED, f"the {channel} draft was sent on {day.isoformat()}")
    if not write:
        return found
    if touch is not None:
        store.update_touch(touch.id, day, touch.via, touch.outcome, touch.next_at, f"{touch.note}; {note}")
        found.touch_id = touch.id
        tracker.refresh(store.contact(contact.id))
    else:
        checked = checked_touch(NewTouch(Outcome.NO_ANSWER.value, day, "email", None,
                                         f"delivered by {channel}: {note}"), today)
        found.touch_id = tracker._log(contact, checked, today).touch.id
    return found


def _delivery_touch(store, contact: Contact, channel: str, delivery):
    """The touch the delivery logged ("delivered by gmail: <draft id>"), if it is still there."""
    receipt = json.loads(delivery.receipt or "{}") if delivery is not None else {}
    marker = f"delivered by {channel}: {receipt.get('id')}" if receipt.get("id") else None
    for touch in reversed(store.touches(contact.id)):
        if marker and (touch.note or "").startswith(marker) and FOUND not in (touch.note or ""):
            return touch
    return None
