"""The types of a JSON import document, checked before anything is stored.

Every field must have the type ``export`` writes: text (or null) for names, notes,
uids, dates, ``via`` and notes of a stop or snooze; ISO 8601 for ``created_at``; a
whole number from 0 to 2^63-1 for ``revision``. A value of another type (a list as
``uid``, an object as ``stop.note``, a number as ``via``) is an
:class:`~followup_script.errors.InputError` naming the field, which the import
reports as a bad row, never a crash when it is stored. A document nested too
deeply for the JSON reader is a bad file (:func:`loads`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import cast

from followup_script.errors import InputError
from followup_script.input.validate import parse_date

#: The keys a touch of an export may have (``at`` or ``date``: the day of the touch).
TOUCH_FIELDS = ("uid", "at", "date", "via", "outcome", "next", "note", "created_at")
#: The longest uid an import takes (an export's are 36 characters).
MAX_UID = 200
#: The largest revision a tracker file stores (SQLite's INTEGER is 64-bit).
MAX_REVISION = 2**63 - 1


def text_of(value, field: str, limit: int | None = None) -> str | None:
    """A JSON value that must be text (or null): anything else (a list, an object, a number,
    true) is a bad row naming the field, never a crash when it is stored."""
    if value is None:
        return None
    if not isinstance(value, str):
        shown = json.dumps(value)[:40] if _plain(value) else None
        raise InputError(f"is {json_kind(value)}, not text", field=field, value=shown,
                         fix="give it as a JSON string, as followup-script export writes it")
    if limit is not None and len(value) > limit:
        raise InputError(f"is {len(value)} characters", field=field, fix=f"keep it under {limit}")
    return value


def _plain(value) -> bool:
    return isinstance(value, bool | int | float) or value is None


def json_kind(value) -> str:
    return {dict: "an object", list: "a list", bool: "true or false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def stamp(value, field: str) -> str | None:
    """``created_at``: text holding an ISO 8601 date and time (``2026-11-20T10:00:00Z``)."""
    text = text_of(value, field, 64)
    if not text:
        return None
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError("is not a date and time", field=field, value=text,
                         fix="use ISO 8601, e.g. 2026-11-20T10:00:00Z, or leave it out") from None
    return text


def revision_of(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"revision {json.dumps(value)[:40] if _plain(value) else json_kind(value)} "
                         "is not a whole number")
    if not 0 <= value <= MAX_REVISION:
        raise InputError(f"revision {str(value)[:40]} is out of range; use 0 to 2^63-1")
    return value


def dated(item: dict, key: str, day: str, today: dt.date) -> tuple[dt.date, str | None] | None:
    """A ``stop`` or ``snooze``: null, or ``{"<day>": "YYYY-MM-DD", "note": text}``."""
    value = item.get(key)
    if not value:
        return None
    shape = f'{key} must be {{"{day}": "YYYY-MM-DD", "note": ...}} or null'
    if not isinstance(value, dict) or not value.get(day) or set(value) - {day, "note"}:
        raise InputError(shape)
    # a text in, so a date out (parse_date gives None only for None)
    on = cast(dt.date, parse_date(text_of(value[day], f"{key}.{day}", 40), f"{key}.{day}", today))
    return on, text_of(value.get("note"), f"{key}.note") or None


def loads(text: str, errors: list[str]):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(f"line {exc.lineno}: not valid JSON ({exc.msg})")
    except RecursionError:
        errors.append("the JSON is nested too deeply (an export is four levels deep)")
    return None
