"""Times as a script says them: the clock style, the time zone, two concrete call slots.

A profile and each contact may have a time zone (an IANA name, ``zoneinfo``).
Times are stated in the contact's zone when they have one (they are the ones
listening), else in the user's; a time carries its zone ("10 am London time")
when the contact has a zone or is in another country than the user. The clock
is 12-hour ("2:30 pm") by default for a US profile and 24-hour ("14:30")
elsewhere; the profile's ``clock`` ("12h" or "24h") says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from followup_script.engine.slots import slot_days, window
from followup_script.engine.stages import DAY_NAMES, MONTH_NAMES
from followup_script.engine.zones import _load, zone_words

DEFAULT_WINDOW = (dt.time(9, 0), dt.time(17, 0))
#: How the user's own zone is said when it must be and is not set (``profile.timezone``).
MY_TIME = "my time"
CLOCKS = ("12h", "24h")
_HALF_HOUR = 30


def clock_style(chosen: str | None, region: str) -> str:
    """``"12h"`` or ``"24h"``: the profile's ``clock`` if set, else 12-hour for the US."""
    if chosen in CLOCKS:
        return chosen
    return "12h" if region == "US" else "24h"


def say_time(at: dt.time, style: str) -> str:
    """``10 am``, ``2:30 pm``, ``12 pm`` (12-hour) or ``10:00``, ``14:30`` (24-hour)."""
    if style == "24h":
        return f"{at.hour:02d}:{at.minute:02d}"
    hour = at.hour % 12 or 12
    half = "am" if at.hour < 12 else "pm"
    return f"{hour} {half}" if at.minute == 0 else f"{hour}:{at.minute:02d} {half}"


def window_words(start: dt.time, end: dt.time, style: str) -> str:
    """When the user takes calls, said briefly (a voicemail has 30 s): ``on weekdays, 9 am to 5 pm``."""
    return f"on weekdays, {say_time(start, style)} to {say_time(end, style)}"


def day_words(day: dt.date) -> str:
    """``Tuesday 1 December``: a near day, without its year."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"


class Clock(NamedTuple):
    """How one message says times: the clock style, the zone times are stated in
    (``zone``, a ZoneInfo or None), the words naming it when it must be said
    (``words``, else ""), and the user's own zone (``mine``, ``mine_words``)."""

    style: str
    zone: dt.tzinfo | None
    words: str
    mine: dt.tzinfo | None
    mine_words: str

    @classmethod
    def of(cls, style: str, my_zone: str | None, their_zone: str | None, abroad: bool) -> Clock:
        """Times in their zone when they have one, else in mine; said with the zone when they
        have one or live abroad. A zone that must be said but is not known (the user set no
        ``profile.timezone``) is "my time": the user's hours are never given without a zone."""
        mine = _load(my_zone) if my_zone else None
        theirs = _load(their_zone) if their_zone else None
        mine_words = zone_words(my_zone) if my_zone and mine is not None else ""  # (a zone: my_zone is set)
        if their_zone and theirs is not None:
            return cls(style, theirs, zone_words(their_zone), mine, mine_words or MY_TIME)
        if abroad:
            return cls(style, mine, mine_words or MY_TIME, mine, mine_words or MY_TIME)
        return cls(style, mine, "", mine, mine_words)

    def at(self, day: dt.date, at: dt.time | None, dated: bool = True) -> str:
        """``Tuesday 1 December at 3 pm London time`` (``dated`` false: ``Tuesday at 3 pm ...``)."""
        words = day_words(day) if dated else DAY_NAMES[day.weekday()]
        if at is None:
            return words
        return f"{words} at {self.time(at)}"

    def time(self, at: dt.time) -> str:
        """``3 pm London time``: the time with its zone when the zone must be said."""
        said = say_time(at, self.style)
        return f"{said} {self.words}" if self.words else said

    def for_me(self, day: dt.date, at: dt.time) -> str:
        """The same moment in the user's zone, ``""`` when that is the zone times are in."""
        if self.mine is None or self.zone is None or self.mine is self.zone:
            return ""
        moment = dt.datetime.combine(day, at, tzinfo=self.zone).astimezone(self.mine)
        if moment.utcoffset() == dt.datetime.combine(day, at, tzinfo=self.zone).utcoffset():
            return ""
        return f"{day_words(moment.date())} at {say_time(moment.time(), self.style)} {self.mine_words}"

    def window_words(self, start: dt.time, end: dt.time) -> str:
        """``on weekdays, 9 am to 5 pm`` in the user's zone, the zone named when zones are said."""
        words = window_words(start, end, self.style)
        return f"{words} {self.mine_words}" if self.words and self.mine_words else words


def _minutes(at: dt.time) -> int:
    return at.hour * 60 + at.minute


def _time(minutes: int) -> dt.time:
    minutes = max(0, min(minutes, 23 * 60 + 59))
    return dt.time(minutes // 60, minutes % 60)


def _overlap(day: dt.date, clock: Clock, theirs: tuple, mine: tuple) -> tuple[int, int]:
    """Their window and mine (moved into the zone times are stated in) on ``day``, as
    minutes of that day; their window alone when the two do not meet for half an hour."""
    start, end = _minutes(theirs[0]), _minutes(theirs[1])
    if clock.mine is not None and clock.zone is not None and clock.mine is not clock.zone:
        def moved(at: dt.time) -> int:
            moment = dt.datetime.combine(day, at, tzinfo=clock.mine).astimezone(clock.zone)
            return (moment.date() - day).days * 24 * 60 + _minutes(moment.time())
        my_start, my_end = moved(mine[0]), moved(mine[1])
    else:
        my_start, my_end = _minutes(mine[0]), _minutes(mine[1])
    both = max(start, my_start), min(end, my_end)
    return both if both[1] - both[0] >= _HALF_HOUR else (start, end)


def call_slots(after: dt.date, clock: Clock, their_window: str | None, my_window: str | None) -> tuple[dict, ...]:
    """Two concrete times to offer for the next call: a morning on the first weekday after
    ``after``, an afternoon on the second, inside both call windows."""
    theirs, mine = window(their_window, DEFAULT_WINDOW), window(my_window, DEFAULT_WINDOW)
    slots = []
    for n, day in enumerate(slot_days(after)):
        start, end = _overlap(day, clock, theirs, mine)
        first = -(-start // _HALF_HOUR) * _HALF_HOUR  # on the hour or the half hour
        if n == 0:
            pick = first + 60 if first + 60 + _HALF_HOUR <= end else first
        else:
            pick = max(first, (end - 180) // _HALF_HOUR * _HALF_HOUR)
        at = _time(min(pick, max(start, end - _HALF_HOUR)))
        slots.append({
            "day": DAY_NAMES[day.weekday()],
            "date": day_words(day),
            "time": say_time(at, clock.style),
            "said": clock.at(day, at, dated=False),
            "dated": clock.at(day, at),
            "mine": clock.for_me(day, at),
        })
    return tuple(slots)


def offer_words(slots, clock: Clock) -> str:
    """Both slots in one phrase: ``Wednesday at 10 am or Thursday at 2 pm London time``."""
    said = [f"{s['day']} at {s['time']}" for s in slots]
    words = " or ".join(said)
    return f"{words} {clock.words}" if clock.words and said else words
