"""The wizard: each question built by a pure function, and the flow driven through
prompt_toolkit's pipe input (no terminal needed)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import stat
import tomllib

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from followup_script import Channel, Scriptwriter, hookimpl
from followup_script.engine.stages import History, Outcome, Situation, plan
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.present.message import length_line
from followup_script.present.plan import plan_sentence, status_words
from followup_script.tracker.service import Tracker
from followup_script.tracker.store import Store
from followup_script.wizard import flow, questions
from followup_script.wizard.flow import Wizard
from followup_script.wizard.questions import ANOTHER_DATE, NOTHING_NEW, OUTCOME_WORDS

from .conftest import PROFILE, TODAY

ENTER = "\r"
CTRL_C = "\x03"
CTRL_U = "\x15"  # clear the line


# -- questions: pure functions --------------------------------------------------------------------


def test_profile_name_question():
    q = questions.profile_name()
    assert q.kind == "text" and q.default == ""
    assert q.check("   ") == "name '   ' is empty; give a name"
    assert q.check("x" * 201).startswith("name 'xxxxxxxxxxxxxxxxxxxx'... is 201 characters")
    assert q.check("Ana Lima") is True
    assert q.answer("  Ana   Lima ") == "Ana Lima"
    assert questions.profile_name("Ana Lima").default == "Ana Lima"


@pytest.mark.parametrize("text", ["555 12", "call me", "+1 555 123 4567 ext nine", ""])
def test_profile_phone_refuses(text):
    result = questions.profile_phone().check(text)
    assert isinstance(result, str) and "is not a phone number" in result


def test_profile_phone_is_normalised():
    q = questions.profile_phone()
    assert q.check("+1  555 123   4567") is True
    assert q.answer("  +1  555 123   4567 ") == "+1 555 123 4567"
    assert q.instruction == "(e.g. +1 555 123 4567)"


def test_profile_email_question():
    q = questions.profile_email("ana@example.com")
    assert q.default == "ana@example.com"
    assert q.check("ana@") == "email 'ana@' is not an email address; use e.g. 'ana@example.com'"
    assert q.check("ana lima@example.com") is not True
    assert q.answer(" ana@example.com ") == "ana@example.com"


def test_contact_email_and_phone_may_be_left_empty():
    for q in (questions.contact_email(), questions.contact_phone()):
        assert q.check("") is True and q.answer("  ") is None
    assert questions.contact_email().check("dana@") is not True
    assert questions.contact_phone().check("12") is not True
    assert questions.contact_company().answer("  Acme   Analytics ") == "Acme Analytics"
    assert questions.contact_role().answer("") is None


def test_situation_question_speaks_in_the_first_person():
    q = questions.contact_situation()
    assert q.values() == list(Situation)
    assert q.default is Situation.APPLICATION
    assert q.titles()[0] == "I sent a resume or an application"


def test_what_happened_offers_the_six_plain_answers():
    q = questions.what_happened()
    assert q.kind == "select"
    assert q.titles() == [
        "We talked and agreed on a time",
        "They could not give me a time",
        "They said they would get back to me",
        "I left a message / no answer",
        "They replied",
        "They asked me to stop",
    ]
    assert q.values() == list(Outcome)
    assert q.default is Outcome.NO_COMMITMENT


def test_what_happened_for_a_tracked_contact_starts_with_nothing_new():
    q = questions.what_happened("Friday 20 November 2026", "What happened last with Dana?")
    assert q.message == "What happened last with Dana?"
    assert q.values()[0] == NOTHING_NEW and q.default == NOTHING_NEW
    assert q.titles()[0] == "Nothing new since Friday 20 November 2026"
    assert questions.what_happened(None, default=Outcome.NO_ANSWER).default is Outcome.NO_ANSWER


def test_every_select_has_unique_valid_shortcut_keys():
    from questionary.prompts.common import InquirerControl

    channels = build_plugin_manager(load_entrypoints=False).channels.values()
    selects = [questions.what_happened("x"), questions.when_happened(TODAY), questions.contact_situation(),
               questions.pick_channel(channels), questions.next_action("email", True, True, True),
               questions.after_no_script()]
    for q in selects:
        keys = [o.key for o in q.choices if o.key]
        assert len(keys) == len(set(keys)), q.message
        assert all(k in InquirerControl.SHORTCUT_KEYS for k in keys), q.message
        assert q.default in q.values(), q.message


def test_when_happened_choices_and_default():
    q = questions.when_happened(TODAY)
    assert q.values() == [TODAY, dt.date(2026, 11, 24), ANOTHER_DATE]
    assert q.titles() == ["Today (Wednesday 25 November 2026)", "Yesterday (Tuesday 24 November 2026)",
                          "Another date"]
    assert q.default == TODAY


def test_other_date_refuses_the_future_and_bad_dates():
    q = questions.other_date(TODAY)
    assert q.answer("2026-11-20") == dt.date(2026, 11, 20)
    assert q.answer("yesterday") == dt.date(2026, 11, 24)
    assert q.check("2026-11-26") == "date 2026-11-26 is after today (2026-11-25); give the day it happened"
    assert "is not a date; use YYYY-MM-DD" in q.check("20/11/2026")


def test_agreed_time_question():
    q = questions.agreed_time(dt.date(2026, 11, 20), TODAY)
    assert q.answer("2026-11-27 10:30") == dt.datetime(2026, 11, 27, 10, 30)
    assert q.answer("2026-11-27") == dt.date(2026, 11, 27)
    assert "before the conversation on 2026-11-20" in q.check("2026-11-19 09:00")
    assert "is empty" in q.check(" ")
    assert "is not a date and time" in q.check("next friday at ten")


def test_pick_channel_lists_every_channel_with_the_default():
    channels = build_plugin_manager(load_entrypoints=False).channels
    q = questions.pick_channel(channels.values())
    assert q.values() == ["call", "email", "voicemail"]
    assert q.default == "voicemail"
    assert q.titles()[1].startswith("email: ")
    assert questions.pick_channel(channels.values(), "email").default == "email"
    assert questions.pick_channel(channels.values(), "pigeon").default == "call"


def test_next_action_offers_only_what_can_be_done():
    full = questions.next_action("email", clipboard=True, can_deliver=True, can_log=True)
    assert full.values() == ["copy", "save", "deliver", "log", "channel", "another", "quit"]
    assert "Deliver it through email" in full.titles()
    assert full.default == "copy"
    bare = questions.next_action("voicemail", clipboard=False, can_deliver=False, can_log=False)
    assert bare.values() == ["save", "channel", "another", "quit"]
    assert bare.default == "save"


def test_save_path_question(tmp_path):
    q = questions.save_path("followup.txt")
    assert q.default == "followup.txt"
    assert q.check(str(tmp_path)).endswith("is a folder; give a file name")
    assert "does not exist; create it first" in q.check(str(tmp_path / "no" / "x.txt"))
    assert "is empty" in q.check("  ")
    assert q.answer(str(tmp_path / "x.txt")) == tmp_path / "x.txt"


def test_confirmations_default_to_the_safe_answer(tmp_path):
    assert questions.confirm_delivery("email", "dana@acme.example").default is False
    assert questions.overwrite(tmp_path / "x").default is False
    assert questions.save_profile(tmp_path / "c.toml").default is True
    assert str(tmp_path / "c.toml") in questions.save_profile(tmp_path / "c.toml").message


def test_pick_contact_completes_names_with_their_status():
    q = questions.pick_contact([("Dana Reyes", "2 days overdue"), ("Lee Park", "stopped")])
    assert q.kind == "autocomplete"
    assert q.titles() == ["Dana Reyes", "Lee Park"]
    assert q.hints == {"Dana Reyes": "2 days overdue", "Lee Park": "stopped"}
    assert q.check("") is not True and q.answer(" Dana  Reyes") == "Dana Reyes"


def test_status_words_and_plan_sentence():
    overdue = plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT), TODAY)
    assert status_words(overdue, TODAY) == "2 days overdue"
    later = plan(History(dt.date(2026, 11, 25), Outcome.NO_ANSWER), TODAY)
    assert status_words(later, TODAY) == "due Wed 2 Dec"
    assert status_words(None, TODAY) == "no touches yet"
    assert status_words(later, TODAY, stopped=True) == "stopped"
    sentence = plan_sentence(overdue)
    assert sentence.startswith("Next: three-day-check (attempt 1), due Monday 23 November 2026, "
                               "2 days overdue. Why: Nothing was committed")
    stopped = plan(History(dt.date(2026, 11, 20), Outcome.STOP), TODAY)
    assert plan_sentence(stopped).startswith("Stopped: They asked not to be contacted")


def test_length_line_per_channel(writer):
    due = plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT), TODAY)
    contact = {"name": "Dana Reyes", "company": "Acme", "role": "Data Engineer", "phone": "+1 555 987 6543"}
    voicemail = writer.write("voicemail", due, contact, today=TODAY)
    assert length_line(voicemail).startswith("voicemail: about ")
    assert "s to say (budget 30 s)" in length_line(voicemail)
    mail = writer.write("email", due, contact, today=TODAY)
    assert f"\nSubject: {mail.subject}" in length_line(mail)


def test_length_line_counts_sms_segments(config):
    sms = pytest.importorskip("followup_script_sms")
    writer = Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=[sms]))
    due = plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT), TODAY)
    message = writer.write("sms", due, {"name": "Dana Reyes", "phone": "+1 555 987 6543"}, today=TODAY)
    assert f"1 SMS segment ({message.metrics['characters']} characters)" in length_line(message)


def _fake_tool(folder, name, target):
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!/bin/sh\ncat > '{target}'\n")
    tool.chmod(0o755)
    return tool


def test_clipboard_command_needs_a_tool_and_a_display(tmp_path):
    bin_dir = tmp_path / "bin"
    tool = _fake_tool(bin_dir, "xclip", tmp_path / "clip")
    assert flow.clipboard_command({"PATH": str(bin_dir), "DISPLAY": ":0"}) == [
        str(tool), "-selection", "clipboard"]
    assert flow.clipboard_command({"PATH": str(bin_dir)}) is None
    assert flow.clipboard_command({"PATH": str(tmp_path / "empty")}) is None
    mac = _fake_tool(bin_dir, "pbcopy", tmp_path / "clip")
    assert flow.clipboard_command({"PATH": str(bin_dir)}) == [str(mac)]


def test_file_name_and_via():
    assert questions.file_name("Dana Reyes-Ortiz", "email", "email") == "followup-dana-reyes-ortiz-email.eml"
    assert questions.file_name("José", "voicemail", "voicemail") == "followup-jose-voicemail.txt"
    assert questions.VIA_FOR_OUTCOME[Outcome.NO_ANSWER] == "voicemail"
    assert set(questions.VIA_FOR_OUTCOME) == set(Outcome) == set(OUTCOME_WORDS)


# -- the flow, through prompt_toolkit's pipe input -------------------------------------------------


def drive(session: Wizard, *keys: str) -> int:
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        pipe.close()  # end of input after the last key: a flow waiting for more fails, never hangs
        with create_app_session(input=pipe, output=DummyOutput()):
            return session.run()


@pytest.fixture
def home(tmp_path):
    return tmp_path


def new_writer(path, data=None, extra=()):
    return Scriptwriter(Config(path, data or {}), build_plugin_manager(load_entrypoints=False, extra=extra))


def tracker_at(path):
    return Tracker(Store.open(path))


FIRST_RUN = ["Ana Lima", ENTER, "+1  555 123 4567", ENTER, "ana@example.com", ENTER, ENTER]
NEW_DANA = ["Dana Reyes", ENTER, "Acme Analytics", ENTER, "Data Engineer", ENTER, "a", ENTER,
            "dana@acme.example", ENTER, ENTER]


def test_first_run_saves_the_profile_and_logs_the_touch(tmp_path, capsys):
    config_path, db = tmp_path / "config.toml", tmp_path / "tracker.sqlite3"
    session = Wizard(new_writer(config_path), TODAY, db, clipboard=None)
    code = drive(session, *FIRST_RUN, *NEW_DANA,
                 "g", ENTER, "a", ENTER, "2026-11-20", ENTER,  # no commitment, on the 20th
                 "3", ENTER,  # voicemail
                 "l", ENTER, ENTER, ENTER,  # log it: no answer, yes
                 "q", ENTER)
    out = capsys.readouterr().out
    assert code == 0
    profile = tomllib.loads(config_path.read_text())["profile"]
    assert profile == {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o600
    assert f"Saved your profile to {config_path}" in out
    assert ("Next: three-day-check (attempt 1), due Monday 23 November 2026, 2 days overdue." in out)
    assert "voicemail: about " in out and "five five five, one two three, four five six seven" in out
    assert "the Data Engineer role" in out
    assert "Next: weekly-nudge (attempt 2), due Wednesday 2 December 2026." in out
    with tracker_at(db) as tracker:
        dana = tracker.find("Dana Reyes")
        assert (dana.company, dana.role, dana.email, dana.situation) == (
            "Acme Analytics", "Data Engineer", "dana@acme.example", "application")
        touches = [(t.at, t.via, t.outcome) for t in tracker.store.touches(dana.id)]
    assert touches == [(dt.date(2026, 11, 20), "call", "no-commitment"), (TODAY, "voicemail", "no-answer")]


def test_a_refused_answer_is_asked_again(tmp_path, capsys):
    config_path = tmp_path / "config.toml"
    session = Wizard(new_writer(config_path), TODAY, tmp_path / "t.sqlite3", clipboard=None)
    code = drive(session, "Ana Lima", ENTER, "555 12", ENTER, CTRL_U, "+1 555 123 4567", ENTER,
                 "nope", ENTER, CTRL_U, "ana@example.com", ENTER, ENTER,
                 *NEW_DANA, "r", ENTER, "y", ENTER, "q", ENTER, "n")
    assert code == 0
    profile = tomllib.loads(config_path.read_text())["profile"]
    assert profile["phone"] == "+1 555 123 4567" and profile["email"] == "ana@example.com"
    out = capsys.readouterr().out
    assert "Done: They got back to you on Tuesday 24 November 2026" in out
    assert "Which channel" not in out
    assert not (tmp_path / "t.sqlite3").exists()  # declined "keep": the tracker file is never created


def test_declining_the_profile_keeps_it_for_the_session_only(tmp_path, capsys):
    config_path = tmp_path / "config.toml"
    session = Wizard(new_writer(config_path), TODAY, tmp_path / "t.sqlite3", clipboard=None)
    code = drive(session, "Ana Lima", ENTER, "+1 555 123 4567", ENTER, "ana@example.com", ENTER,
                 "n", *NEW_DANA, "g", ENTER, "t", ENTER, "3", ENTER, "q", ENTER, "n")
    assert code == 0
    assert not config_path.exists()
    out = capsys.readouterr().out
    assert "Not saved: this profile is used for this session only." in out
    assert "this is Ana Lima" in out


def test_tracked_contact_nothing_new_email_saved_as_eml(tmp_path, capsys, monkeypatch):
    db = tmp_path / "tracker.sqlite3"
    with tracker_at(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
                             "email": "dana@acme.example", "situation": "interview"})
        tracker.log("Dana Reyes", "no-commitment", via="meeting", at=dt.date(2026, 11, 20), today=TODAY)
        tracker.add_contact({"name": "Lee Park"})
    monkeypatch.chdir(tmp_path)
    session = Wizard(new_writer(tmp_path / "config.toml", {"profile": dict(PROFILE)}), TODAY, db,
                     clipboard=None)
    code = drive(session, "Dana Reyes", ENTER, ENTER,  # nothing new
                 "2", ENTER,  # email
                 "s", ENTER, ENTER,  # save to the suggested file
                 "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert "Due now: Dana Reyes (2 days overdue)" in out
    assert out.splitlines()[0] == "Due now: Dana Reyes (2 days overdue)"
    assert "Next: three-day-check (attempt 1), due Monday 23 November 2026" in out
    saved = tmp_path / "followup-dana-reyes-email.eml"
    msg = email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "Dana Reyes <dana@acme.example>"
    assert f"Subject: {msg['Subject']}" in out
    assert f"Saved to {saved}" in out
    with tracker_at(db) as tracker:
        assert len(tracker.store.touches(tracker.find("Dana").id)) == 1  # nothing new was logged


def test_replacing_a_file_needs_a_yes(tmp_path, capsys):
    target = tmp_path / "script.txt"
    target.write_text("keep me")
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}), TODAY,
                     tmp_path / "t.sqlite3", clipboard=None)
    code = drive(session, "Dana Reyes", ENTER, ENTER, ENTER, ENTER, ENTER, ENTER, "g", ENTER, "t", ENTER,
                 "3", ENTER, "s", ENTER, CTRL_U, str(target), ENTER, ENTER,  # replace? default no
                 "s", ENTER, CTRL_U, str(target), ENTER, "y",
                 "q", ENTER, "n")
    assert code == 0
    out = capsys.readouterr().out
    assert "Not saved." in out
    assert target.read_text().startswith("Stage:   three-day-check (attempt 1)\nDue:     Monday 30 November 2026")
    assert "this is Ana Lima" in target.read_text()


def test_scheduled_asks_for_the_agreed_time(tmp_path, capsys):
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}), TODAY,
                     tmp_path / "t.sqlite3", clipboard=None)
    code = drive(session, *NEW_DANA, "t", ENTER, "t", ENTER, "2026-11-27 10:30", ENTER,
                 "1", ENTER,  # call
                 "q", ENTER, ENTER)  # keep it: yes
    assert code == 0
    out = capsys.readouterr().out
    assert "Next: scheduled-call (attempt 1), due Friday 27 November 2026 at 10:30." in out
    assert "call: about " in out
    with tracker_at(tmp_path / "t.sqlite3") as tracker:
        (touch,) = tracker.store.touches(tracker.find("Dana Reyes").id)
    assert (touch.at, touch.outcome, touch.next_at) == (TODAY, "scheduled", dt.datetime(2026, 11, 27, 10, 30))


def test_stop_shows_no_script_and_records_the_stop(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    with tracker_at(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes"})
        tracker.log("Dana Reyes", "no-answer", via="voicemail", at=dt.date(2026, 11, 18), today=TODAY)
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}), TODAY, db, clipboard=None)
    code = drive(session, "dana  reyes", ENTER, "x", ENTER, "y", ENTER, "q", ENTER, ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert "Stopped: They asked not to be contacted on Tuesday 24 November 2026" in out
    assert "Which channel" not in out and "five five five" not in out
    with tracker_at(db) as tracker:
        dana = tracker.find("Dana Reyes")
    assert dana.stopped_on == "2026-11-24"


def test_a_stopped_contact_is_shown_as_stopped(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    with tracker_at(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "company": "Acme"})
        tracker.log("Dana Reyes", "no-commitment", at=dt.date(2026, 11, 20), today=TODAY)
        tracker.stop("Dana Reyes", dt.date(2026, 11, 21), "asked by email")
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}), TODAY, db, clipboard=None)
    code = drive(session, "Dana Reyes", ENTER, "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert ("Dana Reyes (Acme) is stopped: they asked not to be contacted on Saturday 21 November 2026 "
            "(asked by email).") in out
    assert "Due now" not in out
    assert "What happened" not in out and "Which channel" not in out
    with tracker_at(db) as tracker:
        assert len(tracker.store.touches(tracker.find("Dana").id)) == 1


def test_deliver_asks_first_then_delivers_and_logs(tmp_path, capsys):
    postcard = pytest.importorskip("followup_script_postcard")
    outbox, db = tmp_path / "outbox", tmp_path / "t.sqlite3"
    data = {"profile": dict(PROFILE), "postcard": {"outbox": str(outbox)}, "defaults": {"channel": "postcard"}}
    session = Wizard(new_writer(tmp_path / "c.toml", data, extra=[postcard]), TODAY, db, clipboard=None)
    code = drive(session, *NEW_DANA, "g", ENTER, "a", ENTER, "2026-11-20", ENTER,
                 ENTER,  # the default channel: postcard
                 "d", ENTER, ENTER,  # deliver? default no
                 "d", ENTER, "y",
                 "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert "Not delivered." in out
    (card,) = outbox.iterdir()
    assert "Dana" in card.read_text()
    assert f"Delivered: {card.stem}. Logged in {db}." in out
    with tracker_at(db) as tracker:
        touches = tracker.store.touches(tracker.find("Dana Reyes").id)
    assert [(t.outcome, t.at) for t in touches] == [("no-commitment", dt.date(2026, 11, 20)),
                                                    ("no-answer", TODAY)]
    assert touches[1].note == f"delivered by postcard: {card.stem}"
    with tracker_at(db) as tracker:  # recorded by its idempotency key, as every delivery is
        rows = tracker.store.conn.execute("SELECT key, channel, status FROM deliveries").fetchall()
    assert rows == [(card.stem, "postcard", "done")]


def test_copy_to_the_clipboard_through_a_real_tool(tmp_path, capsys, monkeypatch):
    clip = tmp_path / "clipboard.txt"
    _fake_tool(tmp_path / "bin", "xclip", clip)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}), TODAY,
                     tmp_path / "t.sqlite3")
    code = drive(session, *NEW_DANA, "g", ENTER, "t", ENTER, "3", ENTER, "c", ENTER, "q", ENTER, "n")
    assert code == 0
    assert "Copied the voicemail script to the clipboard." in capsys.readouterr().out
    assert clip.read_text().startswith("Hi Dana, this is Ana Lima")


def test_ctrl_c_saves_nothing(tmp_path, capsys):
    config_path, db = tmp_path / "config.toml", tmp_path / "t.sqlite3"
    session = Wizard(new_writer(config_path), TODAY, db, clipboard=None)
    code = drive(session, "Ana Lima", ENTER, "+1 555 123 4567", ENTER, "ana@example.com", ENTER, CTRL_C)
    assert code == 130
    assert not config_path.exists() and not db.exists()
    assert "interrupted; nothing was saved\n" in capsys.readouterr().err


def test_ctrl_c_after_a_save_says_what_was_kept(tmp_path, capsys):
    config_path, db = tmp_path / "config.toml", tmp_path / "t.sqlite3"
    session = Wizard(new_writer(config_path), TODAY, db, clipboard=None)
    code = drive(session, *FIRST_RUN, *NEW_DANA, "g", ENTER, "t", ENTER, "3", ENTER,
                 "l", ENTER, ENTER, CTRL_C)  # interrupted at "Log ...?"
    assert code == 130
    assert config_path.exists() and not db.exists()
    err = capsys.readouterr().err
    assert f"interrupted; nothing was saved (saved before that: your profile in {config_path})" in err


def test_end_of_input_is_an_interruption(tmp_path):
    session = Wizard(new_writer(tmp_path / "c.toml"), TODAY, tmp_path / "t.sqlite3", clipboard=None)
    assert drive(session, "Ana Lima", ENTER) == 130
    assert not (tmp_path / "c.toml").exists()


def test_the_preview_plan_is_what_the_tracker_derives(tmp_path, capsys):
    """What the wizard shows before saving equals the tracker's plan after saving."""
    db = tmp_path / "t.sqlite3"
    with tracker_at(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "situation": "networking"})
        tracker.log("Dana Reyes", "no-time", via="call", at=dt.date(2026, 11, 10), today=TODAY)
        tracker.log("Dana Reyes", "no-answer", via="voicemail", at=dt.date(2026, 11, 17), today=TODAY)
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}), TODAY, db, clipboard=None)
    code = drive(session, "Dana Reyes", ENTER, "m", ENTER, "y", ENTER,
                 ENTER,  # nothing new to mention in this weekly nudge
                 "3", ENTER, "q", ENTER, ENTER)
    assert code == 0
    out = capsys.readouterr().out
    with tracker_at(db) as tracker:
        found = tracker.show("Dana Reyes", TODAY)
    assert found["history"].attempts == 2 and found["history"].situation is Situation.NETWORKING
    assert plan_sentence(found["plan"]) in out
    assert "weekly-nudge (attempt 3), due Tuesday 1 December 2026" in out


def test_a_failed_delivery_saves_nothing(tmp_path, capsys):
    postcard = pytest.importorskip("followup_script_postcard")
    db = tmp_path / "t.sqlite3"
    data = {"profile": dict(PROFILE), "postcard": {"outbox": str(tmp_path / "outbox"), "hold": True},
            "defaults": {"channel": "postcard"}}
    session = Wizard(new_writer(tmp_path / "c.toml", data, extra=[postcard]), TODAY, db, clipboard=None)
    code = drive(session, *NEW_DANA, "g", ENTER, "a", ENTER, "2026-11-20", ENTER, ENTER,
                 "d", ENTER, "y",  # deliver: vetoed by the plugin
                 "q", ENTER, "n")  # and do not keep the contact
    assert code == 0
    out = capsys.readouterr().out
    assert "Not done: postcard.hold is set: deliveries are on hold; unset it to send" in out
    with tracker_at(db) as tracker:  # the delivery's transaction was rolled back whole
        assert list(tracker.contacts()) == []
        rows = tracker.store.conn.execute("SELECT channel, status, contact_id FROM deliveries").fetchall()
    assert rows == [("postcard", "failed", None)]
    assert not (tmp_path / "outbox").exists()


class FaxChannel:
    """A channel whose kind has no templates: writing its script fails with a TemplateError."""

    @hookimpl
    def register_channels(self, register):
        register(Channel(name="fax", description="A fax", kind="fax", via="sms"))


def test_a_channel_that_cannot_write_offers_another(tmp_path, capsys):
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}, extra=[FaxChannel()]),
                     TODAY, tmp_path / "t.sqlite3", clipboard=None)
    code = drive(session, *NEW_DANA, "g", ENTER, "t", ENTER,
                 "3", ENTER,  # fax (call, email, fax, voicemail)
                 ENTER,  # use another channel
                 "4", ENTER,  # voicemail
                 "q", ENTER, "n")
    assert code == 0
    out = capsys.readouterr().out
    assert "Cannot write the fax script: " in out
    assert "Hi Dana, this is Ana Lima" in out


@pytest.mark.parametrize("data,business_days,due", [
    ({}, None, "due Monday 23 November 2026"),
    ({"schedule": {"calendar_days": True}}, None, "due Saturday 21 November 2026"),
    ({}, False, "due Saturday 21 November 2026"),  # followup-script --calendar-days wizard
])
def test_weekend_due_dates_follow_the_schedule_setting(tmp_path, capsys, data, business_days, due):
    writer = new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE), **data})
    session = Wizard(writer, TODAY, tmp_path / "t.sqlite3", clipboard=None, business_days=business_days)
    code = drive(session, *NEW_DANA, "g", ENTER, "a", ENTER, "2026-11-18", ENTER, "3", ENTER, "q", ENTER, "n")
    assert code == 0
    assert f"Next: three-day-check (attempt 1), {due}" in capsys.readouterr().out


def test_a_new_contact_is_previewed_as_the_tracker_will_plan_it(tmp_path, capsys):
    """No tracker file yet: the plan shown before saving is the one the tracker gives after."""
    db = tmp_path / "t.sqlite3"
    session = Wizard(new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)}), TODAY, db, clipboard=None)
    code = drive(session, *NEW_DANA, "m", ENTER, "a", ENTER, "2026-11-23", ENTER,  # a voicemail, no answer
                 ENTER,  # nothing new to mention in the weekly nudge
                 "3", ENTER, "q", ENTER, ENTER)  # quit, and keep it
    assert code == 0
    out = capsys.readouterr().out
    with tracker_at(db) as tracker:
        found = tracker.show("Dana Reyes", TODAY)
    assert found["plan"].attempt == 2, "the voicemail was the first attempt"
    assert plan_sentence(found["plan"]) in out
    assert "Next: weekly-nudge (attempt 2), due Monday 30 November 2026." in out


class FrontDesk:
    """A channel whose receipt says only where the message went, in words (``detail``)."""

    @hookimpl
    def register_channels(self, register):
        from followup_script import Receipt

        register(Channel(name="frontdesk", description="Left at the front desk", kind="voicemail",
                         deliver=lambda message, context: Receipt("frontdesk", detail="left with reception")))


def test_an_earlier_delivery_is_named_by_its_receipt_detail(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    data = {"profile": dict(PROFILE), "defaults": {"channel": "frontdesk"}}
    writer = new_writer(tmp_path / "c.toml", data, extra=[FrontDesk()])
    with tracker_at(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes"})
        tracker.log("Dana Reyes", "no-commitment", at=dt.date(2026, 11, 20), today=TODAY)
        dana = tracker.find("Dana Reyes")
        due = tracker.show("Dana Reyes", TODAY)["plan"]
        earlier = writer.write("frontdesk", due, dana.script_fields(), today=TODAY)
        tracker.deliver_once(writer, earlier, today=TODAY)  # the same follow-up, delivered before
    session = Wizard(writer, TODAY, db, clipboard=None)
    code = drive(session, "Dana Reyes", ENTER, ENTER,  # nothing new
                 ENTER, "d", ENTER, "y",  # frontdesk, deliver, yes
                 "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert ("Already delivered by frontdesk (left with reception); nothing was sent again. To send it "
            "once more: followup-script next 'Dana Reyes' --deliver --resend") in out
