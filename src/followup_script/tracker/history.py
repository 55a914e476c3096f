"""From stored touches to the engine's input: a :class:`~followup_script.engine.stages.History`.

How a touch history becomes the engine's input (commitments are state, not
the last row):

- a touch is a *conversation* when its outcome is ``scheduled``, ``no-time``,
  ``no-commitment``, ``replied`` or ``stop`` (whatever the via: a reply by email
  is a conversation, and an application or a resume sent with nothing agreed
  is ``no-commitment``); a touch with the outcome ``no-answer`` is a *one-way
  touch*, a follow-up attempt (a voicemail left, an email or SMS unanswered, the
  confirmation you sent of an agreed call);
- the last conversation sets the open commitment and a one-way touch never
  replaces it: while a call agreed in it (``scheduled``, with a time or a day
  alone) is still ahead, one-way touches dated before the agreed day leave it
  open, and the engine's input is that conversation (its date, ``scheduled``,
  the agreed time, no attempts). A one-way touch on the agreed day or later
  is that call's own attempt, so the weekly rhythm runs from it;
- otherwise the last touch decides: ``last_contact`` is its date, and
  ``attempts`` counts the one-way touches since the last conversation;
- a contact with the stop flag is ``stopped`` whatever the touches say; the
  flag (not a ``stop`` touch) is the truth, so after an explicit ``unstop``
  the plan resumes from the touches before the stop;
- a contact without touches has no plan.

The engine (:func:`followup_script.engine.stages.plan`) stays the single place
that decides the stage; this module only says what happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable
from typing import cast

from followup_script.engine.stages import ONE_WEEK, History, Outcome, Plan, Situation, Stage, simulate
from followup_script.engine.stages import plan as decide
from followup_script.tracker.checks import checked_touch
from followup_script.tracker.rows import Contact, NewTouch, Touch, format_moment, parse_moment

DERIVATION_VERSION = "2"  # bump when derive_history changes meaning

RULES = {
    Stage.SCHEDULED_CALL: "a call was agreed (outcome scheduled): call on the agreed day, at the agreed time "
                          "if one was set; a one-way touch before then does not cancel it",
    Stage.MISSED_CALL: "the agreed day passed with nothing logged: say sorry you missed each other and ask "
                       "for a new time, the day after, then nudge once a week",
    Stage.ASK_FOR_TIME: "they could not name a time (outcome no-time): ask when would suit them, "
                        "the same day",
    Stage.THREE_DAY_CHECK: "nothing was committed (outcome no-commitment: a conversation, a resume or an "
                           "application sent) and no follow-up yet: check in 3 days later",
    Stage.WEEKLY_NUDGE: "no reply since the last follow-up or contact: nudge 7 days after the last "
                        "touch, once a week, with no cap, until they get back to you",
    Stage.DONE: "they got back to you (outcome replied): the follow-up is done",
    Stage.STOPPED: "they asked you to stop: nothing more is sent, on any channel",
}


def is_attempt(touch) -> bool:
    """A one-way touch, a follow-up attempt (outcome ``no-answer``), rather than a conversation."""
    return Outcome(touch.outcome) is Outcome.NO_ANSWER


def _day(moment: dt.date | dt.datetime) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def history_from(situation: Situation | str, newest_first: Iterable,
                 stopped_on: dt.date | None = None) -> History | None:
    """The engine's input from touches (newest first; anything with ``at``, ``via``,
    ``outcome`` and ``next_at``), read only as far back as the last real conversation.

    ``None`` when there is nothing to plan from (no touches, and no stop flag).
    """
    situation = Situation(situation)
    if stopped_on is not None:
        return History(stopped_on, Outcome.STOP, situation)
    one_way = []  # the one-way touches since the last conversation, newest first
    talk = None
    for touch in newest_first:
        if touch.outcome == Outcome.STOP:
            continue  # lifted by an explicit unstop: the flag is the truth
        if not is_attempt(touch):
            talk = touch
            break
        one_way.append(touch)
    if talk is None and not one_way:
        return None
    if talk is not None and Outcome(talk.outcome) is Outcome.SCHEDULED:
        agreed_day = _day(talk.next_at)
        if all(touch.at < agreed_day for touch in one_way):  # the agreed call is still open
            return History(talk.at, Outcome.SCHEDULED, situation, talk.next_at, 0)
        one_way = [touch for touch in one_way if touch.at >= agreed_day]
    if talk is not None and not one_way:  # (with neither, None was returned above)
        return History(talk.at, Outcome(talk.outcome), situation, None, 0)
    return History(one_way[0].at, Outcome.NO_ANSWER, situation, None, len(one_way))


def derive_history(contact: Contact, newest_first: Iterable[Touch]) -> History | None:
    """The engine's input for ``contact`` from its stored touches (newest first)."""
    stopped_on = dt.date.fromisoformat(contact.stopped_on) if contact.stopped_on is not None else None
    return history_from(contact.situation, newest_first, stopped_on)


def history_after(touch: NewTouch, situation: Situation | str, newest_first: Iterable[Touch] = (),
                  stopped_on: dt.date | None = None) -> History:
    """The history once ``touch`` is logged after the stored ones (newest first), without
    storing it: it goes after any stored touch of the same day, and a ``stop`` sets the
    stop flag (when none is set yet), as :meth:`Tracker.log` does."""
    if stopped_on is None and Outcome(touch.outcome) is Outcome.STOP:
        stopped_on = touch.at
    stored = list(newest_first)
    later = [t for t in stored if t.at > touch.at]
    # a touch is given, so there is a history
    return cast(History, history_from(situation, [*later, touch, *stored[len(later):]], stopped_on))


def history_of(contact: Contact) -> History | None:
    """The engine's input from the contact's cached state (see :meth:`Tracker.refresh`)."""
    situation = Situation(contact.situation)
    if contact.stopped_on is not None:  # contact.stopped
        return History(dt.date.fromisoformat(contact.stopped_on), Outcome.STOP, situation)
    if not contact.last_at:
        return None
    # a last touch has its outcome
    return History(dt.date.fromisoformat(contact.last_at), Outcome(cast(str, contact.last_outcome)), situation,
                   parse_moment(contact.next_at), contact.attempts)


def due_key(history: History | None) -> str | None:
    """The sort key of the ``due`` queue: the engine's due date without the weekend move.

    Moving Saturday and Sunday to Monday never reorders dates, so ordering by
    this key is ordering by the real due date.
    """
    if history is None:
        return None
    found = decide(history, history.last_contact, business_days=False)
    if not found.active or found.due is None:
        return None
    if found.due_time is not None:
        return format_moment(dt.datetime.combine(found.due, found.due_time))
    return found.due.isoformat()


def engine_fingerprint() -> str:
    """Changes whenever the engine's answers (or the derivation) change.

    The cached state is rebuilt when a tracker file was filled by a
    followup-script whose engine answered differently.
    """
    digest = hashlib.sha256(DERIVATION_VERSION.encode())
    base = dt.date(2026, 1, 5)
    for offset in range(7):
        day = base + dt.timedelta(days=offset)
        for outcome in Outcome:
            for attempts in (0, 1, 2):
                agreed = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(10, 30))
                history = History(day, outcome, Situation.APPLICATION,
                                  agreed if outcome is Outcome.SCHEDULED else None, attempts)
                for business_days, seen_on in itertools.product((True, False), (base, base + ONE_WEEK * 2)):
                    got = decide(history, seen_on, business_days)
                    digest.update(f"{got.stage}|{got.due}|{got.due_time}|{got.attempt};".encode())
    return digest.hexdigest()[:16]


# -- the cached engine input ------------------------------------------------------------------------


def refresh_contact(tracker, contact: Contact) -> Contact:
    """``Tracker.refresh``: re-derive the cached engine input of ``contact`` from its
    touches (inside the caller's write transaction) and return the contact as stored."""
    store = tracker.store
    unflagged = Contact(**{**contact.__dict__, "stopped_on": None})
    touches = store.latest_touches(contact.id)
    try:
        history = derive_history(unflagged, touches)
    finally:
        touches.close()
    count = store.touch_count(contact.id)
    if history is None:
        store.set_state(contact.id, None, None, None, 0, count, None)
    else:
        store.set_state(contact.id, history.last_contact.isoformat(), history.outcome.value,
                        format_moment(history.scheduled_for), history.attempts, count, due_key(history))
    return store.contact(contact.id)


def refresh_if_the_engine_changed(tracker) -> None:
    """Rebuild every contact's cached state when the file was filled by an engine that
    answered differently (see :func:`engine_fingerprint`)."""
    store = tracker.store
    fingerprint = engine_fingerprint()
    if store.get_meta("engine") == fingerprint:
        return
    with store.write():
        if store.get_meta("engine") == fingerprint:
            return
        for contact_id in store.contact_ids():
            tracker.refresh(store.contact(contact_id))
        store.set_meta("engine", fingerprint)


def why_facts(contact: Contact, newest_first: list[Touch], history: History | None,
              business_days: bool) -> dict:
    """What ``why`` shows beside the rule: the last touch, the last conversation, how many
    attempts since, the situation, the stop flag, the weekend setting, the touch count."""
    last_talk = next((t for t in newest_first if not is_attempt(t) and t.outcome != Outcome.STOP), None)
    return {
        "last_touch": newest_first[0].to_dict() if newest_first else None,
        "last_conversation": last_talk.to_dict() if last_talk else None,
        "attempts_since_conversation": history.attempts if history else 0,
        "situation": contact.situation,
        "stopped": {"on": contact.stopped_on, "note": contact.stop_note} if contact.stopped else None,
        "business_days": business_days,
        "touches": len(newest_first),
    }


# -- for the tracker: what a touch would give, and why ----------------------------------------------


def preview_plan(tracker, contact: Contact | None, event, today: dt.date | None = None,
                 situation: str | Situation | None = None) -> Plan:
    """``Tracker.preview``: the plan that logging ``event`` would give, without writing anything.

    ``event`` is a :class:`~followup_script.tracker.rows.NewTouch` (or anything with
    ``outcome``, ``at``, ``via`` and ``next_at``), checked as ``Tracker.log`` checks it.
    ``contact`` is a tracked contact, or None for a new one whose ``situation`` is given
    (default application).
    """
    today = today or dt.date.today()
    touch = checked_touch(NewTouch(event.outcome, event.at, event.via, event.next_at), today)
    if contact is None:
        return tracker.plan(history_after(touch, situation or Situation.APPLICATION), today)
    with tracker.store.read():
        stored = list(tracker.store.latest_touches(contact.id))
    stopped_on = dt.date.fromisoformat(contact.stopped_on) if contact.stopped_on is not None else None
    return tracker.plan(history_after(touch, contact.situation, stored, stopped_on), today)


def explain(tracker, name: str, today: dt.date, weeks: int = 8) -> dict:
    """``Tracker.why``: the contact, its history and plan, the rule, the facts, and the
    forecast for ``weeks`` if nobody replies (worded by ``followup_script.present.why``)."""
    with tracker.store.read():
        contact = tracker.find(name)
        touches = list(tracker.store.latest_touches(contact.id))
    history = history_of(contact)
    current = tracker.plan(history, today)
    steps = list(simulate(history, today, weeks, tracker.business_days)) if history else []
    return {"contact": contact, "history": history, "plan": current,
            "rule": RULES[current.stage] if current else None,
            "facts": why_facts(contact, touches, history, tracker.business_days),
            "simulation": steps, "weeks": weeks}
