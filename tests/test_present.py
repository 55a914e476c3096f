"""present/: every fact worded for people, once. Each function is checked on its own,
and the front ends are checked to word the same fact the same way."""

from __future__ import annotations

import datetime as dt
import shlex

import pytest

from followup_script.channels.base import Message, Receipt
from followup_script.engine.stages import History, Outcome, overdue_words, plan
from followup_script.errors import InputError
from followup_script.present.files import write_file
from followup_script.present.message import (
    delivered_where,
    delivery_target,
    length_facts,
    length_line,
    text_report,
)
from followup_script.present.plan import due_words, plan_line, plan_sentence, status_words
from followup_script.present.shell import shell_quote

from .conftest import TODAY

OVERDUE = plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT), TODAY)  # due Mon 23 Nov
AGREED = plan(History(dt.date(2026, 11, 24), Outcome.SCHEDULED, scheduled_for=dt.datetime(2026, 11, 27, 10, 30)),
              TODAY)
LATER = plan(History(dt.date(2026, 11, 25), Outcome.NO_ANSWER), TODAY)  # due Wed 2 Dec
TODAYS = plan(History(dt.date(2026, 11, 22), Outcome.NO_COMMITMENT), TODAY)  # Sun 22 + 3 = Wed 25
DONE = plan(History(dt.date(2026, 11, 20), Outcome.REPLIED), TODAY)
STOPPED = plan(History(dt.date(2026, 11, 20), Outcome.STOP), TODAY)


def message(plan_=OVERDUE, text="Hi Dana.\n", **extra):
    fields = {"channel": "voicemail", "kind": "voicemail", "plan": plan_, "text": text, "profile": {},
              "contact": {"name": "Dana Reyes"}}
    fields.update(extra)
    return Message(**fields)


# -- plan ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("days,words", [(1, "1 day overdue"), (2, "2 days overdue"), (31, "31 days overdue")])
def test_overdue_words_count_days(days, words):
    assert overdue_words(days) == words


def test_the_engine_reason_words_lateness_with_the_same_function():
    late = plan(History(dt.date(2026, 11, 1), Outcome.NO_COMMITMENT), TODAY)
    assert f"It is {overdue_words(late.overdue_days)}: do it today." in late.reason
    one = plan(History(dt.date(2026, 11, 21), Outcome.NO_COMMITMENT), TODAY, business_days=False)
    assert one.overdue_days == 1 and "It is 1 day overdue" in one.reason


def test_due_words_add_the_agreed_time():
    assert due_words(OVERDUE) == "Monday 23 November 2026"
    assert due_words(AGREED) == "Friday 27 November 2026 at 10:30"


def test_plan_line():
    assert plan_line(None) == "no plan: no touches logged"
    assert plan_line(OVERDUE) == "three-day-check (attempt 1) on Monday 23 November 2026, 2 days overdue"
    assert plan_line(AGREED) == "scheduled-call (attempt 1) on Friday 27 November 2026 at 10:30"
    assert plan_line(DONE) == "done" and plan_line(STOPPED) == "stopped"


def test_plan_sentence():
    assert plan_sentence(OVERDUE) == (
        "Next: three-day-check (attempt 1), due Monday 23 November 2026, 2 days overdue. "
        f"Why: {OVERDUE.reason}")
    assert plan_sentence(AGREED).startswith("Next: scheduled-call (attempt 1), due Friday 27 November 2026 "
                                            "at 10:30. Why: On ")
    assert plan_sentence(DONE) == f"Done: {DONE.reason}"
    assert plan_sentence(STOPPED) == f"Stopped: {STOPPED.reason}"


def test_status_words():
    assert status_words(OVERDUE, TODAY) == "2 days overdue"
    assert status_words(TODAYS, TODAY) == "due today"
    assert status_words(LATER, TODAY) == "due Wed 2 Dec"
    assert status_words(None, TODAY) == "no touches yet"
    assert status_words(DONE, TODAY) == "done"
    assert status_words(STOPPED, TODAY) == "stopped"
    assert status_words(LATER, TODAY, stopped=True) == "stopped"


# -- the message --------------------------------------------------------------------------------


def test_length_facts_in_each_unit():
    assert length_facts({}) == []
    assert length_facts({"words": 46, "estimated_seconds": 26.4, "budget_seconds": 30}) == [
        "about 26.4 s to say (budget 30 s)", "46 words"]
    assert length_facts({"estimated_seconds": 20.0}) == ["about 20 s to say"]
    assert length_facts({"segments": 1, "characters": 120, "words": 20}) == [
        "1 SMS segment (120 characters)", "20 words"]
    assert length_facts({"segments": 2, "characters": 200}) == ["2 SMS segments (200 characters)"]


def test_length_line_is_the_channel_and_its_facts():
    assert length_line(message(metrics={"words": 46, "estimated_seconds": 26.4, "budget_seconds": 30})) == (
        "voicemail: about 26.4 s to say (budget 30 s), 46 words")
    assert length_line(message()) == "voicemail: ready"
    mail = message(channel="email", kind="email", subject="Following up", metrics={"words": 80})
    assert length_line(mail) == "email: 80 words\nSubject: Following up"


def test_text_report_of_a_script():
    report = text_report(message(metrics={"words": 46, "estimated_seconds": 26.4, "budget_seconds": 30}))
    assert report.splitlines() == [
        "Stage:   three-day-check (attempt 1)",
        "Due:     Monday 23 November 2026 (2 days overdue)",
        f"Why:     {OVERDUE.reason}",
        "Channel: voicemail · about 26.4 s to say (budget 30 s) · 46 words",
        "",
        "Hi Dana.",
    ]


def test_text_report_with_subject_and_receipt():
    mail = message(LATER, channel="email", kind="email", subject="Checking in", metrics={"words": 3})
    report = text_report(mail, Receipt("email", id="draft-7", url="https://mail.example/7"))
    lines = report.splitlines()
    assert "Due:     Wednesday 2 December 2026" in lines  # not overdue: no lateness words
    assert lines[3:] == ["Channel: email · 3 words", "Subject: Checking in", "", "Hi Dana.", "",
                         "Delivered: id=draft-7, url=https://mail.example/7"]


@pytest.mark.parametrize("plan_,words", [(DONE, "they got back to you."),
                                         (STOPPED, "they asked you to stop, so nothing more is sent.")])
def test_text_report_without_a_script(plan_, words):
    report = text_report(message(plan_, text=None))
    assert "Due:" not in report and "Channel:" not in report
    assert report.endswith(f"\n\nNo script: {words}\n")


def test_delivery_target_is_what_the_channel_reaches_them_by():
    both = {"name": "Dana", "phone": "+1 555", "email": "d@x.io"}
    assert delivery_target(message(contact=both, channel="email", kind="email")) == "d@x.io"
    assert delivery_target(message(contact=both, channel="sms", kind="sms")) == "+1 555"  # a text: the phone
    assert delivery_target(message(contact=both)) == "+1 555"  # a voicemail: the phone
    assert delivery_target(message(contact=both, channel="drop", kind="postcard")) == "d@x.io"  # else email first
    assert delivery_target(message(contact={"name": "Dana", "email": "d@x.io"}, channel="sms", kind="sms")) == "Dana"
    assert delivery_target(message(contact={"name": "Dana"})) == "Dana"
    assert delivery_target(message(contact={})) == "the contact"


@pytest.mark.parametrize("fields,where", [
    ({"id": "1", "url": "u", "path": "p", "detail": "d"}, "1"),
    ({"url": "u", "path": "p", "detail": "d"}, "u"),
    ({"path": "p", "detail": "d"}, "p"),
    ({"detail": "queued by the provider"}, "queued by the provider"),
    ({}, "no id"),
])
def test_delivered_where_from_a_receipt_or_its_stored_dict(fields, where):
    receipt = Receipt("postcard", **fields)
    assert delivered_where(receipt) == where
    assert delivered_where(receipt.to_dict()) == where  # as the tracker stores it
    assert delivered_where(None) == "no id"


# -- shell quoting and files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Dana", "Dana Reyes", "O'Brien", 'say "hi"', "José Núñez", "a;rm -rf ~", "$HOME",
                                  "-n", ""])
def test_shell_quote_reads_back_as_one_word(name):
    quoted = shell_quote(name)
    assert shlex.split(f"followup-script log {quoted}") == ["followup-script", "log", name]


def test_shell_quote_leaves_a_plain_word_alone():
    assert shell_quote("dana.reyes@acme") == "dana.reyes@acme"
    assert shell_quote("Dana Reyes") == "'Dana Reyes'"


def test_write_file_whole_or_not_at_all(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    write_file(folder / "out.txt", b"one")
    write_file(str(folder / "out.txt"), b"two")
    assert (folder / "out.txt").read_bytes() == b"two"
    assert [p.name for p in folder.iterdir()] == ["out.txt"]  # no temporary file left


def test_write_file_problems_name_the_output(tmp_path):
    with pytest.raises(InputError) as folder:
        write_file(tmp_path, b"x")
    assert (folder.value.field, folder.value.value) == ("output", str(tmp_path))
    assert folder.value.sentence("--output") == f"--output {str(tmp_path)!r} is a directory; give a file name"
    with pytest.raises(InputError) as missing:
        write_file(tmp_path / "nope" / "x.txt", b"x")
    assert str(missing.value).startswith(f"output {str(tmp_path / 'nope' / 'x.txt')!r} is in folder ")
    assert str(missing.value).endswith("which does not exist; create it first")


def test_write_file_that_cannot_be_written_leaves_nothing(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    too_long = folder / ("x" * 300)  # over any file system's name limit, even for root
    with pytest.raises(InputError, match=r"cannot be written \(File name too long\); pick another path"):
        write_file(too_long, b"x")
    assert list(folder.iterdir()) == []
