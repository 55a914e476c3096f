"""Property tests (hypothesis): the engine for any history, the scripts for any contact.

Every property runs as many examples as the hypothesis profile says (tests/conftest.py):
300 in the default "dev" and "ci" profiles, 10,000 in "fuzz" (``make fuzz``, to run
before any change to the engine). Every profile is reproducible (``derandomize=True``,
no example database) and has no deadline (docs/reliability.md has the figures).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_script import History, Outcome, Situation, Stage, StoppedError, plan
from followup_script.input.config import Config
from followup_script.input.validate import VIAS
from followup_script.plugins.manager import build_plugin_manager
from followup_script.writing import guard as tone

# max_examples, derandomize, database and deadline come from the loaded profile
ENGINE = settings(suppress_health_check=[HealthCheck.too_slow])
RENDER = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SEGMENTS = settings()

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@st.composite
def histories(draw):
    last = draw(dates)
    outcome = draw(st.sampled_from(list(Outcome)))
    scheduled = None
    if outcome is Outcome.SCHEDULED or draw(st.booleans()):
        agreed = last + dt.timedelta(days=draw(st.integers(0, 400)))
        if draw(st.booleans()):
            scheduled = dt.datetime.combine(agreed, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))))
        else:
            scheduled = agreed
    return History(last, outcome, draw(st.sampled_from(list(Situation))), scheduled,
                   draw(st.integers(0, 200)))


@ENGINE
@given(histories(), dates, st.booleans())
def test_engine_returns_one_stage_never_due_before_the_last_touch(history, today, business_days):
    got = plan(history, today, business_days)
    assert isinstance(got.stage, Stage)
    assert got.last_contact == history.last_contact
    if got.stage.active:
        assert got.due is not None and got.due >= history.last_contact
        assert got.attempt == history.attempts + 1
        assert got.overdue_days == max(0, (today - got.due).days)
        if business_days and got.stage in (Stage.THREE_DAY_CHECK, Stage.WEEKLY_NUDGE, Stage.MISSED_CALL):
            assert got.due.weekday() < 5
    else:
        assert got.due is None and got.attempt is None
    expected = {Outcome.STOP: Stage.STOPPED, Outcome.REPLIED: Stage.DONE}.get(history.outcome)
    if history.outcome is Outcome.SCHEDULED:
        agreed = history.scheduled_for
        day = agreed.date() if isinstance(agreed, dt.datetime) else agreed
        assert got.agreed == agreed
        # the agreed day and time until that day is over; then a missed call, due the day after
        expected = Stage.SCHEDULED_CALL if today <= day else Stage.MISSED_CALL
        if expected is Stage.SCHEDULED_CALL:
            assert got.due == day and got.overdue_days == 0
            assert got.due_time == (agreed.time() if isinstance(agreed, dt.datetime) else None)
        else:
            assert day < got.due <= day + dt.timedelta(days=3) and got.due_time is None
    else:
        assert got.agreed is None
    if expected is not None:
        assert got.stage is expected
    elif history.outcome is Outcome.NO_ANSWER or history.attempts > 0:
        assert got.stage is Stage.WEEKLY_NUDGE
    assert got.reason and "\n" not in got.reason


@ENGINE
@given(histories(), dates)
def test_engine_is_pure(history, today):
    assert plan(history, today) == plan(history, today)


# -- one history, one plan: the tracker and the one-shot agree on any single touch ------------------


@st.composite
def single_touches(draw):
    """One touch as a user would give it: to ``log`` (``--via``, ``--date``, ``--outcome``,
    ``--next``) or to the one-shot (``--last-contact``, ``--outcome``, ``--scheduled-for``),
    seen on ``today`` (on or after the touch), with the contact's situation."""
    today = draw(st.dates(min_value=dt.date(2002, 2, 5), max_value=dt.date(2099, 12, 31)))  # touches from 2001
    at = today - dt.timedelta(days=draw(st.integers(0, 400)))
    outcome = draw(st.sampled_from(list(Outcome)))
    agreed = None
    if outcome is Outcome.SCHEDULED:
        day = at + dt.timedelta(days=draw(st.integers(0, 90)))
        agreed = day.isoformat()  # a day alone: "call me on Tuesday"
        if draw(st.booleans()):
            agreed += f" {draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    return {"today": today, "at": at.isoformat(), "outcome": outcome.value, "next": agreed,
            "via": draw(st.sampled_from(VIAS)), "situation": draw(st.sampled_from(list(Situation))).value,
            "business_days": draw(st.booleans()), "attempts": draw(st.sampled_from([None, "", 0]))}


@pytest.fixture(scope="module")
def trackers(tmp_path_factory):
    """A tracker file for the property below, with weekends moved to Monday and kept."""
    from followup_script.tracker.service import Tracker

    path = tmp_path_factory.mktemp("single-touch") / "tracker.sqlite3"
    opened = {True: Tracker.open(path, business_days=True), False: Tracker.open(path, business_days=False)}
    yield opened
    for tracker in opened.values():
        tracker.close()


_CONTACT_NUMBERS = itertools.count(1)


@RENDER
@given(single_touches())
def test_a_single_touch_plans_the_same_in_the_tracker_and_the_one_shot(trackers, touch):
    """Problem 4 of issue 14: for any single touch, the one-shot's inputs
    (``input.values.follow_up_from``) and the tracker (``Tracker.preview`` and ``Tracker.log``,
    which derive the history from the stored touch) give the same plan: the same engine
    function on the same history, whatever the via."""
    from followup_script.input.validate import parse_date, parse_datetime
    from followup_script.input.values import follow_up_from
    from followup_script.tracker.rows import NewTouch

    today, business_days = touch["today"], touch["business_days"]
    history, _, _ = follow_up_from({"last_contact": touch["at"], "outcome": touch["outcome"],
                                    "situation": touch["situation"], "scheduled_for": touch["next"],
                                    "attempts": touch["attempts"]}, today)
    one_shot = plan(history, today, business_days)

    tracker = trackers[business_days]
    event = NewTouch(touch["outcome"], parse_date(touch["at"], "date", today), touch["via"],
                     parse_datetime(touch["next"], "next", today))
    assert tracker.preview(None, event, today, situation=touch["situation"]) == one_shot
    name = f"Contact {next(_CONTACT_NUMBERS)}"
    tracker.add_contact({"name": name, "situation": touch["situation"]})
    logged = tracker.log(name, event.outcome, event.via, event.at, event.next_at, today=today)
    assert logged.plan == one_shot
    assert tracker.show(name, today)["plan"] == one_shot


@ENGINE
@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 1, 1)), st.integers(0, 60),
       st.booleans(), st.lists(st.tuples(st.integers(0, 80), st.sampled_from(VIAS)), max_size=6),
       st.integers(0, 120), st.sampled_from(list(Situation)))
def test_a_one_way_touch_never_cancels_an_agreed_call(talked, ahead, with_time, one_way, seen_after, situation):
    """Commitments are state: one-way touches (no-answer, any via) dated before the agreed day
    leave the agreed call as the plan; the first one on that day or later is the call itself,
    and the weekly rhythm runs from the last of those."""
    from followup_script.tracker.history import history_from
    from followup_script.tracker.rows import NewTouch

    day = talked + dt.timedelta(days=ahead)
    agreed = dt.datetime.combine(day, dt.time(10, 30)) if with_time else day
    conversation = NewTouch("scheduled", talked, "call", agreed)
    touches = sorted((NewTouch("no-answer", talked + dt.timedelta(days=n), via) for n, via in one_way),
                     key=lambda t: t.at)  # oldest first; the conversation is older than all of them
    got = history_from(situation, [*reversed(touches), conversation])
    today = talked + dt.timedelta(days=seen_after)
    on_or_after = [t for t in touches if t.at >= day]
    if not on_or_after:
        assert got == History(talked, Outcome.SCHEDULED, situation, agreed, 0)
        assert plan(got, today) == plan(history_from(situation, [conversation]), today)
        assert plan(got, today).stage is (Stage.SCHEDULED_CALL if today <= day else Stage.MISSED_CALL)
    else:
        assert got == History(on_or_after[-1].at, Outcome.NO_ANSWER, situation, None, len(on_or_after))
        assert plan(got, today).stage is Stage.WEEKLY_NUDGE


# -- a stopped contact never gets a script or a delivery --------------------------------------


@pytest.fixture(scope="module")
def writer():
    from followup_script import Scriptwriter

    profile = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
    return Scriptwriter(Config("/nonexistent/config.toml", {"profile": profile}),
                        build_plugin_manager(load_entrypoints=False))


@RENDER
@given(dates, st.sampled_from(list(Situation)), st.integers(0, 200), dates,
       st.sampled_from(["voicemail", "call", "email"]))
def test_stopped_contact_gets_no_script_and_no_delivery(writer, last, situation, attempts, today, channel):
    got = writer.plan(History(last, Outcome.STOP, situation, None, attempts), today)
    message = writer.write(channel, got, {"name": "Dana Reyes", "email": "dana@acme.example"}, today=today)
    assert got.stage is Stage.STOPPED and message.text is None and message.stopped
    with pytest.raises(StoppedError):
        writer.deliver(message)


# -- every rendered script: courtesy guard, nothing unrendered, voicemail budget ----------------

words = st.text(alphabet=st.characters(categories=("L", "N", "Zs"), exclude_characters="\x85\u2028\u2029"),
                min_size=1, max_size=40).filter(lambda s: s.strip())
contacts = st.fixed_dictionaries({"name": words}, optional={"company": words, "role": words})


@RENDER
@given(histories().filter(lambda h: h.outcome not in (Outcome.STOP, Outcome.REPLIED)), dates, contacts,
       st.sampled_from(["voicemail", "call", "email"]))
def test_every_script_passes_the_guard_and_is_fully_rendered(writer, history, today, contact, channel):
    message = writer.write(channel, writer.plan(history, today), contact, today=today)  # guard enforced
    text = "\n".join(filter(None, [message.subject, message.text]))
    assert tone.check(text, message.data_values()) == []
    assert not re.search(r"\{\{|\{%|\}\}|%\}", text)
    if message.html is not None:
        assert "{{" not in message.html and "{%" not in message.html
    if channel == "voicemail":
        over = message.metrics["estimated_seconds"] > message.metrics["budget_seconds"]
        assert over == any("over the" in w for w in message.warnings)


# -- SMS segments against an independent reference count -----------------------------------------

GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = "\f^{}\\[~]|€"


def reference_segments(text: str) -> int:
    """3GPP TS 23.038 by hand: septets or UTF-16 units, escapes and surrogates never split."""
    if all(ch in GSM_BASIC or ch in GSM_EXT for ch in text):
        costs, single, multi = [2 if ch in GSM_EXT else 1 for ch in text], 160, 153
    else:
        costs, single, multi = [2 if ord(ch) > 0xFFFF else 1 for ch in text], 70, 67
    if not costs:
        return 0
    if sum(costs) <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return segments


sms_text = st.text(alphabet=st.sampled_from(list(GSM_BASIC + GSM_EXT) + ["é", "Ж", "“", "—", "😀", "…", "\u00a0"]),
                   max_size=700)


@SEGMENTS
@given(sms_text)
def test_sms_segment_count_matches_the_reference(text):
    segments = pytest.importorskip("followup_script_sms.segments")
    assert segments.count_segments(text).segments == reference_segments(text)


@pytest.mark.parametrize("text,expected", [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("€" * 80, 1), ("€" * 81, 2),
    ("a" * 152 + "€", 1), ("a" * 159 + "€", 2),  # DOMAIN's "152 + € -> 2" is 154 septets: 1 ("Ж" * 70, 1), ("Ж" * 71, 2), ("Ж" * 134, 2), ("Ж" * 135, 3),
    ("😀" + "a" * 68, 1), ("😀" + "a" * 69, 2),
])
def test_reference_count_itself_matches_the_domain_vectors(text, expected):
    assert reference_segments(text) == expected


WORDS = settings()


def _mask_reference(text, data):
    """The masking rule, written plainly: longest value first, whole words only."""
    from followup_script.writing import guard as tone

    values = {str(v) for v in data if v}
    values |= {v.translate(tone._PLAIN).replace("\u2026", "...") for v in values}
    text = text.replace("\x00", " ")
    for value in sorted(values, key=lambda v: (-len(v), v)):
        if len(value) > 1:
            text = tone._mask_words(text, value)
    return text.replace("\x00", "value")


@WORDS
@given(st.lists(st.text(alphabet="abAB -'.,’", min_size=1, max_size=6), min_size=1, max_size=4),
       st.lists(st.sampled_from(["Hi ", "final ", "notice", ", ", "ASAP", "a", "B", "'s", " ", "\n"]),
                max_size=12), st.randoms(use_true_random=False))
def test_masking_blanks_whole_words_only(values, glue, rnd):
    from followup_script.writing.guard import _mask

    pieces = glue + values
    rnd.shuffle(pieces)
    text = "".join(pieces)
    assert _mask(text, values) == _mask_reference(text, values)
