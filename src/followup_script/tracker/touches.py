"""Correcting the history: list a contact's touches, edit one, undo the last one.

Each change runs in one write transaction and then re-derives the contact's
cached state (``Tracker.refresh``: the plan's input, the due key) and bumps its
revision (the calendar's ``SEQUENCE``; a delivery in progress sees the change
and stops). An edited touch is checked as ``log`` checks a new one.

The stop flag follows the touch that set it: undoing a ``stop`` touch, or
editing it to another outcome, lifts the flag (the command line asks first);
editing a touch to ``stop`` sets it, as ``log`` does.

Deliveries are recorded by their idempotency key, not by touch
(:mod:`~followup_script.tracker.delivery`), so undoing or editing the touch a
delivery logged never forgets that the message went: delivering the same
follow-up again finds the key 'done' and sends nothing (``--resend`` sends it
anyway). :func:`delivery_of` finds the delivery a touch recorded, to say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from followup_script.engine.stages import Outcome, Plan, parse_choice
from followup_script.errors import InputError
from followup_script.tracker.checks import checked_touch
from followup_script.tracker.rows import Contact, Delivery, NewTouch, Touch

DELIVERED = "delivered by "  # how a delivery's touch note starts (tracker.delivery.deliver_once)
KEEP = object()  # edit_touch: leave this value as it is


@dataclass
class Changed:
    """What :func:`undo` or :func:`edit_touch` did: the touch as it was (``before``) and as
    it is (``after``, None once removed), the contact and its plan now, whether the stop
    flag was set or lifted, and the delivery the touch recorded, if any."""

    contact: Contact
    before: Touch
    after: Touch | None
    plan: Plan | None
    stop_set: bool = False
    stop_lifted: bool = False
    delivery: Delivery | None = None


def delivery_of(store, contact: Contact, touch: Touch) -> Delivery | None:
    """The delivery ``touch`` recorded (its note names the channel), or None."""
    note = touch.note or ""
    if touch.outcome != Outcome.NO_ANSWER or not note.startswith(DELIVERED):
        return None
    channel = note[len(DELIVERED):].partition(":")[0]
    done = [d for d in store.deliveries_of(contact.id) if d.channel == channel and d.status == "done"]
    return done[-1] if done else None


def touches_of(tracker, name: str) -> tuple[Contact, list[Touch]]:
    """``Tracker.touches``: the contact and its touches, oldest first."""
    with tracker.store.read():
        contact = tracker.find(name)
        return contact, tracker.store.touches(contact.id)


def last_touch(tracker, name: str) -> tuple[Contact, Touch, Delivery | None]:
    """``Tracker.last_touch``: the touch :func:`undo` would remove (the one logged last,
    whatever its date), and the delivery it recorded."""
    with tracker.store.read():
        contact = tracker.find(name)
        touch = tracker.store.last_logged_touch(contact.id)
        if touch is None:
            raise InputError(f"{contact.label()} has no touches to undo; see followup-script contact show "
                             f"{contact.name!r}")
        return contact, touch, delivery_of(tracker.store, contact, touch)


def undo(tracker, name: str, today: dt.date | None = None, touch_id: int | None = None) -> Changed:
    """``Tracker.undo``: remove the touch logged last with ``name`` (when ``touch_id`` is
    given, only if it is still that one). A ``stop`` touch takes the stop flag with it."""
    today = today or dt.date.today()
    store = tracker.store
    with store.write():
        contact, touch, delivery = last_touch(tracker, name)
        if touch_id is not None and touch.id != touch_id:
            raise InputError(f"the last touch with {contact.label()} changed meanwhile; run the command again")
        store.remove_touch(touch.id)
        lifted = touch.outcome == Outcome.STOP and contact.stopped
        if lifted:
            store.set_stop(contact.id, None, None)
        contact = tracker.refresh(store.contact(contact.id))
    return Changed(contact, touch, None, tracker.plan_for(contact, today), stop_lifted=lifted,
                   delivery=delivery)


def touch_by_id(tracker, touch_id: int) -> tuple[Contact, Touch, Delivery | None]:
    """``Tracker.touch``: a touch by its id, with its contact and the delivery it recorded."""
    with tracker.store.read():
        touch = tracker.store.touch(touch_id)
        contact = tracker.store.contact(touch.contact_id)
        return contact, touch, delivery_of(tracker.store, contact, touch)


def edit_touch(tracker, touch_id: int, *, at=KEEP, via=KEEP, outcome=KEEP, next_at=KEEP, note=KEEP,
               today: dt.date | None = None) -> Changed:
    """``Tracker.edit_touch``: change what touch ``touch_id`` says; the values not given are
    kept, except that an agreed time goes when the outcome changes to one without it.
    Checked as ``Tracker.log`` checks a touch (errors name the field)."""
    today = today or dt.date.today()
    store = tracker.store
    with store.write():
        contact, before, delivery = touch_by_id(tracker, touch_id)
        if next_at is KEEP and outcome is not KEEP and \
                parse_choice(Outcome, outcome, "outcome") is not Outcome.SCHEDULED:
            next_at = None
        wanted = NewTouch(before.outcome if outcome is KEEP else outcome, before.at if at is KEEP else at,
                          before.via if via is KEEP else via, before.next_at if next_at is KEEP else next_at,
                          before.note if note is KEEP else note)
        touch = checked_touch(wanted, today)
        # checked_touch gives an Outcome
        after = store.update_touch(touch_id, touch.at, touch.via, cast(Outcome, touch.outcome).value, touch.next_at,
                                   touch.note)
        was_stop, is_stop = before.outcome == Outcome.STOP, touch.outcome is Outcome.STOP
        stop_set = is_stop and not was_stop and not contact.stopped
        stop_lifted = was_stop and not is_stop and contact.stopped
        if stop_set:
            store.set_stop(contact.id, touch.at, touch.note or f"said stop ({touch.via})")
        elif stop_lifted:
            store.set_stop(contact.id, None, None)
        contact = tracker.refresh(store.contact(contact.id))
    return Changed(contact, before, after, tracker.plan_for(contact, today), stop_set, stop_lifted, delivery)
