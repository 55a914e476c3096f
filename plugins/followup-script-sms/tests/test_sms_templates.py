"""Every stage x situation renders through the core, fits one segment and passes the guard."""

import datetime as dt
import re
from importlib import resources

import pytest
from followup_script import History, Stage, ToneError
from followup_script.writing import guard as tone

from sms_helpers import CONTACT, LAST, make_writer, three_day_message

SITUATIONS = ["application", "interview", "networking", "info"]
ACTIVE = [s.value for s in Stage if s.active]
CONTACTS = {
    "full": CONTACT,
    "no-role": {k: v for k, v in CONTACT.items() if k != "role"},
    "no-company": {k: v for k, v in CONTACT.items() if k != "company"},
    "name-only": {"name": "Dana Reyes", "phone": CONTACT["phone"]},
    "nameless": {"company": "Acme Analytics", "role": "Data Engineer", "phone": CONTACT["phone"]},
}


def histories(situation):
    """One history per active stage (a call agreed with a time, with a day alone, and one
    seen after its day: missed), and weekly nudges for attempts 1..52; each with the days
    after its due date it is seen on."""
    yield History(LAST, "scheduled", situation, dt.datetime(2026, 11, 27, 10, 30)), 0
    yield History(LAST, "scheduled", situation, dt.date(2026, 11, 27)), 0
    yield History(LAST, "scheduled", situation, dt.date(2026, 11, 27)), 3
    yield History(LAST, "no-time", situation), 0
    yield History(LAST, "no-commitment", situation), 0
    for attempts in range(0, 52):
        yield History(LAST, "no-answer", situation, attempts=attempts), 0


@pytest.fixture(scope="module")
def writer(tmp_path_factory):
    return make_writer(tmp_path_factory.mktemp("templates"))


def test_every_active_stage_has_a_packaged_template():
    folder = resources.files("followup_script_sms") / "templates" / "sms"
    shipped = {p.name for p in folder.iterdir()}
    assert {f"{stage}.txt.j2" for stage in ACTIVE} <= shipped
    assert ACTIVE == ["scheduled-call", "missed-call", "ask-for-time", "three-day-check", "weekly-nudge"]


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("who", sorted(CONTACTS))
@pytest.mark.parametrize("late_days", [0, 12])
def test_every_script_fits_one_segment_and_passes_the_guard(writer, situation, who, late_days):
    contact = CONTACTS[who]
    seen_stages = set()
    seen_attempts = set()
    for history, seen_after in histories(situation):
        due = writer.plan(history, LAST).due
        today = due + dt.timedelta(days=late_days + seen_after)
        plan = writer.plan(history, today)
        message = writer.write("sms", plan, contact, today=today)
        text = message.text
        where = f"{plan.stage.value}/{situation}/{who}/attempt {plan.attempt}: {text!r}"
        seen_stages.add(plan.stage.value)
        seen_attempts.add(plan.attempt)
        assert message.template == f"sms/{plan.stage.value}.txt.j2", where
        assert message.metrics["segments"] == 1, where
        assert message.metrics["encoding"] == "GSM-7", where
        assert message.metrics["characters"] == len(text) <= 160, where
        assert message.warnings == [], where
        assert tone.check(text, message.data_values()) == [], where
        assert text.isascii() and "\n" not in text and text == text.strip(), where
        assert re.search(r"\b(?:thank|thanks|appreciate)\b", text, re.I), where
        assert text.count("?") == 1, where  # exactly one ask
        assert "Ana Lima" in text, where
        if "name" in contact:
            assert text.startswith("Hi Dana, "), where
        else:
            assert text.startswith("Hello, "), where
        if plan.stage is Stage.WEEKLY_NUDGE and plan.attempt > 1:
            # never a hint of how many times: no attempt number anywhere
            assert not re.search(rf"\b{plan.attempt}\b", text), where
            assert not re.search(r"\b(again|another|still no|yet)\b", text, re.I), where
    # seen late, an agreed call has become a missed call
    assert seen_stages == set(ACTIVE) - ({"scheduled-call"} if late_days else set())
    assert seen_attempts == set(range(1, 53))


@pytest.mark.parametrize("stage_history", [
    lambda s: History(LAST, "scheduled", s, dt.datetime(2026, 11, 27, 10, 30)),
    lambda s: History(LAST - dt.timedelta(days=4), "scheduled", s, LAST - dt.timedelta(days=2)),  # missed
    lambda s: History(LAST, "no-time", s),
    lambda s: History(LAST, "no-commitment", s),
    lambda s: History(LAST, "no-answer", s, attempts=3),
], ids=ACTIVE)
def test_each_situation_has_its_own_wording(writer, stage_history):
    texts = {}
    for situation in SITUATIONS:
        plan = writer.plan(stage_history(situation), LAST)
        texts[situation] = writer.write("sms", plan, CONTACT, today=plan.due).text
    assert len(set(texts.values())) == 4, texts
    assert "application" in texts["application"]
    assert "Acme Analytics" in texts["networking"]
    assert "information" in texts["info"]
    assert "Data Engineer" in texts["interview"]


def test_weekly_nudges_vary_and_never_cool(writer):
    """#15: no two of any 8 nudges in a row are the same text; the same week gives the same
    text on every run; weeks 1-52 are each at least as warm as week 1, on the guard's own
    count and on VADER; each text asks exactly one thing."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    for situation in SITUATIONS:
        texts = []
        for attempts in range(52):
            plan = writer.plan(History(LAST, "no-answer", situation, attempts=attempts), LAST)
            texts.append(writer.write("sms", plan, CONTACT, today=plan.due).text)
        assert all(len(set(texts[i:i + 8])) == 8 for i in range(len(texts) - 7)), situation
        plan = writer.plan(History(LAST, "no-answer", situation, attempts=5), LAST)
        assert writer.write("sms", plan, CONTACT, today=plan.due).text == texts[5]
        first_warmth, first_vader = tone.warmth(texts[0]), vader.polarity_scores(texts[0])["compound"]
        for week, text in enumerate(texts, start=1):
            assert tone.warmth(text) >= first_warmth, (week, text)
            assert vader.polarity_scores(text)["compound"] >= first_vader - 0.05, (week, text)
            assert text.count("?") == 1, (week, text)


def test_dates_follow_the_last_conversation(writer):
    plan = writer.plan(History(LAST, "no-commitment", "interview"), dt.date(2026, 11, 23))
    text = writer.write("sms", plan, CONTACT, today=dt.date(2026, 11, 23)).text
    assert "the interview on Friday." in text


def test_finish_replaces_smart_punctuation_from_the_contact(tmp_path):
    writer = make_writer(tmp_path)
    contact = dict(CONTACT, name="Dana O\u2019Brien", role="Data\u00a0Engineer")
    message = three_day_message(writer, contact)
    assert "Hi Dana, " in message.text
    assert "my Data Engineer application" in message.text
    assert message.metrics["encoding"] == "GSM-7"
    contact = dict(CONTACT, name="D\u2019Arcy Reyes")
    message = three_day_message(writer, contact)
    assert message.text.startswith("Hi D'Arcy, ")
    assert message.metrics["segments"] == 1


def test_finish_measures_the_text(tmp_path):
    message = three_day_message(make_writer(tmp_path))
    m = message.metrics
    assert m["characters"] == len(message.text)
    assert m["units"] == len(message.text)
    assert m["words"] == len(message.text.split())
    assert m["segments"] == 1 and m["encoding"] == "GSM-7"
    out = message.to_dict()
    assert out["segments"] == 1 and out["encoding"] == "GSM-7" and out["words"] == m["words"]


def test_a_long_text_is_measured_and_warned_about(tmp_path):
    writer = make_writer(tmp_path)
    contact = dict(CONTACT, role="Senior Staff Data Platform Engineer, Streaming Infrastructure")
    message = three_day_message(writer, contact)
    assert message.metrics["characters"] > 160
    assert message.metrics["segments"] == 2
    assert len(message.warnings) == 1
    assert "2 segments" in message.warnings[0] and "GSM-7" in message.warnings[0]


def test_a_name_outside_gsm7_switches_to_ucs2_and_says_why(tmp_path):
    writer = make_writer(tmp_path)
    message = three_day_message(writer, dict(CONTACT, name="\u0141ukasz Nowak"))
    assert message.metrics["encoding"] == "UCS-2"
    assert message.metrics["segments"] == 3  # about 140 characters at 67 per segment
    assert "'\u0141'" in message.warnings[0] and "UCS-2" in message.warnings[0]


def test_user_templates_are_joined_into_paragraphs_and_still_guarded(tmp_path):
    writer = make_writer(tmp_path)
    folder = tmp_path / "templates" / "sms"
    folder.mkdir(parents=True)
    (folder / "three-day-check.txt.j2").write_text(
        "Hi {{ contact.first_name }} \u2014 it\u2019s {{ me.first_name }}.\n"
        "   Checking in.\n\n\nThanks so much\u2026\n"
    )
    message = three_day_message(writer)
    assert message.text == "Hi Dana - it's Ana. Checking in.\nThanks so much..."
    (folder / "weekly-nudge.txt.j2").write_text("Hi {{ contact.first_name }}, this is my fifth text.\n")
    plan = writer.plan(History(LAST, "no-answer", attempts=4), LAST)
    with pytest.raises(ToneError, match="counting"):
        writer.write("sms", plan, CONTACT, today=plan.due)
