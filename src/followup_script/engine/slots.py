"""The days a script offers for the next call: two concrete weekdays, never "later this week".

Pure: the days only. The times in them, in whose time zone, and how they are
said are :mod:`followup_script.writing.clock`.
"""

from __future__ import annotations

import datetime as dt

from followup_script.engine.stages import ONE_DAY, later

#: Calls are offered on weekdays (Monday to Friday), employers' working days.
WORKDAYS = range(5)


def slot_days(after: dt.date, count: int = 2) -> list[dt.date]:
    """The first ``count`` weekdays after ``after`` (the day the message is for): a
    Thursday gives Friday and Monday, a Friday Monday and Tuesday. Each is one to six
    days away, so its weekday name alone says which day it is."""
    days: list[dt.date] = []
    day = after
    while len(days) < count:
        following = later(day, ONE_DAY)
        if following == day:  # the last date there is
            break
        day = following
        if day.weekday() in WORKDAYS:
            days.append(day)
    return days


def window(text: str | None, default: tuple[dt.time, dt.time]) -> tuple[dt.time, dt.time]:
    """``"09:30-17:00"`` (a checked call window) as two times; ``default`` when not given
    or not readable."""
    if not text:
        return default
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in str(text).split("-", 1))
    except ValueError:
        return default
    return (start, end) if start < end else default
