"""#15 verification, as a career coach reads the built-ins: no sentence names the company twice
("I'd be excited to join Acme Analytics, and I hope to hear how my application for the Data
Engineer role at Acme Analytics is coming along": the email's weekly nudge, every sixth week).
Every channel (the SMS plugin's too), every stage and situation, weeks 1-8 of nudges."""

from __future__ import annotations

import datetime as dt
import re

import followup_script_sms
import pytest

from followup_script import History, Scriptwriter
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

from .conftest import PROFILE

LAST = dt.date(2026, 11, 20)
CONTACTS = {
    "role": {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
             "email": "dana@acme.example", "phone": "+1 212 555 0123"},
    "company": {"name": "Priya Natarajan", "company": "Initech", "email": "priya@initech.example",
                "phone": "+1 415 555 0199"},
}
HISTORIES = [dict(outcome="scheduled", scheduled_for=dt.datetime(2026, 11, 27, 10, 30)),
             dict(outcome="no-time"), dict(outcome="no-commitment"),
             *(dict(outcome="no-answer", attempts=week) for week in range(1, 9))]


@pytest.mark.parametrize("who", sorted(CONTACTS))
def test_no_sentence_names_the_company_twice(tmp_path, who):
    contact = CONTACTS[who]
    plugins = build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms])
    writer = Scriptwriter(Config(tmp_path / "config.toml", {"profile": dict(PROFILE)}), plugins)
    twice = []
    for channel in ("voicemail", "call", "email", "sms"):
        for situation in ("application", "interview", "networking", "info"):
            for history in HISTORIES:
                plan = writer.plan(History(LAST, situation=situation, **history), LAST)
                message = writer.write(channel, plan, contact, today=max(plan.due, LAST))
                twice += [f"{channel}/{plan.stage.value}/{situation}/{plan.attempt}: {sentence}"
                          for sentence in re.split(r"(?<=[.?!])\s+", message.text)
                          if sentence.count(contact["company"]) > 1]
    assert twice == [], "\n".join(twice)
