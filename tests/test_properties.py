"""Property tests (hypothesis): the engine for any history, the scripts for any contact.

Every property runs as many examples as the hypothesis profile says (tests/conftest.py):
1,000 in the default "dev" and "ci" profiles, 10,000 in "fuzz" (``make fuzz``, to run
before any change to the engine). Every profile is reproducible (``derandomize=True``,
no example database) and has no deadline (docs/reliability.md has the figures).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup_script import History, Outcome, Situation, Stage, StoppedError, plan
from followup_script.input.config import Config
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
        if business_days and got.stage in (Stage.THREE_DAY_CHECK, Stage.WEEKLY_NUDGE):
            assert got.due.weekday() < 5
    else:
        assert got.due is None and got.attempt is None
    expected = {Outcome.STOP: Stage.STOPPED, Outcome.REPLIED: Stage.DONE,
                Outcome.SCHEDULED: Stage.SCHEDULED_CALL}.get(history.outcome)
    if expected is not None:
        assert got.stage is expected
    elif history.outcome is Outcome.NO_ANSWER or history.attempts > 0:
        assert got.stage is Stage.WEEKLY_NUDGE
    assert got.reason and "\n" not in got.reason


@ENGINE
@given(histories(), dates)
def test_engine_is_pure(history, today):
    assert plan(history, today) == plan(history, today)


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
