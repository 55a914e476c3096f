"""Snoozing a contact (issue 14, problem 7): "they are on leave until the 14th".

Through the command line in process (``due``, ``why``, ``next``, ``calendar``,
``export``/``import``) and the library (``Tracker.plan_for``, ``Tracker.forecast``)."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest

from followup_script.errors import InputError
from followup_script.tracker.service import Tracker
from tests.conftest import ok, one_error_line

T = ("--today", "2026-11-25")
TODAY = dt.date(2026, 11, 25)  # a Wednesday
D = dt.date.fromisoformat




@pytest.fixture
def dana(cli):
    ok(cli, "config", "set", "profile.name", "Ana Lima")
    ok(cli, "config", "set", "profile.phone", "+1 555 123 4567")
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics")
    ok(cli, "log", "dana", "--outcome", "no-commitment", "--date", "2026-11-20", *T)
    return "Dana Reyes"


def due(cli, *args, today="2026-11-25"):
    return json.loads(ok(cli, "due", "--json", "--today", today, *args).stdout)


def calendar_events(cli, tmp_path, today="2026-11-25"):
    out = tmp_path / "f.ics"
    ok(cli, "calendar", "-o", out, "--today", today)
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    return {str(e["uid"]).split("@")[0].rsplit("-", 1)[1]: e for e in cal.walk("VEVENT")}


# -- the problem --------------------------------------------------------------------------------------


def test_problem_7_on_leave_until_the_14th_is_recorded_and_not_due_before(cli, dana, tmp_path):
    """`snooze NAME --until DATE`: not due before then; `due --within`, `why`, `next` and the
    calendar all say it is due on that day."""
    done = ok(cli, "snooze", "dana", "--until", "2026-12-14", "--note", "on leave", *T)
    assert done.stdout.splitlines() == [
        "snoozed Dana Reyes (Acme Analytics) until Monday 14 December 2026: nothing is due before then",
        "next: three-day-check (attempt 1) on Monday 14 December 2026",
    ]
    assert due(cli) == []
    assert due(cli, "--within", "18") == []
    [row] = due(cli, "--within", "19")
    assert (row["stage"], row["due"], row["overdue_days"], row["snoozed_until"]) == (
        "three-day-check", "2026-12-14", 0, "2026-12-14")
    why = ok(cli, "why", "dana", *T).stdout
    assert "Why:    Snoozed until Monday 14 December 2026 (on leave): nothing is due before then" in why
    assert "   1. Monday 14 December 2026: three-day-check (attempt 1)" in why
    assert "   2. Monday 21 December 2026: weekly-nudge (attempt 2)" in why
    assert "overdue" not in why
    shown = ok(cli, "next", "dana", *T).stdout
    assert "Stage:   three-day-check (attempt 1)\nDue:     Monday 14 December 2026\nWhy:     Snoozed until" in shown
    events = calendar_events(cli, tmp_path)
    assert events["next"].decoded("dtstart").date() == D("2026-12-14")
    assert events["nudges"].decoded("dtstart").date() == D("2026-12-21")
    assert due(cli, today="2026-12-14")[0]["due"] == "2026-12-14"


# -- snooze and unsnooze --------------------------------------------------------------------------


@pytest.mark.parametrize("until", ["2026-11-24", "yesterday", "2025-12-14"])
def test_a_snooze_in_the_past_is_refused_in_one_line(cli, dana, until):
    line = one_error_line(cli("snooze", "dana", "--until", until, *T))
    assert "is in the past (today is 2026-11-25); give the day they can be contacted again" in line
    assert line.startswith("followup-script: error: --until '")
    assert json.loads(ok(cli, "contact", "show", "dana", "--json", *T).stdout)["snooze"] is None


def test_a_bad_snooze_date_is_one_line(cli, dana):
    assert "--until '14/12/2026' is not a date" in one_error_line(cli("snooze", "dana", "--until", "14/12/2026", *T))
    assert "missing option '--until'" in one_error_line(cli("snooze", "dana", *T))  # one sentence (8ac2e8d)


def test_a_snooze_until_today_or_tomorrow_is_taken(cli, dana):
    ok(cli, "snooze", "dana", "--until", "tomorrow", *T)
    assert due(cli) == [] and due(cli, "--within", "1")[0]["due"] == "2026-11-26"
    ok(cli, "snooze", "dana", "--until", "today", *T)
    assert due(cli)[0]["due"] == "2026-11-25"


def test_unsnooze_brings_the_plan_back(cli, dana):
    ok(cli, "snooze", "dana", "--until", "2026-12-14", *T)
    done = ok(cli, "unsnooze", "dana", *T)
    assert done.stdout.splitlines() == [
        "ended the snooze on Dana Reyes (Acme Analytics)",
        "next: three-day-check (attempt 1) on Monday 23 November 2026, 2 days overdue",
    ]
    assert due(cli)[0]["due"] == "2026-11-23"
    assert ok(cli, "unsnooze", "dana", *T).stdout == "Dana Reyes (Acme Analytics) was not snoozed\n"


def test_a_stop_wins_over_a_snooze(cli, dana, tmp_path):
    ok(cli, "snooze", "dana", "--until", "2026-12-14", *T)
    ok(cli, "stop", "dana", *T)
    assert due(cli, "--within", "60") == []
    assert "Stage:  stopped" in ok(cli, "why", "dana", *T).stdout
    assert all(e["status"] == "CANCELLED" for e in calendar_events(cli, tmp_path).values())
    assert "is stopped (since 2026-11-25): nothing is sent to them, snoozed or not" in one_error_line(
        cli("snooze", "dana", "--until", "2026-12-20", *T))
    assert "asked not to be contacted" in one_error_line(cli("next", "dana", "--deliver", "--yes", *T), code=4)


def test_nothing_is_delivered_while_snoozed(cli, dana):
    ok(cli, "snooze", "dana", "--until", "2026-12-14", *T)
    line = one_error_line(cli("next", "dana", "--channel", "voicemail", "--deliver", "--yes", *T))
    assert "is snoozed until 2026-12-14, so nothing is delivered before then; end it first with " \
           "followup-script unsnooze 'Dana Reyes'" in line


def test_the_queue_is_in_due_order_with_a_snooze(cli, dana):
    ok(cli, "contact", "add", "Lee Park")
    ok(cli, "log", "lee", "--via", "voicemail", "--outcome", "no-answer", "--date", "2026-11-25", *T)
    assert [r["name"] for r in due(cli, "--within", "30")] == ["Dana Reyes", "Lee Park"]
    ok(cli, "snooze", "dana", "--until", "2026-12-07", *T)
    rows = due(cli, "--within", "30")
    assert [(r["name"], r["due"]) for r in rows] == [("Lee Park", "2026-12-02"), ("Dana Reyes", "2026-12-07")]


def test_a_weekend_snooze_ends_on_the_monday_unless_calendar_days(cli, dana):
    ok(cli, "snooze", "dana", "--until", "2026-12-12", *T)  # a Saturday
    [row] = due(cli, "--within", "30")
    assert row["due"] == "2026-12-14"
    assert "Saturday 12 December 2026 falls on a weekend, so it starts on the Monday" in row["reason"]
    [row] = json.loads(ok(cli, "--calendar-days", "due", "--json", "--within", "30", *T).stdout)
    assert row["due"] == "2026-12-12"


def test_a_snooze_that_ended_counts_lateness_from_its_end(cli, dana):
    ok(cli, "snooze", "dana", "--until", "2026-12-01", *T)
    [row] = due(cli, today="2026-12-03")
    assert (row["due"], row["overdue_days"]) == ("2026-12-01", 2)
    assert "(now over)" in row["reason"] and row["reason"].endswith("It is 2 days overdue: do it today.")


def test_a_conversation_ends_the_snooze_and_a_voicemail_does_not(cli, dana):
    ok(cli, "snooze", "dana", "--until", "2026-12-14", *T)
    done = ok(cli, "log", "dana", "--via", "voicemail", "--outcome", "no-answer", *T)
    assert "snooze" not in done.stdout
    assert due(cli, "--within", "30")[0]["due"] == "2026-12-14"
    done = ok(cli, "log", "dana", "--outcome", "scheduled", "--next", "2026-12-01 10:00", *T)
    assert "the snooze until Monday 14 December 2026 is over: they answered" in done.stdout
    shown = json.loads(ok(cli, "contact", "show", "dana", "--json", *T).stdout)
    assert shown["snooze"] is None and shown["plan"]["due"] == "2026-12-01"


def test_contact_show_and_list_say_the_snooze(cli, dana):
    ok(cli, "snooze", "dana", "--until", "2026-12-14", "--note", "on leave", *T)
    shown = ok(cli, "contact", "show", "dana", *T).stdout
    assert "  snoozed      until 2026-12-14 (on leave)" in shown
    assert json.loads(ok(cli, "contact", "show", "dana", "--json", *T).stdout)["snooze"] == {
        "until": "2026-12-14", "note": "on leave"}
    [row] = [json.loads(line) for line in ok(cli, "contact", "list", "--json", *T).stdout.splitlines()]
    assert row["snoozed_until"] == "2026-12-14" and row["plan"]["due"] == "2026-12-14"


def test_why_json_has_the_snooze_in_its_facts(cli, dana):
    ok(cli, "snooze", "dana", "--until", "2026-12-14", "--note", "on leave", *T)
    found = json.loads(ok(cli, "why", "dana", "--json", *T).stdout)
    assert (found["facts"]["snoozed_until"], found["facts"]["snooze_note"]) == ("2026-12-14", "on leave")
    assert found["simulation"][0]["on"] == "2026-12-14" and found["plan"]["due"] == "2026-12-14"


# -- export and import --------------------------------------------------------------------------------


def test_export_and_import_carry_the_snooze(cli, dana, tmp_path):
    ok(cli, "snooze", "dana", "--until", "2026-12-14", "--note", "on leave", *T)
    exported = json.loads(ok(cli, "export").stdout)
    assert exported["version"] == 2
    assert exported["contacts"][0]["snooze"] == {"until": "2026-12-14", "note": "on leave"}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(exported))
    copy = tmp_path / "copy.sqlite3"
    assert "snooze Dana Reyes until 2026-12-14" in ok(cli, "import", path, "--db", copy, *T).stdout
    assert due(cli, "--within", "30", "--db", copy)[0]["due"] == "2026-12-14"
    assert json.loads(ok(cli, "export", "--db", copy).stdout)["contacts"] == exported["contacts"]
    assert ok(cli, "import", path, "--db", copy, *T).stdout == (
        "imported: 1 contacts unchanged, 1 touches already there\n")


def test_an_export_from_before_snoozes_still_imports(cli, tmp_path):
    old = {"format": "followup-script", "version": 1, "contacts": [{
        "uid": "u-1", "name": "Dana Reyes", "company": "Acme", "stop": None, "revision": 3,
        "touches": [{"uid": "t-1", "at": "2026-11-20", "via": "call", "outcome": "no-commitment"}]}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    ok(cli, "import", path, *T)
    assert json.loads(ok(cli, "export").stdout)["contacts"][0]["snooze"] is None
    assert due(cli)[0]["due"] == "2026-11-23"


def test_a_csv_import_takes_a_snooze_column(cli, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,date,outcome,snoozed_until,snooze_note\n"
                    "Dana Reyes,2026-11-20,no-commitment,2026-12-14,on leave\n", encoding="utf-8")
    ok(cli, "import", path, *T)
    assert due(cli, "--within", "30")[0]["due"] == "2026-12-14"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,snoozed_until\nDana Reyes,soon\n", encoding="utf-8")
    assert "line 2: snoozed_until 'soon' is not a date" in one_error_line(cli("import", bad, *T))


def test_a_bad_snooze_in_a_json_import_is_reported(cli, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"contacts": [{"name": "Dana Reyes", "snooze": "soon"}]}))
    assert 'snooze must be {"until": "YYYY-MM-DD", "note": ...} or null' in one_error_line(cli("import", path, *T))


# -- the library ------------------------------------------------------------------------------------


@pytest.fixture
def tracker(tmp_path):
    with Tracker.open(tmp_path / "tracker.sqlite3") as opened:
        opened.add_contact({"name": "Dana Reyes"})
        opened.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
        yield opened


def test_snooze_refuses_a_past_day_with_the_field(tracker):
    with pytest.raises(InputError) as caught:
        tracker.snooze("dana", D("2026-11-24"), today=TODAY)
    assert caught.value.field == "until"


def test_a_snooze_moves_only_an_earlier_due_date(tracker):
    tracker.log("Dana", "scheduled", "call", TODAY, dt.datetime(2026, 12, 10, 10, 30), today=TODAY)
    tracker.snooze("dana", D("2026-12-01"), today=TODAY)
    found = tracker.plan_for(tracker.find("dana"), TODAY)
    assert (found.due, found.due_time) == (D("2026-12-10"), dt.time(10, 30))
    assert "Snoozed" not in found.reason


def test_the_forecast_starts_when_the_snooze_ends(tracker):
    dana = tracker.snooze("dana", D("2026-12-14"), today=TODAY)
    steps = list(tracker.forecast(dana, tracker.show("dana", TODAY)["history"], TODAY, 4))
    assert [s.on for s in steps] == [D("2026-12-14"), D("2026-12-21")]
    assert steps[0].plan.due == D("2026-12-14") and steps[0].plan.overdue_days == 0
    unsnoozed = tracker.unsnooze("dana")[0]
    steps = list(tracker.forecast(unsnoozed, tracker.show("dana", TODAY)["history"], TODAY, 4))
    assert steps[0].on == TODAY and steps[0].plan.due == D("2026-11-23")


def test_the_due_key_counts_the_snooze(tracker):
    dana = tracker.snooze("dana", D("2026-12-14"), today=TODAY)
    assert dana.due_key == "2026-12-14"
    tracker.log("Dana", "no-answer", "voicemail", TODAY, today=TODAY)
    assert tracker.find("dana").due_key == "2026-12-14"  # a voicemail does not end it
    assert tracker.unsnooze("dana")[0].due_key == "2026-12-02"
