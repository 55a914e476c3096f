"""Turning what a user typed (options, CSV columns, JSON fields) into engine input.

Shared by the one-shot command and ``batch`` so both accept the same values and
give the same one-line errors; ``label`` says how to name a field in a message
(``--last-contact`` on the command line, ``last_contact`` in a file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from followup_script.input.config import check_email, check_name, check_phone
from followup_script.errors import InputError
from followup_script.engine.stages import History, Outcome, Situation, parse_choice

CONTACT_FIELDS = ("name", "company", "role", "phone", "email")
PROFILE_FIELDS = ("from_name", "from_phone", "from_email")
FIELDS = CONTACT_FIELDS + ("situation", "last_contact", "outcome", "scheduled_for", "attempts") + PROFILE_FIELDS


def option_label(field: str) -> str:
    return "--" + field.replace("_", "-")


def parse_date(value: str | None, option: str, today: dt.date | None = None) -> dt.date | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    base = today or dt.date.today()
    if text == "today":
        return base
    if text == "yesterday":
        return base - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{option} {value!r} is not a date; use YYYY-MM-DD (e.g. 2026-11-20), today or yesterday"
        ) from None


def parse_datetime(value: str | None, option: str, today: dt.date | None = None):
    """``YYYY-MM-DD HH:MM`` (or ``T``) gives a datetime; a bare date stays a date."""
    if value is None:
        return None
    text = " ".join(str(value).strip().split())
    if len(text) <= 10 or text.lower() in ("today", "tomorrow"):
        if text.lower() == "tomorrow":
            return (today or dt.date.today()) + dt.timedelta(days=1)
        return parse_date(text, option, today)
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise InputError(
            f"{option} {value!r} is not a date and time; use 'YYYY-MM-DD HH:MM' (e.g. '2026-11-26 10:30')"
        ) from None
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def parse_attempts(value, option: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise InputError(f"{option} {value!r} is not a whole number; use 0 or more")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(f"{option} {value!r} is not a whole number; use 0 or more") from None
    if number < 0:
        raise InputError(f"{option} {number} is negative; use 0 or more")
    return number


def follow_up_from(values: dict, today: dt.date, label: Callable[[str], str] = option_label):
    """``(History, contact, profile_overrides)`` from user-typed values.

    Empty strings count as not given. Raises InputError naming the field.
    """
    given = {k: v for k, v in values.items()
             if v is not None and not (type(v) is str and not v.strip())}
    get = given.get

    if get("last_contact") is None:
        raise InputError(
            f"{label('last_contact')} is needed: the date of the last touch, e.g. 2026-11-20"
        )
    last = parse_date(get("last_contact"), label("last_contact"), today)
    situation = parse_choice(Situation, get("situation") or "application", label("situation"))
    outcome = get("outcome")
    if outcome is None:
        if situation is not Situation.APPLICATION:
            valid = ", ".join(o.value for o in Outcome)
            raise InputError(
                f"{label('outcome')} is needed for a {situation.value} follow-up; use one of: {valid}"
            )
        outcome = Outcome.NO_COMMITMENT
    outcome = parse_choice(Outcome, outcome, label("outcome"))
    attempts = parse_attempts(get("attempts"), label("attempts"))
    scheduled = parse_datetime(get("scheduled_for"), label("scheduled_for"), today)
    if outcome is Outcome.SCHEDULED and scheduled is None:
        raise InputError(
            f"outcome 'scheduled' needs the agreed time; give {label('scheduled_for')} 'YYYY-MM-DD HH:MM'"
        )
    history = History(last, outcome, situation, scheduled, attempts)

    contact = {}
    for field in CONTACT_FIELDS:
        value = get(field)
        if value is None:
            continue
        value = str(value)
        if field == "email":
            value = check_email(value)
        elif field == "phone":
            value = check_phone(value)
        elif field == "name":
            value = check_name(value, label("name"))
        contact[field] = value
    profile = {}
    if "from_name" in given or "from_phone" in given or "from_email" in given:
        for field, check in (("from_name", check_name), ("from_phone", check_phone),
                             ("from_email", check_email)):
            value = get(field)
            if value is not None:
                profile[field[5:]] = (check(str(value), label(field)) if field == "from_name"
                                      else check(str(value)))
    return history, contact, profile
