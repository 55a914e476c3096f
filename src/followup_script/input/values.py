"""Turning what a user typed (options, CSV columns, JSON fields) into engine input.

Shared by the one-shot command and ``batch`` so both accept the same values and
give the same errors. An error names the value by its field (``last_contact``);
the front end words it (``--last-contact`` on the command line, the column
``last_contact`` in a batch file).
"""

from __future__ import annotations

import datetime as dt

from followup_script.engine.stages import History, Outcome, Situation, parse_choice
from followup_script.errors import InputError
from followup_script.input.validate import (
    check_email,
    check_name,
    check_phone,
    parse_attempts,
    parse_date,
    parse_datetime,
)

#: The contact's fields a script can use (``contact.name`` ... in a template).
SCRIPT_CONTACT_FIELDS = ("name", "company", "role", "phone", "email")
#: The sender's fields that override the profile for one run.
PROFILE_FIELDS = ("from_name", "from_phone", "from_email")
#: Every field a one-shot run or a batch row may give.
FIELDS = (SCRIPT_CONTACT_FIELDS + ("situation", "last_contact", "outcome", "scheduled_for", "attempts")
          + PROFILE_FIELDS)

_CONTACT_CHECKS = {"name": check_name, "phone": check_phone, "email": check_email}
_PROFILE_CHECKS = {"from_name": check_name, "from_phone": check_phone, "from_email": check_email}


def follow_up_from(values: dict, today: dt.date):
    """``(History, contact, profile_overrides)`` from user-typed values.

    Empty strings count as not given. Raises InputError naming the field. The
    history is the one the tracker derives from the same single touch
    (:func:`followup_script.tracker.history.derive_history`), so both plan alike:
    no outcome means ``no-commitment`` for an application (sent: check in three
    days later), ``scheduled_for`` may be a day alone ("call me on Tuesday"),
    and a last touch with no answer counts as an attempt.
    """
    given = {k: v for k, v in values.items()
             if v is not None and not (type(v) is str and not v.strip())}
    get = given.get

    if get("last_contact") is None:
        raise InputError("is needed", field="last_contact", fix="give the date of the last touch, e.g. 2026-11-20")
    last = parse_date(get("last_contact"), "last_contact", today)
    situation = parse_choice(Situation, get("situation") or "application", "situation")
    outcome = get("outcome")
    if outcome is None:
        if situation is not Situation.APPLICATION:
            valid = ", ".join(o.value for o in Outcome)
            article = "an" if situation.value[0] in "aeiou" else "a"
            raise InputError(f"is needed for {article} {situation.value} follow-up", field="outcome",
                             fix=f"use one of: {valid}")
        outcome = Outcome.NO_COMMITMENT
    outcome = parse_choice(Outcome, outcome, "outcome")
    attempts = parse_attempts(get("attempts"), "attempts")
    if outcome is Outcome.NO_ANSWER:
        attempts = max(attempts, 1)  # the unanswered last touch is an attempt, as the tracker counts it
    scheduled = parse_datetime(get("scheduled_for"), "scheduled_for", today)
    history = History(last, outcome, situation, scheduled, attempts)  # checks scheduled_for

    contact = {}
    for field in SCRIPT_CONTACT_FIELDS:
        value = get(field)
        if value is not None:
            check = _CONTACT_CHECKS.get(field)
            contact[field] = check(str(value), field) if check else str(value)
    profile = {}
    for field, check in _PROFILE_CHECKS.items():
        value = get(field)
        if value is not None:
            profile[field[5:]] = check(str(value), field)
    return history, contact, profile
