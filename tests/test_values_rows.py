"""A batch row's values (input/values.follow_up_from) give what they gave before they were read
with fewer steps (#13): the same history, the same contact and sender in the same order, the
same doubts, the same error for the same bad value (property test against the old definition)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from followup_script.engine.stages import History, Outcome, Situation, parse_choice
from followup_script.errors import InputError
from followup_script.input.validate import (
    check_agreed,
    check_happened,
    check_via,
    parse_attempts,
    parse_date,
    parse_datetime,
    stale_doubt,
)
from followup_script.input.values import (
    _CONTACT_FIELD_CHECKS,
    _PROFILE_CHECKS,
    DEFAULT_OUTCOME,
    FIELDS,
    follow_up_from,
)

TODAY = dt.date(2026, 11, 25)


def _old_follow_up_from(values: dict, today: dt.date, doubts: list):
    """follow_up_from as it was at 643e015."""
    given = {k: v for k, v in values.items() if v is not None and not (type(v) is str and not v.strip())}
    get = given.get
    if get("last_contact") is None:
        raise InputError("is needed", field="last_contact", fix="give the date of the last touch, e.g. 2026-11-20")
    last = check_happened(cast(dt.date, parse_date(get("last_contact"), "last_contact", today)), "last_contact", today)
    given_situation = get("situation")
    situation = parse_choice(Situation, given_situation, "situation") if given_situation else Situation.APPLICATION
    via = get("via")
    if via is not None:
        via = check_via(str(via) if via else None, "via")
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
    attempts = parse_attempts(get("attempts"), "attempts")
    if outcome is Outcome.NO_ANSWER:
        attempts = max(attempts, 1)
    scheduled = None
    if get("scheduled_for") is not None:
        scheduled = parse_datetime(get("scheduled_for"), "scheduled_for", today)
        check_agreed(cast(dt.date, scheduled), "scheduled_for", last, "the last contact")
    history = History(last, outcome, situation, scheduled, attempts)
    doubt = stale_doubt(last, "last_contact", today)
    if doubt is not None and doubts is not None:
        doubts.append(doubt)
    contact = {}
    for field, check in _CONTACT_FIELD_CHECKS:
        value = get(field)
        if value is not None:
            contact[field] = check(str(value), field) if check else str(value)
    profile = {}
    for field, check in _PROFILE_CHECKS.items():
        value = get(field)
        if value is not None:
            profile[field[5:]] = check(str(value), field)
    return history, contact, profile


_blank = st.sampled_from(["", " ", "\t", "\u00a0", "\u2003 \n", "\x1c", "\u200b"])  # \u200b is not a space
_text = st.one_of(_blank, st.text(st.sampled_from("ab Ñ-_.@+1 \t"), max_size=8))
_VALUES = {
    "last_contact": st.one_of(st.sampled_from(["2026-11-20", "2025-01-02", "today", " yesterday ", "2026-12-01",
                                               "1999-01-01", "x"]), _blank, st.none()),
    "outcome": st.one_of(st.sampled_from(["no-commitment", "No_Answer", " scheduled ", "replied", "stop", "no-time",
                                          "maybe"]), _blank, st.none(), st.just(3)),
    "situation": st.one_of(st.sampled_from(["Interview", "info", "networking", "meeting"]), _blank, st.just(0)),
    "via": st.one_of(st.sampled_from(["call", "application", "Email", "pigeon"]), _blank, st.just(True),
                     st.just(0), st.just(1.5)),
    "attempts": st.one_of(st.sampled_from(["0", " 2 ", "-1", "x"]), _blank, st.just(3), st.just(False)),
    "scheduled_for": st.one_of(st.sampled_from(["2026-11-30 14:00", "2026-11-27", "tomorrow", "2026-11-01"]), _blank),
    "name": st.one_of(st.sampled_from(["Dana  Reyes ", "Dr. Priya Natarajan", "X" * 201]), _text),
    "phone": st.one_of(st.sampled_from(["+1 555 987 6543", "12", "+44 20 7946 0958 x12"]), _text),
    "email": st.one_of(st.sampled_from(["p@example.com", " x@y.example ", "bad", "d@acmé.example"]), _text),
    "call_window": st.one_of(st.sampled_from(["09:30-11:00", "9:00 - 17:00", "17:00-09:00"]), _text),
    "timezone": st.one_of(st.sampled_from(["Europe/Lisbon", "Mars/Base"]), _blank),
    "from_name": st.one_of(st.just("Bea  Ortiz"), _text), "from_phone": st.one_of(st.just("+351 21 123 4567"), _text),
    "from_email": st.one_of(st.just("bea@example.com"), _text),
}
_GOOD = {"last_contact": "2026-11-20", "outcome": "no-answer", "situation": "interview", "via": "call", "attempts": "1",
         "scheduled_for": "2026-11-30 14:00", "name": "Dana Reyes", "phone": "+1 555 987 6543", "email": "p@example.com",
         "call_window": "09:30-11:00", "timezone": "Europe/Lisbon", "from_name": "Bea", "from_phone": "+351 21 123 4567",
         "from_email": "bea@example.com"}
# mostly good values (a row with a bad one ends at its first error): a bad one in about a row in three
_VALUES = {k: st.integers(0, 11).flatmap(lambda n, k=k, v=v: v if n == 0 else st.just(_GOOD[k])) if k in _GOOD else v
           for k, v in _VALUES.items()}
_OTHER = st.one_of(_text, st.text(st.sampled_from("ab Ñ-_.@+1 \t"), min_size=1, max_size=8), st.none(), st.integers(-2, 5))


@st.composite
def rows(draw) -> dict:
    keys = draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=12))
    if draw(st.integers(0, 7)):  # a row without a last contact stops there: most rows have one
        keys = ["last_contact", *[k for k in keys if k != "last_contact"]]
    return {k: draw(_VALUES.get(k, _OTHER)) for k in keys}


@settings(max_examples=300, deadline=None)
@given(rows())
def test_a_rows_values_give_what_they_gave(values):
    old_doubts: list = []
    new_doubts: list = []
    try:
        old = _old_follow_up_from(dict(values), TODAY, old_doubts)
    except InputError as exc:
        try:
            follow_up_from(dict(values), TODAY, new_doubts)
        except InputError as raised:
            assert (raised.sentence(), raised.field) == (exc.sentence(), exc.field)
        else:
            raise AssertionError(f"no error where there was one: {exc.sentence()}") from None
        return
    new = follow_up_from(dict(values), TODAY, new_doubts)
    assert new[0] == old[0]
    assert list(new[1].items()) == list(old[1].items()) and list(new[2].items()) == list(old[2].items())
    assert new_doubts == old_doubts
