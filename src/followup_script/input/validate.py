"""Checking what a person typed: one function per kind of value, one date parser.

Every check returns the value tidied (or parsed) and raises
:class:`~followup_script.errors.InputError` naming the value by its ``field``
(``"phone"``, ``"from_phone"``, ``"next"``), with what was given and how to fix
it. A check never says where the value came from: the front end that asked for
it words the field (``--next`` on the command line, the column ``next`` in an
import file, the question in the wizard).

Dates: :func:`parse_date` reads ``YYYY-MM-DD``, ``today`` and ``yesterday``;
:func:`parse_datetime` also reads ``YYYY-MM-DD HH:MM`` (or with ``T``, any
ISO 8601 time; seconds and a UTC offset are dropped) and ``tomorrow``.
"""

from __future__ import annotations

import datetime as dt
import re

from followup_script.errors import InputError

__all__ = [
    "VIAS", "check_call_window", "check_email", "check_name", "check_phone", "check_timezone",
    "check_via", "parse_attempts", "parse_date", "parse_datetime",
]

#: How a touch happened (the tracker's ``via`` column); ``application``: an application or
#: resume you sent (with no outcome given, ``no-commitment``: check in three days later).
VIAS = ("call", "meeting", "voicemail", "email", "sms", "application")

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


# -- people and how to reach them ---------------------------------------------------------


def check_phone(value: str, field: str = "phone") -> str:
    """A phone number with 7 to 15 digits; returns it tidied (single spaces)."""
    value = " ".join(str(value).split())
    digits = re.sub(r"\D", "", value)
    if not re.fullmatch(r"\+?[\d\s().\-/]+", value) or not 7 <= len(digits) <= 15:
        raise InputError("is not a phone number", field=field, value=value,
                         fix="use digits, e.g. '+1 555 123 4567'")
    return value


def check_email(value: str, field: str = "email") -> str:
    value = str(value).strip()
    if not EMAIL.match(value):
        raise InputError("is not an email address", field=field, value=value,
                         fix="use e.g. 'ana@example.com'")
    return value


def check_name(value: str, field: str = "name") -> str:
    """A name of 1 to 200 characters; returns it with single spaces."""
    cleaned = " ".join(str(value).split())
    if not cleaned:
        raise InputError("is empty", field=field, value=str(value), fix="give a name")
    if len(cleaned) > 200:
        # the problem shows the value cut short: name 'Abcdefghijklmnopqrst'... is 300 characters
        raise InputError(f"{cleaned[:20]!r}... is {len(cleaned)} characters", field=field,
                         fix="keep it under 200")
    return cleaned


def check_timezone(value: str, field: str = "timezone") -> str:
    """An IANA time zone name such as ``Europe/Lisbon``."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = value.strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError("is not known", field=field, value=value,
                         fix="use an IANA name such as America/New_York or Europe/Lisbon") from None
    return text


def check_call_window(value: str, field: str = "call_window") -> str:
    """``HH:MM-HH:MM``, the start before the end; returns it as ``09:30-11:00``."""
    match = _WINDOW.match(value)
    bad = InputError("is not a time range", field=field, value=value,
                     fix="use HH:MM-HH:MM, e.g. 09:30-11:00")
    if not match:
        raise bad
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
        raise bad
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def check_via(value: str | None, field: str = "via") -> str:
    """How a touch happened, one of :data:`VIAS`; nothing given means a call."""
    text = (value or "call").strip().lower()
    if text not in VIAS:
        raise InputError("is not known", field=field, value=value, fix=f"use one of: {', '.join(VIAS)}")
    return text


# -- numbers and dates -------------------------------------------------------------------------


def parse_attempts(value, field: str = "attempts") -> int:
    """A whole number of 0 or more; nothing given means 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise InputError("is not a whole number", field=field, value=value, fix="use 0 or more")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError("is not a whole number", field=field, value=value, fix="use 0 or more") from None
    if number < 0:
        raise InputError("is negative", field=field, value=number, fix="use 0 or more")
    return number


def parse_date(value, field: str, today: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM-DD``, ``today`` or ``yesterday`` (relative to ``today``); None stays None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text == "today":
        return today or dt.date.today()
    if text == "yesterday":
        return (today or dt.date.today()) - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("is not a date", field=field, value=value,
                         fix="use YYYY-MM-DD (e.g. 2026-11-20), today or yesterday") from None


def parse_datetime(value, field: str, today: dt.date | None = None) -> dt.date | dt.datetime | None:
    """``YYYY-MM-DD HH:MM`` (or ``T``) gives a datetime to the minute; a bare date, ``today``,
    ``yesterday`` or ``tomorrow`` stays a date; None stays None."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if text.lower() == "tomorrow":
        return (today or dt.date.today()) + dt.timedelta(days=1)
    if len(text) <= 10 or text.lower() in ("today", "yesterday"):
        return parse_date(text, field, today)
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise InputError("is not a date and time", field=field, value=value,
                         fix="use 'YYYY-MM-DD HH:MM' (e.g. '2026-11-26 10:30')") from None
    return moment.replace(tzinfo=None, second=0, microsecond=0)
