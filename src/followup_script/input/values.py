"""Turning what a user typed (options, CSV columns, JSON fields) into engine input.

Shared by the one-shot command and ``batch`` so both accept the same values and
give the same errors. An error names the value by its field (``last_contact``);
the front end words it (``--last-contact`` on the command line, the column
``last_contact`` in a batch file).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from followup_script.engine.stages import History, Outcome, Situation, parse_choice
from followup_script.errors import InputError
from followup_script.input.validate import (
    Doubt,
    check_agreed,
    check_call_window,
    check_email,
    check_happened,
    check_name,
    check_phone,
    check_timezone,
    check_via,
    parse_attempts,
    parse_date,
    parse_datetime,
    stale_doubt,
)

#: The contact's fields a script can use (``contact.name`` ... in a template): who they are,
#: how to address them (``first_name``: the name to greet them by, as written; ``greeting``: a
#: whole greeting), their time zone and hours for calls, and what an info request asked about.
SCRIPT_CONTACT_FIELDS = ("name", "company", "role", "phone", "email", "first_name", "greeting", "timezone",
                         "call_window", "topic")
#: What one message may add: ``update``, one sentence of news (a project, a certificate).
MESSAGE_FIELDS = ("update",)
#: The sender's fields that override the profile for one run.
PROFILE_FIELDS = ("from_name", "from_phone", "from_email")
#: Every field a one-shot run or a batch row may give (``via``: how the last touch
#: happened, which only decides the outcome when none is given, as ``log`` does).
FIELDS = (SCRIPT_CONTACT_FIELDS + MESSAGE_FIELDS
          + ("situation", "last_contact", "via", "outcome", "scheduled_for", "attempts") + PROFILE_FIELDS)

#: The outcome of a touch given without one, by how it happened: an application sent
#: committed nobody to anything (check in three days later). ``log`` and ``import`` use it too.
DEFAULT_OUTCOME: dict[str | None, Outcome] = {"application": Outcome.NO_COMMITMENT}

def one_line(limit: int):
    """A check for text of at most ``limit`` characters, made one line."""
    def check(value: str, field: str) -> str:
        cleaned = " ".join(str(value).split())
        if len(cleaned) > limit:
            raise InputError(f"{cleaned[:20]!r}... is {len(cleaned)} characters", field=field,
                             fix=f"keep it under {limit}")
        return cleaned
    return check


_CONTACT_CHECKS = {"name": check_name, "phone": check_phone, "email": check_email, "first_name": one_line(100),
                   "greeting": one_line(100), "timezone": check_timezone, "call_window": check_call_window,
                   "topic": one_line(120), "update": one_line(280)}
#: Each field of a contact, in order, with its check (None: taken as written).
_CONTACT_FIELD_CHECKS = tuple((field, _CONTACT_CHECKS.get(field)) for field in SCRIPT_CONTACT_FIELDS + MESSAGE_FIELDS)
_PROFILE_CHECKS = {"from_name": check_name, "from_phone": check_phone, "from_email": check_email}
#: Each sender field, the profile key it overrides (``from_name``: ``name``) and its check.
_PROFILE_FIELD_CHECKS = tuple((field, field[5:], check) for field, check in _PROFILE_CHECKS.items())


def follow_up_from(values: dict, today: dt.date, doubts: list[Doubt] | None = None):
    """``(History, contact, profile_overrides)`` from user-typed values.

    Empty strings count as not given. Raises InputError naming the field: a last
    contact after ``today``, an agreed call before it, a year outside 2000 to 2100.
    A last contact over 180 days ago is accepted, with a :class:`Doubt` appended to
    ``doubts`` for the front end to say (is the year right?). The
    history is the one the tracker derives from the same single touch
    (:func:`followup_script.tracker.history.derive_history`), so both plan alike:
    no outcome means ``no-commitment`` for an application (sent: check in three
    days later), ``scheduled_for`` may be a day alone ("call me on Tuesday"),
    and a last touch with no answer counts as an attempt.
    """
    # a string is given when it holds more than spaces (isspace: the spaces strip() takes off)
    given = {k: v for k, v in values.items()
             if v is not None and (type(v) is not str or (v and not v.isspace()))}
    get = given.get

    last_given = get("last_contact")
    if last_given is None:
        raise InputError("is needed", field="last_contact", fix="give the date of the last touch, e.g. 2026-11-20")
    # given, so parse_date gives a date (no cast(): a call a row for the type checker alone)
    last = check_happened(parse_date(last_given, "last_contact", today), "last_contact", today)  # type: ignore[arg-type]
    given_situation = get("situation")
    situation = parse_choice(Situation, given_situation, "situation") if given_situation else Situation.APPLICATION
    via = get("via")
    if via is not None:
        via = check_via(str(via) if via else None, "via")  # a JSON Lines row may give true or a number
    outcome = get("outcome")
    if outcome is None:
        outcome = DEFAULT_OUTCOME.get(via)
    if outcome is None:
        if situation is not Situation.APPLICATION:
            valid = ", ".join(o.value for o in Outcome)
            article = "an" if situation.value[0] in "aeiou" else "a"
            raise InputError(f"is needed for {article} {situation.value} follow-up", field="outcome",
                             fix=f"use one of: {valid}")
        outcome = Outcome.NO_COMMITMENT
    outcome = parse_choice(Outcome, outcome, "outcome")
    attempts = parse_attempts(given["attempts"], "attempts") if "attempts" in given else 0
    if outcome is Outcome.NO_ANSWER:
        attempts = max(attempts, 1)  # the unanswered last touch is an attempt, as the tracker counts it
    scheduled = None
    if get("scheduled_for") is not None:
        scheduled = parse_datetime(get("scheduled_for"), "scheduled_for", today)
        check_agreed(cast(dt.date, scheduled), "scheduled_for", last, "the last contact")
    history = History(last, outcome, situation, scheduled, attempts)  # checks scheduled_for
    doubt = stale_doubt(last, "last_contact", today)
    if doubt is not None and doubts is not None:
        doubts.append(doubt)

    contact = {}
    for field, check in _CONTACT_FIELD_CHECKS:  # in this order; `in` asks no method call of a field not given
        if field in given:
            contact[field] = check(str(given[field]), field) if check else str(given[field])
    profile = {}
    for field, key, check in _PROFILE_FIELD_CHECKS:
        if field in given:
            profile[key] = check(str(given[field]), field)
    return history, contact, profile
