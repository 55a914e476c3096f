"""A writer prepared once for many messages (compose/prepared.py, what a batch writes its rows
with) writes, row after row, exactly what a fresh ``Scriptwriter.write`` writes for each row
alone: no row sees another's contact, sender, scene, settings or changes."""

import datetime as dt
import itertools

import pytest

import followup_script
from followup_script import Channel, History, Scriptwriter
from followup_script.compose.batch import Row, generate
from followup_script.plugins.manager import build_plugin_manager
from followup_script.writing.context import Sender, build_context

from .conftest import PROFILE, TODAY

# Contacts of every kind: names not ASCII, a title, a generic addressee, a name to greet given,
# a whole greeting, phones abroad and at home, time zones, call hours, news, a topic.
CONTACTS = [
    {"name": "Chloé Park", "company": "Acme", "role": "Data Engineer", "email": "chloe@acme.example"},
    {"name": "Dr. Priya Natarajan", "company": "Globex", "role": "Analyst", "phone": "+44 20 7946 0958",
     "timezone": "Europe/London"},
    {"name": "Dana Reyes", "company": "Initech", "role": "Urgent Care Nurse"},
    {"name": "Nguyễn Văn An", "company": "Hooli", "first_name": "An", "phone": "+84 24 3825 3538",
     "timezone": "Asia/Ho_Chi_Minh", "call_window": "09:00-11:00"},
    {"name": "Hiring Manager", "company": "Umbrella", "role": "Backend Developer", "phone": "(555) 123-4567"},
    {"name": "Анна Иванова", "company": "Acme", "greeting": "Dear Anna,", "update": "I just finished a course in SQL."},
    {"name": "Zoë Kim", "company": "Company 3", "role": "Analyst", "topic": "the data team",
     "phone": "+49 30 123456"},
    {"name": "Sir Alex Ferguson", "company": "Initech", "timezone": "America/New_York"},
]
LAST = dt.date(2026, 11, 20)
# Every stage (done and stopped included) and every situation.
HISTORIES = [
    History(LAST, "no-commitment", "application"),
    History(LAST, "no-answer", "interview", attempts=2),
    History(TODAY, "no-time", "networking"),
    History(LAST, "scheduled", "interview", dt.datetime(2026, 11, 27, 10, 30)),
    History(LAST, "scheduled", "info", dt.date(2026, 11, 23)),
    History(LAST, "no-commitment", "info", attempts=1),
    History(LAST, "replied", "application"),
    History(LAST, "stop", "networking"),
]
CASES = list(zip(itertools.cycle(CONTACTS), HISTORIES * 2, strict=False))
CASES += list(zip(reversed(CONTACTS), HISTORIES, strict=True))


def shown(message) -> dict:
    """Everything a message carries that a front end shows or delivers."""
    return {**message.to_dict(), "html": message.html, "template": message.template,
            "profile": message.profile, "contact": message.contact, "via": message.via,
            "data": sorted(message.data_values())}


@pytest.fixture
def writer(config):
    import followup_script_sms

    return Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms]))


@pytest.mark.parametrize("channel", ["voicemail", "call", "email", "sms"])
def test_one_prepared_writer_writes_each_row_as_write_does_alone(writer, channel, speedups):
    prepared = writer.prepare(channel, today=TODAY)
    for contact, history in CASES:
        plan = writer.plan(history, TODAY)
        alone = writer.write(channel, plan, contact, today=TODAY)
        assert shown(prepared.write(plan, contact)) == shown(alone), (contact["name"], plan.stage)


def test_the_senders_context_is_the_one_built_without_it(speedups):
    """A Sender made once gives every contact the context made from the profile alone:
    a contact abroad then one at home (its scene is not carried on), every stage."""
    sender = Sender(PROFILE)
    plan = followup_script.plan(History(LAST, "no-commitment"), TODAY)
    for them, dial, zone in [({}, "(555) 123-4567", ""), ({"phone": "+44 20 7946 0958"}, "+1 555-123-4567", "my time"),
                             ({}, "(555) 123-4567", ""), ({"timezone": "Europe/London"}, "+1 555-123-4567", "London time"),
                             ({"phone": "(555) 123-4567"}, "(555) 123-4567", ""), ({}, "(555) 123-4567", "")]:
        context = build_context(plan, PROFILE, {"name": "Dana", **them}, TODAY, sender)
        assert (context["me"]["phone_dial"], context["zone_words"]) == (dial, zone), them
    for profile in (PROFILE, {**PROFILE, "phone": "+44 20 7946 0000", "timezone": "Europe/London"},
                    {"name": "Ana Carolina Lima", "clock": "24h"}):
        sender = Sender(profile)
        for contact, history in CASES:
            plan = followup_script.plan(history, TODAY)
            if plan.active:
                assert build_context(plan, profile, contact, TODAY, sender) == \
                    build_context(plan, profile, contact, TODAY), (profile, contact["name"])


def test_a_batch_writes_each_row_as_write_does_and_a_rows_sender_is_its_own(writer):
    rows = [Row(n + 2, {"name": c["name"], "company": c.get("company", ""), "phone": c.get("phone", ""),
                        "last_contact": "2026-11-20", "outcome": "no-commitment",
                        "from_name": "Ana Carolina Lima" if n == 1 else ""})
            for n, c in enumerate(CONTACTS)]
    results = list(generate(writer, rows, "voicemail", TODAY, True))
    assert [r.error for r in results] == [None] * len(rows)
    for row, result in zip(rows, results, strict=True):
        profile = {**PROFILE, "name": "Ana Carolina Lima"} if row.values["from_name"] else PROFILE
        contact = {k: v for k, v in row.values.items() if v and k in ("name", "company", "phone")}
        plan = writer.plan(History(LAST, "no-commitment"), TODAY)
        assert shown(result.message) == shown(writer.write("voicemail", plan, contact, profile, today=TODAY))
    assert results[1].message.profile["name"] == "Ana Carolina Lima"
    assert results[2].message.profile["name"] == "Ana Lima"  # the row after it has the run's sender


class Meddler:
    """A channel whose finish changes what it is handed: the settings, the message's profile
    and contact. None of it may reach the next message."""

    @followup_script.hookimpl
    def register_channels(self, register):
        def finish(message, job):
            message.metrics["seen"] = job.settings.get("seen", 0) + 1
            job.settings["seen"] = message.metrics["seen"]
            message.metrics["profile_name"] = message.profile.get("name")
            message.metrics["company"] = message.contact.get("company")
            message.profile["name"] = "Someone Else"
            message.contact["company"] = "Nowhere"

        register(Channel(name="meddler", description="changes what it is handed", kind="voicemail",
                         finish=finish))


def test_what_a_finish_changes_stays_with_its_own_message(config):
    writer = Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=[Meddler()]))
    prepared = writer.prepare("meddler", today=TODAY)
    plan = writer.plan(History(LAST, "no-commitment"), TODAY)
    for contact in CONTACTS[:3]:
        message = prepared.write(plan, contact)
        assert message.metrics["seen"] == 1
        assert message.metrics["profile_name"] == "Ana Lima"
        assert message.metrics["company"] == contact["company"]
        assert message.profile["name"] == "Someone Else"  # what the finish made, which the guard read
        assert "Someone Else" in message.data_values()
    assert prepared.profile == PROFILE and CONTACTS[0]["company"] == "Acme"


def test_a_prepared_writer_keeps_the_profile_it_was_prepared_for(writer):
    profile = dict(PROFILE)
    prepared = writer.prepare("voicemail", profile, TODAY)
    profile["name"] = "Someone Else"
    message = prepared.write(writer.plan(History(LAST, "no-commitment"), TODAY), CONTACTS[0])
    assert message.profile["name"] == "Ana Lima" and "Ana Lima" in message.text
