"""What the tracker accepts: a contact's fields and a touch, checked before anything is written.

Errors name the value by its field (``phone``, ``next``, ``date``, ``outcome``);
the front end words it (``--next`` on the command line, the column ``next`` in
an import file).
"""

from __future__ import annotations

import datetime as dt

from followup_script.engine.stages import AGREED_FIX, Outcome, Situation, moment_words, parse_choice
from followup_script.errors import InputError
from followup_script.input.validate import (
    check_agreed,
    check_call_window,
    check_email,
    check_happened,
    check_name,
    check_phone,
    check_timezone,
    check_via,
    check_year,
)
from followup_script.input.values import DEFAULT_OUTCOME
from followup_script.tracker.rows import TRACKED_CONTACT_FIELDS, NewTouch

_CHECKS = {"phone": check_phone, "email": check_email, "timezone": check_timezone,
           "call_window": check_call_window}


def clean_fields(values: dict) -> dict:
    """Validate contact fields; ``""`` or None clears an optional field."""
    out: dict[str, str | None] = {}
    for key, value in values.items():
        if key not in TRACKED_CONTACT_FIELDS:
            raise InputError(f"{key!r} is not a contact field; use one of: {', '.join(TRACKED_CONTACT_FIELDS)}")
        text = None if value is None else str(value).strip()
        if key == "name":
            out[key] = check_name(text or "", "name")
        elif not text:
            out[key] = "application" if key == "situation" else None
        elif key == "situation":
            out[key] = parse_choice(Situation, text, "situation").value
        elif key in _CHECKS:
            out[key] = _CHECKS[key](text, key)
        else:
            out[key] = text
    return out


def check_touch(at: dt.date, outcome: Outcome, next_at, today: dt.date | None) -> None:
    """A touch that has happened, with an agreed time exactly when it was ``scheduled``
    (not before the touch), in the years 2000 to 2100: the checks of
    :mod:`followup_script.input.validate` that the one-shot and batch use too."""
    check_year(at, "date")
    if today is not None:
        check_happened(at, "date", today, fix="log a touch once it has happened")
    if outcome is Outcome.SCHEDULED and next_at is None:
        raise InputError("is missing: outcome 'scheduled' needs the agreed time", field="next",
                         fix=AGREED_FIX)
    if next_at is not None and outcome is not Outcome.SCHEDULED:
        raise InputError(f"is the agreed time of the next call, so it goes only with the outcome scheduled, "
                         f"not {outcome.value}", field="next", value=moment_words(next_at), fix="leave it out")
    if next_at is not None:
        check_year(next_at.date() if isinstance(next_at, dt.datetime) else next_at, "next",
                   moment_words(next_at))
        check_agreed(next_at, "next", at, fix="give the agreed time")


def checked_touch(touch: NewTouch, today: dt.date) -> NewTouch:
    """``touch`` with its outcome, via and note tidied, once it passes :func:`check_touch`.
    An application sent may leave out its outcome (``no-commitment``); any other touch
    names one."""
    outcome: Outcome | str | None = touch.outcome
    if outcome is None or (type(outcome) is str and not outcome.strip()):
        via = check_via(touch.via)
        outcome = DEFAULT_OUTCOME.get(via)
        if outcome is None:
            raise InputError("is needed", field="outcome",
                             fix=f"say how it ended: {', '.join(o.value for o in Outcome)}")
    outcome = parse_choice(Outcome, outcome, "outcome")
    via = check_via(touch.via)
    check_touch(touch.at, outcome, touch.next_at, today)
    return NewTouch(outcome, touch.at, via, touch.next_at, (touch.note or "").strip() or None)
