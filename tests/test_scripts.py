"""#15, the words of the built-in scripts: calls that book (finding 2), situations that
fit (7), emails that read like email (8), speech that closes naturally (9) and the small
slips (10). Every channel, including the SMS plugin's, through the real Scriptwriter."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import followup_script_sms
import pytest

from followup_script import History, Scriptwriter
from followup_script.engine.grammar import a_or_an
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

from .conftest import PROFILE

LAST = dt.date(2026, 11, 20)  # a Friday
CHANNELS = ("voicemail", "call", "email", "sms")
SITUATIONS = ("application", "interview", "networking", "info")
HISTORIES = {
    "scheduled-call": dict(outcome="scheduled", scheduled_for=dt.datetime(2026, 11, 27, 10, 30)),
    "missed-call": dict(outcome="scheduled", scheduled_for=dt.date(2026, 11, 23)),
    "ask-for-time": dict(outcome="no-time"),
    "three-day-check": dict(outcome="no-commitment"),
    "weekly-nudge": dict(outcome="no-answer", attempts=2),
}
SEEN = {"missed-call": dt.date(2026, 11, 25)}  # the agreed day has passed
NO_ROLE = {"name": "Priya Natarajan", "company": "Initech", "email": "priya@initech.example",
           "phone": "+1 415 555 0199"}
FULL = {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
        "email": "dana@acme.example", "phone": "+1 212 555 0123"}
LONG = {"name": "María José López García", "first_name": "María José", "company": "Compañía Grande S.A.",
        "role": "Senior Analista de Datos", "email": "mj@grande.example", "phone": "+44 20 7946 0000"}


@pytest.fixture(scope="module")
def writer(tmp_path_factory):
    plugins = build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms])
    config = Config(tmp_path_factory.mktemp("scripts") / "config.toml", {"profile": dict(PROFILE)})
    return Scriptwriter(config, plugins)


def write(writer, channel, stage, situation, contact):
    history = History(LAST, situation=situation, **HISTORIES[stage])
    plan = writer.plan(history, SEEN.get(stage, LAST))
    today = SEEN.get(stage) or max(plan.due, LAST)
    plan = writer.plan(history, today)
    assert plan.stage.value == stage
    return writer.write(channel, plan, contact, today=today)


def every(writer, contact, situations=SITUATIONS, channels=CHANNELS):
    for channel, stage, situation in itertools.product(channels, HISTORIES, situations):
        yield f"{channel}/{stage}/{situation}", write(writer, channel, stage, situation, contact)


def whole(message) -> str:
    return "\n".join(filter(None, [message.subject, message.text]))


# -- finding 2: calls that book ------------------------------------------------------------


@pytest.mark.parametrize("stage", list(HISTORIES))
def test_every_call_script_offers_two_concrete_times_and_reads_the_choice_back(writer, stage):
    for situation in SITUATIONS:
        text = write(writer, "call", stage, situation, FULL).text
        offer = re.search(r"Would (\w+day) at ([^?]+?) or (\w+day) at ([^?]+?) work for you\?", text)
        assert offer, text
        assert offer.group(1) != offer.group(3)  # two different days
        assert "so that's " in text and "I'll send you an invite." in text
        assert "later this week" not in text and "early next week" not in text


def test_a_call_due_on_a_thursday_or_friday_never_says_later_this_week(writer):
    for last in (dt.date(2026, 11, 23), dt.date(2026, 11, 24)):  # three-day checks due Thu, Fri
        plan = writer.plan(History(last, "no-commitment"), last)
        assert plan.due.strftime("%A") in ("Thursday", "Friday")
        for channel in ("call", "voicemail", "email", "sms"):
            text = whole(writer.write(channel, plan, FULL, today=plan.due))
            assert "later this week" not in text, (channel, text)


def test_the_offer_carries_the_contacts_time_zone_when_it_differs(tmp_path):
    profile = dict(PROFILE, timezone="America/New_York")
    writer = Scriptwriter(Config(tmp_path / "c.toml", {"profile": profile}),
                          build_plugin_manager(load_entrypoints=False))
    text = write(writer, "call", "three-day-check", "interview", dict(FULL, timezone="Europe/London")).text
    assert re.search(r"Would \w+day at [^?]+ or \w+day at [^?]+ London time work for you\?", text), text
    assert re.search(r"so that's \w+day at [^.]+ London time\. I'll send you an invite\.", text), text


# -- finding 7: situations that fit ----------------------------------------------------------


def test_networking_and_info_never_mention_a_role_that_was_not_given(writer):
    for where, message in every(writer, NO_ROLE, situations=("networking", "info")):
        assert not re.search(r"\brole\b", whole(message), re.I), (where, whole(message))


def test_no_subject_says_role_when_there_is_none(writer):
    for where, message in every(writer, NO_ROLE, channels=("email",)):
        assert "role" not in message.subject.lower(), (where, message.subject)


def test_an_info_message_names_what_was_asked(writer):
    contact = dict(NO_ROLE, topic="the team's hybrid policy")
    for where, message in every(writer, contact, situations=("info",)):
        assert "hybrid policy" in whole(message), (where, whole(message))


def test_nothing_pending_is_never_asked_about_as_if_it_were(writer):
    for where, message in every(writer, NO_ROLE, situations=("networking",)):
        assert "where things stand" not in message.text, where


# -- finding 8: email that reads like email (the form; threading is in test_seam) ----------


@pytest.mark.parametrize("contact", [FULL, NO_ROLE, LONG, {}], ids=["full", "no-role", "long", "empty"])
def test_subjects_fit_an_inbox_and_name_the_role_or_company(writer, contact):
    for where, message in every(writer, contact, channels=("email",)):
        subject = message.subject
        assert len(subject) <= 60, (where, subject)
        if "role" in contact:
            assert contact["role"] in subject or contact["company"] in subject, (where, subject)
        elif "company" in contact:
            assert contact["company"] in subject or message.plan.situation.value == "info", (where, subject)


def test_the_senders_name_is_in_the_subject_where_it_fits(writer):
    names = [message.subject for _, message in every(writer, NO_ROLE, channels=("email",))]
    with_name = [s for s in names if s.endswith(" - Ana Lima")]
    assert len(with_name) >= len(names) // 2, names
    assert all(len(s) <= 60 for s in names)


def test_a_weekly_nudge_keeps_one_subject_so_it_can_reply_in_its_thread(writer):
    subjects = set()
    for attempts in range(1, 9):
        plan = writer.plan(History(LAST, "no-answer", "interview", attempts=attempts), LAST)
        subjects.add(writer.write("email", plan, FULL, today=plan.due).subject)
    assert len(subjects) == 1, subjects


def test_the_text_part_is_not_hard_wrapped(writer):
    for where, message in every(writer, FULL, channels=("email",)):
        body = message.text.split("\n\n")
        paragraphs = body[1:next(i for i, p in enumerate(body) if p.endswith(("regards,", "wishes,", "best,")))]
        assert paragraphs and all("\n" not in p for p in paragraphs), (where, message.text)


# -- finding 9: speech ------------------------------------------------------------------------


@pytest.mark.parametrize("contact", [FULL, NO_ROLE, LONG], ids=["full", "no-role", "long"])
def test_voicemails_close_naturally_with_the_number_slowly(writer, contact):
    for where, message in every(writer, contact, channels=("voicemail",)):
        text = message.text
        last = text.strip().splitlines()[-1]
        assert "That was" not in text, where  # a radio sign-off
        assert "Ana Lima" in last and " ... " in last, (where, last)  # name, and the number slowly
        assert "looking forward to it" not in text and "I enjoyed it" not in text, (where, text)
        assert "we discussed" not in text, (where, text)
        assert len(re.findall(r"\brole\b", text)) <= 1, (where, text)


# -- finding 10: small slips ------------------------------------------------------------------


@pytest.mark.parametrize("contact", [FULL, LONG, dict(FULL, role="Engineer", company="Umbrella Inc.")],
                         ids=["full", "long", "initials"])
def test_articles_and_full_stops_are_right(writer, contact):
    for where, message in every(writer, contact):
        text = whole(message)
        assert ".." not in text.replace("...", ""), (where, text)
        for article, word in re.findall(r"\b([Aa]n?) ([A-Za-z]\w*)", text):
            assert article.lower() == a_or_an(word), (where, f"{article} {word}")


def test_thanks_for_your_help_only_where_they_helped(writer):
    for where, message in every(writer, FULL, situations=("application", "interview")):
        assert "for your help" not in whole(message), (where, whole(message))
    for week in range(1, 53):  # the text that said it every fourth week to everyone
        plan = writer.plan(History(LAST, "no-answer", "application", attempts=week), LAST)
        assert "for your help" not in writer.write("sms", plan, FULL, today=plan.due).text
