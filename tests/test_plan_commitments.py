"""Issue 14, problems 1, 3, 4 and 5: commitments are state, missed calls, calls agreed for a
day without a time, and an application sent; through the command line (in process), as a
user meets them, and through the library where the wizard and the calendar meet them.

Each ``test_problem_N_...`` failed on the code before the fix (commit 38c2bfe) and passes after.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import icalendar
import pytest

from followup_script import History, Stage
from followup_script.engine.stages import plan, simulate
from followup_script.tracker.rows import NewTouch
from followup_script.tracker.service import Tracker
from tests.conftest import ok

D = dt.date.fromisoformat
PROFILE = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]



def due_rows(cli, today, within=0):
    return [(r["name"], r["stage"], r["due"], r["due_time"], r["overdue_days"])
            for r in json.loads(ok(cli, "due", "--today", today, "--within", within, "--json").stdout)
            if "task" not in r]  # the plan's rows (a confirmation or reminder: tests/test_due_agreed.py)


def why(cli, name, today):
    return json.loads(ok(cli, "why", name, "--today", today, "--json").stdout)


def calendar_events(cli, today):
    cal = icalendar.Calendar.from_ical(ok(cli, "calendar", "--today", today).stdout)
    return [(str(ev["summary"]), ev.decoded("dtstart").replace(tzinfo=None)) for ev in cal.walk("VEVENT")]


def next_script(cli, name, today, channel="voicemail"):
    """``next NAME`` as JSON: the plan and the script."""
    config = ["config", "set"]
    ok(cli, *config, "profile.name", "Ana Lima")
    ok(cli, *config, "profile.phone", "+1 555 123 4567")
    ok(cli, *config, "profile.email", "ana@example.com")
    return json.loads(ok(cli, "next", name, "--channel", channel, "--format", "json", "--today", today).stdout)


def agree_a_call(cli, name="Sam Lee", on="2026-11-24", at="2026-12-01 10:00"):
    ok(cli, "contact", "add", name, "--company", "Acme Analytics", "--role", "Data Engineer")
    ok(cli, "log", name, "--outcome", "scheduled", "--next", at, "--date", on, "--today", on)


# -- problem 1: an agreed call survives a one-way touch ------------------------------------------


def test_problem_1_an_agreed_call_survives_a_one_way_touch(cli):
    agree_a_call(cli)  # Tuesday 24 November: "let's talk on 1 December at 10:00"
    # 25 November: the confirmation email the tool writes for that stage, logged as it went out
    logged = ok(cli, "log", "sam", "--via", "email", "--outcome", "no-answer", "--today", "2026-11-25").stdout
    assert "next: scheduled-call (attempt 1) on Tuesday 1 December 2026 at 10:00" in logged

    assert due_rows(cli, "2026-11-25", within=7) == [("Sam Lee", "scheduled-call", "2026-12-01", "10:00", 0)]
    assert due_rows(cli, "2026-12-01") == [("Sam Lee", "scheduled-call", "2026-12-01", "10:00", 0)]
    found = why(cli, "sam", "2026-11-25")
    assert found["plan"]["stage"] == "scheduled-call" and found["plan"]["due_time"] == "10:00"
    assert found["facts"]["last_touch"]["via"] == "email"  # the email is there, and changed nothing
    assert ("Follow up with Sam Lee (Acme Analytics): scheduled call",
            dt.datetime(2026, 12, 1, 10, 0)) in calendar_events(cli, "2026-11-25")


def test_one_way_touches_before_the_agreed_day_never_cancel_it(tmp_path):
    with Tracker.open(tmp_path / "t.sqlite3") as tracker:
        tracker.add_contact({"name": "Sam Lee"})
        tracker.log("Sam", "scheduled", "call", D("2026-11-24"), dt.datetime(2026, 12, 1, 10), today=D("2026-11-24"))
        agreed = tracker.plan_for(tracker.find("Sam"), D("2026-11-25"))
        for via, day in (("email", "2026-11-24"), ("sms", "2026-11-26"), ("voicemail", "2026-11-30"),
                         ("call", "2026-11-30")):
            # what the wizard shows before saving is what logging gives
            previewed = tracker.preview(tracker.find("Sam"), NewTouch("no-answer", D(day), via), D("2026-11-30"))
            assert previewed == agreed
            logged = tracker.log("Sam", "no-answer", via, D(day), today=D("2026-11-30"))
            assert logged.plan == agreed
        # the wizard's "log it" (its default: no answer) records through Tracker.record
        recorded = tracker.record(tracker.find("Sam"), touches=[NewTouch("no-answer", D("2026-11-30"), "email")],
                                  today=D("2026-11-30"))
        assert recorded.plan == agreed
        assert agreed.stage is Stage.SCHEDULED_CALL and agreed.due == D("2026-12-01")


def test_a_conversation_replaces_the_agreed_call(cli):
    agree_a_call(cli)
    ok(cli, "log", "sam", "--via", "email", "--outcome", "no-answer", "--today", "2026-11-25")
    # 26 November they call: nothing is fixed any more
    ok(cli, "log", "sam", "--outcome", "no-commitment", "--today", "2026-11-26")
    assert due_rows(cli, "2026-11-26", within=7) == [("Sam Lee", "three-day-check", "2026-11-30", None, 0)]
    # and a new time agreed by email replaces the old one
    ok(cli, "log", "sam", "--via", "email", "--outcome", "scheduled", "--next", "2026-12-03 15:00",
       "--today", "2026-11-27")
    assert due_rows(cli, "2026-11-27", within=7) == [("Sam Lee", "scheduled-call", "2026-12-03", "15:00", 0)]


def test_a_one_way_touch_on_the_agreed_day_is_that_call_and_the_weekly_rhythm_follows(cli):
    agree_a_call(cli)
    ok(cli, "log", "sam", "--via", "email", "--outcome", "no-answer", "--today", "2026-11-25")  # confirmation
    ok(cli, "log", "sam", "--via", "voicemail", "--outcome", "no-answer", "--today", "2026-12-01")  # the call
    assert due_rows(cli, "2026-12-01", within=7) == [("Sam Lee", "weekly-nudge", "2026-12-08", None, 0)]
    found = why(cli, "sam", "2026-12-01")
    assert found["plan"]["attempt"] == 2  # the call was the first attempt; the confirmation was not one


def test_an_old_tracker_file_is_derived_again_by_the_new_rules(cli, isolated_home):
    agree_a_call(cli)
    ok(cli, "log", "sam", "--via", "email", "--outcome", "no-answer", "--today", "2026-11-25")
    conn = sqlite3.connect(isolated_home / "tracker.sqlite3")
    with conn:  # what the engine before this change had cached, and its fingerprint
        conn.execute("UPDATE contacts SET last_at = '2026-11-25', last_outcome = 'no-answer', next_at = NULL, "
                     "attempts = 1, due_key = '2026-12-02'")
        conn.execute("UPDATE meta SET value = 'an-older-engine' WHERE key = 'engine'")
    conn.close()
    assert due_rows(cli, "2026-11-25", within=7) == [("Sam Lee", "scheduled-call", "2026-12-01", "10:00", 0)]


# -- missed calls --------------------------------------------------------------------------------


def test_an_agreed_call_with_nothing_logged_becomes_a_missed_call_then_weekly(cli):
    agree_a_call(cli)
    assert due_rows(cli, "2026-12-01") == [("Sam Lee", "scheduled-call", "2026-12-01", "10:00", 0)]
    # the day after: due at once, with no time
    assert due_rows(cli, "2026-12-02") == [("Sam Lee", "missed-call", "2026-12-02", None, 0)]
    assert due_rows(cli, "2026-12-04") == [("Sam Lee", "missed-call", "2026-12-02", None, 2)]
    found = why(cli, "sam", "2026-12-04")
    assert "nothing was logged since" in found["plan"]["reason"]
    steps = [(s["on"], s["stage"]) for s in found["simulation"]][:3]
    assert steps == [("2026-12-04", "missed-call"), ("2026-12-11", "weekly-nudge"), ("2026-12-18", "weekly-nudge")]
    assert ("Follow up with Sam Lee (Acme Analytics): missed call",
            dt.datetime(2026, 12, 4, 9, 0)) in calendar_events(cli, "2026-12-04")


def test_a_missed_friday_call_is_due_on_the_monday():
    agreed = History(D("2026-11-20"), "scheduled", scheduled_for=dt.datetime(2026, 11, 27, 10))  # a Friday
    missed = plan(agreed, D("2026-11-28"))
    assert (missed.stage, missed.due, missed.due_time, missed.overdue_days) == \
        (Stage.MISSED_CALL, D("2026-11-30"), None, 0)
    assert "moves to the Monday" in missed.reason
    kept = plan(agreed, D("2026-11-28"), business_days=False)
    assert kept.due == D("2026-11-28")
    assert [s.on for s in simulate(agreed, D("2026-11-28"), weeks=3)] == \
        [D("2026-11-30"), D("2026-12-07"), D("2026-12-14")]


# -- problem 3: late scripts say only true things ---------------------------------------------------


def test_problem_3_a_voicemail_for_a_call_agreed_days_ago_says_sorry_we_missed_each_other(cli):
    agree_a_call(cli, on="2026-11-24", at="2026-11-27 10:00")  # Friday 27 November
    message = next_script(cli, "sam", "2026-12-02")  # 5 days later, nothing logged
    assert message["stage"] == "missed-call"
    script = message["script"]
    assert "at the time we set" not in script
    assert "Sorry we missed each other on Friday" in script
    assert message["estimated_seconds"] <= 30 and message["warnings"] == []
    for channel in ("call", "email"):
        text = next_script(cli, "sam", "2026-12-02", channel)["script"]
        assert "sorry we missed each other" in text and "at the time we set" not in text
        assert "Thank you for making time today" not in text


def test_problem_3_an_ask_for_time_call_script_seen_two_days_later_does_not_say_hang_up(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer")
    ok(cli, "log", "dana", "--outcome", "no-time", "--date", "2026-11-23", "--today", "2026-11-23")
    on_the_day = next_script(cli, "dana", "2026-11-23", "call")["script"]
    assert on_the_day.startswith("Say this before you hang up")
    later = next_script(cli, "dana", "2026-11-25", "call")
    assert later["stage"] == "ask-for-time" and later["overdue_days"] == 2
    assert "hang up" not in later["script"]
    assert "Thank you for talking with me on Monday" in later["script"] or \
        "Thank you again for talking with me on Monday" in later["script"]
    assert "good time or day" in later["script"]


# -- problem 4: an application sent, and the tracker agrees with the one-shot -----------------------


def one_shot_plan(cli, *args):
    out = json.loads(ok(cli, *PROFILE, "--name", "Dana Reyes", "--format", "json", *args).stdout)
    return {k: out[k] for k in ("stage", "due", "due_time", "attempt", "overdue_days", "reason")}


def tracker_plan(cli, name, today):
    found = why(cli, name, today)["plan"]
    return {k: found[k] for k in ("stage", "due", "due_time", "attempt", "overdue_days", "reason")}


def test_problem_4_an_application_sent_by_email_plans_as_the_one_shot_does(cli):
    ok(cli, "contact", "add", "Dana Reyes")
    ok(cli, "log", "dana", "--outcome", "no-commitment", "--via", "email", "--date", "2026-11-20",
       "--today", "2026-11-20")
    expected = one_shot_plan(cli, "--last-contact", "2026-11-20", "--today", "2026-11-20")
    assert expected["stage"] == "three-day-check" and expected["due"] == "2026-11-23"
    assert tracker_plan(cli, "dana", "2026-11-20") == expected


def test_problem_4_via_application_records_an_application_sent(cli):
    ok(cli, "contact", "add", "Dana Reyes")
    logged = ok(cli, "log", "dana", "--via", "application", "--date", "2026-11-18", "--today", "2026-11-18").stdout
    assert "application, no-commitment" in logged
    assert "next: three-day-check (attempt 1) on Monday 23 November 2026" in logged  # Saturday -> Monday
    assert tracker_plan(cli, "dana", "2026-11-25") == \
        one_shot_plan(cli, "--situation", "application", "--last-contact", "2026-11-18", "--today", "2026-11-25")
    listed = ok(cli, "contact", "show", "dana", "--today", "2026-11-25").stdout
    assert "application" in listed


def test_log_without_an_outcome_asks_for_one_unless_it_was_an_application(cli):
    ok(cli, "contact", "add", "Dana Reyes")
    result = cli("log", "dana", "--via", "email", "--today", "2026-11-20")
    assert result.returncode == 2
    assert result.stderr.strip() == ("followup-script: error: --outcome is needed; say how it ended: scheduled, "
                                     "no-time, no-commitment, no-answer, replied, stop")


def test_a_no_answer_one_shot_counts_its_touch_as_the_tracker_does(cli):
    ok(cli, "contact", "add", "Dana Reyes")
    ok(cli, "log", "dana", "--via", "voicemail", "--outcome", "no-answer", "--date", "2026-11-20",
       "--today", "2026-11-20")
    expected = one_shot_plan(cli, "--last-contact", "2026-11-20", "--outcome", "no-answer", "--today", "2026-11-20")
    assert expected["attempt"] == 2  # the voicemail was the first attempt
    assert tracker_plan(cli, "dana", "2026-11-20") == expected


def test_an_older_tracker_file_takes_an_application(tmp_path):
    from followup_script.tracker.database import MIGRATIONS

    path = tmp_path / "v3.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:3]:
        step(conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO contacts (uid, name, name_key, name_fold, created_at, updated_at) "
                 "VALUES ('u-1', 'Dana Reyes', 'dana reyes', 'dana reyes', 'x', 'x')")
    conn.execute("INSERT INTO touches (uid, contact_id, at, via, outcome, note, created_at) "
                 "VALUES ('t-1', 1, '2026-11-10', 'call', 'no-commitment', 'first talk', 'x')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO touches (uid, contact_id, at, via, outcome, created_at) "
                     "VALUES ('t-2', 1, '2026-11-11', 'application', 'no-commitment', 'x')")
    conn.close()
    with Tracker.open(path) as tracker:
        assert tracker.store.version >= 4
        logged = tracker.log("Dana", None, "application", D("2026-11-20"), today=D("2026-11-20"))
        assert (logged.touch.via, logged.touch.outcome) == ("application", "no-commitment")
        touches = [(t.uid, t.at.isoformat(), t.via, t.note) for t in tracker.show("Dana", D("2026-11-20"))["touches"]]
        assert touches[0] == ("t-1", "2026-11-10", "call", "first talk")
        assert touches[1][1:3] == ("2026-11-20", "application")


# -- problem 5: "call me next week / on Tuesday" ------------------------------------------------------


def test_problem_5_a_day_without_a_time_is_recorded_and_not_overdue_before_it(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer")
    logged = ok(cli, "log", "dana", "--outcome", "scheduled", "--next", "2026-12-08", "--today", "2026-12-01").stdout
    assert "next: scheduled-call (attempt 1) on Tuesday 8 December 2026\n" in logged  # no invented time
    for day in range(1, 8):
        assert due_rows(cli, f"2026-12-0{day}") == []  # not overdue, not even due, before that day
    assert due_rows(cli, "2026-12-01", within=7) == [("Dana Reyes", "scheduled-call", "2026-12-08", None, 0)]
    assert due_rows(cli, "2026-12-08") == [("Dana Reyes", "scheduled-call", "2026-12-08", None, 0)]
    voicemail = next_script(cli, "dana", "2026-12-08")
    assert "As you suggested, I'm calling today" in voicemail["script"]
    assert "at the time we set" not in voicemail["script"]
    email = next_script(cli, "dana", "2026-12-01", "email")
    assert email["subject"] == "Our call on Tuesday 8 December about the Data Engineer role"
    assert "at that time" not in email["script"] and " at 0" not in email["script"]
    # the day passes with nothing logged: a missed call, not "scheduled-call, N days overdue" for ever
    assert due_rows(cli, "2026-12-09") == [("Dana Reyes", "missed-call", "2026-12-09", None, 0)]


def test_a_one_shot_call_agreed_for_a_day_says_so_without_a_time(cli):
    args = ["--company", "Acme Analytics", "--role", "Data Engineer", "--last-contact", "2026-11-24",
            "--outcome", "scheduled", "--scheduled-for", "2026-12-01"]
    out = json.loads(ok(cli, *PROFILE, "--name", "Dana Reyes", *args, "--today", "2026-12-01",
                        "--format", "json").stdout)
    assert (out["stage"], out["due"], out["due_time"], out["overdue_days"]) == \
        ("scheduled-call", "2026-12-01", None, 0)
    assert "As you suggested, I'm calling today" in out["script"]
    assert "with no time set" in out["reason"]
    early = json.loads(ok(cli, *PROFILE, "--name", "Dana Reyes", *args, "--today", "2026-11-28",
                          "--format", "json").stdout)
    assert early["overdue_days"] == 0
    late = json.loads(ok(cli, *PROFILE, "--name", "Dana Reyes", *args, "--today", "2026-12-03",
                         "--format", "json").stdout)
    assert late["stage"] == "missed-call" and "Sorry we missed each other on Tuesday" in late["script"]
