"""An outside judge of every built-in script (#15): what a career coach would check,
measured by tools that are not ours.

Every stage x situation x channel (voicemail, call, email and the SMS plugin's sms) is
written for several contacts (a plain one, long accented names with a UK number, a
title and a topic, a generic "Hiring Manager"), weekly nudges for attempts 1-20, and
from two profiles (a US number, and a UK number said abroad: 12 digits read twice).
Each message must be:

- warm: VADER's compound score above 0.3, and no weekly nudge below week 1's less 0.05;
- easy to read: Flesch reading ease of at least 60 (textstat's formula and word and
  sentence counts, with the syllables of its own fallback counter, pyphen: textstat's
  first choice, the CMU dictionary, is a download at run time that CI cannot make);
- the right length: a voicemail within 30 s on the tool's own timing, an email body of
  50 to 150 words, a subject of at most 60 characters;
- varied: no two of any 8 weekly nudges in a row to one contact on one channel are the
  same text, and two in a row share at most 60% of their words (difflib's ratio over the
  words, with the names, numbers and every value the user gave, their call hours too,
  left out), for the messages a contact receives (voicemail, email, SMS). A call script is the user's own
  talk track: its booking and fallback lines are the same by design, so only its
  distinctness is checked.

It renders ~1,900 messages with one writer per profile and scores each text once with
one VADER analyzer.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import cache

import followup_script_sms
import pyphen
import pytest
import textstat
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from followup_script import History, Scriptwriter
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.writing.context import build_context

LAST = dt.date(2026, 11, 20)  # a Friday
CHANNELS = ("voicemail", "call", "email", "sms")
SITUATIONS = ("application", "interview", "networking", "info")
WEEKS = range(1, 21)
PROFILES = {
    "us": {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana.lima@example.com"},
    "uk": {"name": "Ana Lima", "phone": "+44 20 7946 0958", "email": "ana.lima@example.com"},
}
CONTACTS = {
    "plain": {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
              "email": "dana@acme.example", "phone": "+1 212 555 0123"},
    "long": {"name": "María José López García", "first_name": "María José",
             "company": "Compañía Grande S.A.", "role": "Analista de Datos",
             "email": "mj@grande.example", "phone": "+44 20 7946 0000"},
    "titled": {"name": "Dr. Priya Natarajan", "company": "Initech", "topic": "the team's hybrid policy",
               "phone": "+1 415 555 0199"},
    "generic": {"name": "Hiring Manager"},
}
ONE_OFF = {
    "scheduled-call": dict(outcome="scheduled", scheduled_for=dt.datetime(2026, 11, 27, 10, 30)),
    "missed-call": dict(outcome="scheduled", scheduled_for=dt.date(2026, 11, 23), seen=dt.date(2026, 11, 25)),
    "ask-for-time": dict(outcome="no-time"),
    "three-day-check": dict(outcome="no-commitment"),
}
RECEIVED = ("voicemail", "email", "sms")  # what the contact gets (a call script is the user's)

VADER = SentimentIntensityAnalyzer()
SYLLABLES = pyphen.Pyphen(lang="en_US")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@cache
def syllables(word: str) -> int:
    return len(SYLLABLES.positions(word.lower())) + 1


def flesch(text: str) -> float:
    """Flesch reading ease: 206.835 - 1.015 words/sentences - 84.6 syllables/word."""
    words = _WORD.findall(text)
    sentences = max(1, textstat.sentence_count(text))
    return 206.835 - 1.015 * len(words) / sentences - 84.6 * sum(map(syllables, words)) / len(words)


@cache
def compound(text: str) -> float:
    """VADER's compound score (each text scored once, whichever test asks first)."""
    return VADER.polarity_scores(text)["compound"]


def own_words(message) -> list[str]:
    """The message's words without names, numbers or anything the user supplied."""
    text = "\n".join(filter(None, [message.subject, message.text]))
    supplied = set(message.data_values()) | {v for v in message.profile.values() if isinstance(v, str)}
    supplied.add(build_context(message.plan, message.profile, message.contact, LAST)["me"]["callback_window"])
    for value in sorted(supplied, key=len, reverse=True):
        if value.strip():
            text = text.replace(value, " ")
    return [w for w in _WORD.findall(text.lower()) if w not in _SPOKEN_NUMBER]


# a phone number said aloud, a word at a time (the number itself is the user's)
_SPOKEN_NUMBER = set("zero one two three four five six seven eight nine plus extension".split())


def similarity(a, b) -> float:
    return difflib.SequenceMatcher(None, own_words(a), own_words(b), autojunk=False).ratio()


_HOME = {}


@pytest.fixture(scope="module", autouse=True)
def _home(tmp_path_factory):
    """A config folder of its own (no templates of a user's), for the cached writers."""
    _HOME["path"] = tmp_path_factory.mktemp("judge") / "config.toml"


@cache
def writer(profile: str) -> Scriptwriter:
    plugins = build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms])
    return Scriptwriter(Config(path=_HOME["path"], data={"profile": dict(PROFILES[profile])}), plugins)


def write(profile, channel, situation, contact, seen=None, **history):
    """The message for ``history``, written on its due day (or on ``seen``)."""
    w = writer(profile)
    plan = w.plan(History(LAST, situation=situation, **history), seen or LAST)
    today = seen or (max(plan.due, LAST) if plan.due else LAST)
    plan = w.plan(History(LAST, situation=situation, **history), today)
    assert plan.active
    return w.write(channel, plan, CONTACTS[contact], today=today)


@cache
def series(profile: str, channel: str, situation: str, contact: str) -> tuple:
    """Weekly nudges 1-20 (the first after the three-day check is week 1)."""
    return tuple(write(profile, channel, situation, contact, outcome="no-answer", attempts=week)
                 for week in WEEKS)


def every_message():
    for profile in PROFILES:
        for channel in CHANNELS:
            if profile == "uk" and channel != "voicemail":
                continue  # the UK profile is there for the voicemail's timing
            for situation in SITUATIONS:
                for contact in CONTACTS:
                    for stage, history in ONE_OFF.items():
                        yield f"{profile}/{channel}/{situation}/{contact}/{stage}", \
                            write(profile, channel, situation, contact, **history)
                    for week, message in enumerate(series(profile, channel, situation, contact), 1):
                        yield f"{profile}/{channel}/{situation}/{contact}/week {week}", message


def test_every_message_is_warm_readable_and_the_right_length():
    problems = []
    for where, m in every_message():
        text = m.text
        if m.channel == "voicemail" and m.metrics["estimated_seconds"] > 30:
            problems.append(f"{where}: {m.metrics['estimated_seconds']} s")
        if where.startswith("uk/"):
            continue  # the same words as from the US profile, but for the number: timed only
        score = compound(text)
        if score <= 0.3:
            problems.append(f"{where}: VADER {score}")
        ease = flesch(text)
        if ease < 60:
            problems.append(f"{where}: Flesch {ease:.0f}")
        if m.channel == "email":
            if not 50 <= m.metrics["words"] <= 150:
                problems.append(f"{where}: {m.metrics['words']} words")
            if len(m.subject) > 60:
                problems.append(f"{where}: subject of {len(m.subject)}: {m.subject!r}")
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.parametrize("channel", CHANNELS)
def test_weekly_nudges_vary_and_never_cool(channel):
    problems = []
    for situation in SITUATIONS:
        for contact in CONTACTS:
            nudges = series("us", channel, situation, contact)
            texts = [m.text for m in nudges]
            where = f"{channel}/{situation}/{contact}"
            for i in range(len(texts) - 7):
                if len(set(texts[i:i + 8])) != 8:
                    problems.append(f"{where}: weeks {i + 1}-{i + 8} repeat a text")
            first = compound(texts[0])
            for week, text in enumerate(texts, 1):
                score = compound(text)
                if score < first - 0.05:
                    problems.append(f"{where}: week {week} VADER {score} < week 1 {first} - 0.05")
            if channel in RECEIVED:
                for week, (a, b) in enumerate(zip(nudges, nudges[1:]), 1):
                    ratio = similarity(a, b)
                    if ratio > 0.6:
                        problems.append(f"{where}: weeks {week} and {week + 1} share {ratio:.2f}")
    assert problems == [], "\n".join(problems[:20])
