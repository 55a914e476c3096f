"""The tracker library: deriving the engine's input, the due queue, stop, calendar, export/import."""

import datetime as dt
import inspect
import json

import icalendar
import pytest
from dateutil.rrule import rrulestr

from followup_script.engine.stages import History, Outcome, Stage, plan, simulate
from followup_script.errors import InputError
from followup_script.tracker.history import derive_history, history_of
from followup_script.tracker.service import Tracker
from followup_script.tracker.transfer import read_import

TODAY = dt.date(2026, 11, 25)  # a Wednesday
D = dt.date.fromisoformat


@pytest.fixture
def tracker(tmp_path):
    with Tracker.open(tmp_path / "tracker.sqlite3") as opened:
        yield opened


def touches_of(tracker, name):
    contact = tracker.find(name)
    with tracker.store.read():
        return contact, list(tracker.store.latest_touches(contact.id))


# -- deriving History ------------------------------------------------------------------------


def test_no_touches_means_no_plan(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    contact, touches = touches_of(tracker, "Dana Reyes")
    assert derive_history(contact, touches) is None
    assert history_of(contact) is None
    assert tracker.show("Dana", TODAY)["plan"] is None


@pytest.mark.parametrize("steps, expected", [
    # (via, outcome, date[, next]) ... -> (outcome, last_contact, attempts, stage, due)
    ([("call", "no-commitment", "2026-11-20")], ("no-commitment", "2026-11-20", 0, "three-day-check", "2026-11-23")),
    ([("call", "no-commitment", "2026-11-20"), ("voicemail", "no-answer", "2026-11-23")],
     ("no-answer", "2026-11-23", 1, "weekly-nudge", "2026-11-30")),
    ([("call", "no-commitment", "2026-11-02"), ("voicemail", "no-answer", "2026-11-05"),
      ("email", "no-answer", "2026-11-12"), ("call", "no-answer", "2026-11-19")],
     ("no-answer", "2026-11-19", 3, "weekly-nudge", "2026-11-26")),
    # a real conversation resets the attempts
    ([("voicemail", "no-answer", "2026-11-02"), ("meeting", "no-time", "2026-11-10")],
     ("no-time", "2026-11-10", 0, "ask-for-time", "2026-11-10")),
    # the outcome decides, not the via: a reply by email that could not name a time is a
    # conversation (ask for a time that day); an email that went unanswered is an attempt
    ([("call", "no-time", "2026-11-10"), ("email", "no-time", "2026-11-11")],
     ("no-time", "2026-11-11", 0, "ask-for-time", "2026-11-11")),
    ([("call", "no-time", "2026-11-10"), ("email", "no-answer", "2026-11-11")],
     ("no-answer", "2026-11-11", 1, "weekly-nudge", "2026-11-18")),
    ([("call", "scheduled", "2026-11-20", dt.datetime(2026, 12, 1, 10, 30))],
     ("scheduled", "2026-11-20", 0, "scheduled-call", "2026-12-01")),
    ([("call", "no-commitment", "2026-11-20"), ("email", "replied", "2026-11-22")],
     ("replied", "2026-11-22", 0, "done", None)),
])
def test_history_from_touches(tracker, steps, expected):
    tracker.add_contact({"name": "Dana Reyes"})
    for step in steps:
        via, outcome, day = step[:3]
        tracker.log("Dana Reyes", outcome, via, D(day), step[3] if len(step) > 3 else None, today=TODAY)
    contact, touches = touches_of(tracker, "Dana Reyes")
    derived = derive_history(contact, touches)
    outcome, last, attempts, stage, due = expected
    assert derived == History(D(last), outcome, "application",
                              steps[-1][3] if outcome == "scheduled" else None, attempts)
    assert history_of(contact) == derived  # the cached state says the same
    got = tracker.plan(derived, TODAY)
    assert got.stage.value == stage
    assert (got.due.isoformat() if got.due else None) == due
    assert got == plan(derived, TODAY)  # the engine decides, unchanged


def test_touches_logged_out_of_order_are_sorted_by_date(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana Reyes", "no-answer", "voicemail", D("2026-11-23"), today=TODAY)
    tracker.log("Dana Reyes", "no-commitment", "call", D("2026-11-20"), today=TODAY)  # backfilled
    history = history_of(tracker.find("Dana"))
    assert (history.outcome, history.last_contact, history.attempts) == ("no-answer", D("2026-11-23"), 1)


def test_the_stop_flag_wins_whatever_the_touches_say(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    tracker.stop("Dana", D("2026-11-21"), "asked by email")
    tracker.log("Dana", "no-answer", "voicemail", D("2026-11-24"), today=TODAY)
    dana = tracker.find("Dana")
    assert tracker.plan(history_of(dana), TODAY).stage is Stage.STOPPED
    assert list(tracker.due(TODAY, within=30)) == []
    tracker.unstop("Dana")
    resumed = tracker.plan(history_of(tracker.find("Dana")), TODAY)
    assert resumed.stage is Stage.WEEKLY_NUDGE


def test_log_outcome_stop_sets_the_flag_and_unstop_resumes_from_before(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    done = tracker.log("Dana", "stop", "email", D("2026-11-22"), note="please stop", today=TODAY)
    assert done.stopped_now
    assert (done.contact.stopped_on, done.contact.stop_note) == ("2026-11-22", "please stop")
    assert done.plan.stage is Stage.STOPPED
    tracker.unstop("Dana")
    again = tracker.plan(history_of(tracker.find("Dana")), TODAY)
    assert again.stage is Stage.THREE_DAY_CHECK  # the stop touch no longer decides


def test_a_stop_survives_edits(tracker):
    tracker.add_contact({"name": "Dana Reyes", "company": "Acme"})
    tracker.stop("Dana", TODAY, "no more calls")
    tracker.edit_contact("Dana", {"company": "Acme Analytics", "name": "Dana R. Reyes", "phone": "+1 555 987 6543"})
    dana = tracker.find("dana r. reyes")
    assert dana.stopped and dana.stop_note == "no more calls" and dana.company == "Acme Analytics"
    _, changed = tracker.stop("Dana", TODAY + dt.timedelta(days=3), "again")
    assert not changed and tracker.find("Dana").stopped_on == TODAY.isoformat()


@pytest.mark.parametrize("kwargs, field, value, message", [
    ({"outcome": "scheduled"}, "next", None, "next is missing: outcome 'scheduled' needs the agreed time"),
    ({"outcome": "no-answer", "next_at": D("2026-12-01")}, "next", "2026-12-01",
     "goes only with the outcome scheduled, not no-answer"),
    ({"outcome": "scheduled", "next_at": D("2026-11-01"), "at": D("2026-11-20")}, "next", "2026-11-01",
     "next '2026-11-01' is before the touch on 2026-11-20"),
    ({"outcome": "no-answer", "at": D("2026-12-25")}, "date", "2026-12-25",
     "date '2026-12-25' is after today"),
    ({"outcome": "later"}, "outcome", "later", "outcome 'later' is not known"),
    ({"outcome": "no-answer", "via": "fax"}, "via", "fax", "via 'fax' is not known"),
])
def test_log_rejects_bad_touches(tracker, kwargs, field, value, message):
    tracker.add_contact({"name": "Dana Reyes"})
    with pytest.raises(InputError, match=message) as error:
        tracker.log("Dana", today=TODAY, **kwargs)
    # the library names the value by its field; it never speaks command-line words
    assert (error.value.field, error.value.value) == (field, value)
    assert "--" not in str(error.value)
    assert tracker.find("Dana").touch_count == 0


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-address", "not an email address"),
    ("phone", "call me", "not a phone number"),
    ("timezone", "Mars/Olympus", "timezone 'Mars/Olympus' is not known"),
    ("call_window", "11:00-09:00", "not a time range"),
    ("situation", "lunch", "situation 'lunch' is not known"),
])
def test_contact_fields_are_checked(tracker, field, value, message):
    with pytest.raises(InputError, match=message):
        tracker.add_contact({"name": "Dana Reyes", field: value})
    assert list(tracker.contacts()) == []


# -- names -------------------------------------------------------------------------------------


def test_names_match_exactly_first_then_by_a_unique_part(tracker):
    for name in ("Sam", "Sam Lee", "Samantha Ortiz", "Dana Reyes"):
        tracker.add_contact({"name": name})
    assert tracker.find("SAM").name == "Sam"
    assert tracker.find("  dana  ").name == "Dana Reyes"
    assert tracker.find("ortiz").name == "Samantha Ortiz"
    assert tracker.find("sam ").name == "Sam"  # spaces do not matter
    assert tracker.find("SAM L").name == "Sam Lee"


def test_ambiguous_and_unknown_names(tracker):
    for name, company in (("Sam Lee", "Beta"), ("Samantha Ortiz", "Gamma"), ("Dana Reyes", "Acme")):
        tracker.add_contact({"name": name, "company": company})
    with pytest.raises(InputError, match=r"'sam' matches 2 contacts: Sam Lee \(Beta\); Samantha Ortiz \(Gamma\)"):
        tracker.find("sam")
    with pytest.raises(InputError, match="no contact matches 'Robin'"):
        tracker.find("Robin")
    with pytest.raises(InputError, match="already exists"):
        tracker.add_contact({"name": "DANA   reyes"})


# -- due -------------------------------------------------------------------------------------------


def _people(tracker):
    rows = [  # name, touches
        ("Ava Ng", [("call", "no-commitment", "2026-11-20")]),                       # due 11-23, 2 late
        ("Ben Ode", [("voicemail", "no-answer", "2026-11-04")]),                    # due 11-11, 14 late
        ("Cy Park", [("call", "scheduled", "2026-11-18", dt.datetime(2026, 11, 25, 15, 0))]),  # today 15:00
        ("Di Quon", [("call", "scheduled", "2026-11-18", dt.datetime(2026, 11, 25, 9, 0))]),   # today 09:00
        ("Ed Roy", [("meeting", "no-time", "2026-11-25")]),                          # today
        ("Flo Sato", [("call", "no-commitment", "2026-11-24")]),                     # 11-27, in 2 days
        ("Gus Tan", [("call", "no-commitment", "2026-11-10"), ("email", "replied", "2026-11-12")]),  # done
        ("Hal Ung", [("voicemail", "no-answer", "2026-11-01")]),                    # stopped below
        ("Ivy Vu", []),                                                              # no touches
    ]
    for name, touches in rows:
        tracker.add_contact({"name": name, "company": name.split()[1] + " Inc"})
        for step in touches:
            tracker.log(name, step[1], step[0], D(step[2]), step[3] if len(step) > 3 else None, today=TODAY)
    tracker.stop("Hal Ung", TODAY, None)


def test_due_is_most_overdue_first(tracker):
    _people(tracker)
    rows = list(tracker.due(TODAY))
    assert [r.contact.name for r in rows] == ["Ben Ode", "Ava Ng", "Ed Roy", "Di Quon", "Cy Park"]
    assert [r.plan.overdue_days for r in rows] == [14, 2, 0, 0, 0]
    assert [r.plan.due for r in rows] == sorted(r.plan.due for r in rows)
    ahead = [r.contact.name for r in tracker.due(TODAY, within=2)]
    assert ahead == ["Ben Ode", "Ava Ng", "Ed Roy", "Di Quon", "Cy Park", "Flo Sato"]
    assert json.loads(json.dumps(rows[0].to_dict()))["stage"] == "weekly-nudge"


def test_due_streams_and_releases_its_snapshot(tracker):
    _people(tracker)
    rows = tracker.due(TODAY)
    assert inspect.isgenerator(rows)
    first = next(rows)
    assert first.contact.name == "Ben Ode"
    rows.close()  # stop early: the read transaction ends, writes work again
    tracker.log("Ben Ode", "replied", "email", TODAY, today=TODAY)
    assert [r.contact.name for r in tracker.due(TODAY)][0] == "Ava Ng"


def test_due_with_weekends_kept(tmp_path):
    with Tracker.open(tmp_path / "t.sqlite3", business_days=False) as tracker:
        tracker.add_contact({"name": "Ava Ng"})
        tracker.log("Ava Ng", "no-commitment", "call", D("2026-11-19"), today=TODAY)  # +3 = Sunday
        [row] = tracker.due(TODAY)
        assert row.plan.due == D("2026-11-22")
    with Tracker.open(tmp_path / "t.sqlite3") as tracker:
        [row] = tracker.due(TODAY)
        assert row.plan.due == D("2026-11-23")  # moved to Monday


def test_the_cache_is_rebuilt_when_the_engine_changes(tmp_path):
    path = tmp_path / "t.sqlite3"
    with Tracker.open(path) as tracker:
        _people(tracker)
        with tracker.store.write():
            tracker.store.conn.execute("UPDATE contacts SET due_key = '2099-01-01', attempts = 7")
            tracker.store.set_meta("engine", "an older engine")
    with Tracker.open(path) as tracker:
        assert [r.contact.name for r in tracker.due(TODAY)][:2] == ["Ben Ode", "Ava Ng"]
        assert tracker.find("Ava Ng").attempts == 0


# -- why ---------------------------------------------------------------------------------------------


def test_why_explains_and_simulates_eight_weeks(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    tracker.log("Dana", "no-answer", "voicemail", D("2026-11-23"), today=TODAY)
    found = tracker.why("Dana", TODAY, weeks=8)
    assert "7 days after the last touch" in found["rule"]
    assert found["facts"]["attempts_since_conversation"] == 1
    assert found["facts"]["last_conversation"]["outcome"] == "no-commitment"
    days = [day for day, _ in found["simulation"]]
    assert days[0] == D("2026-11-30")
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(days, days[1:]))
    assert days[-1] <= TODAY + dt.timedelta(weeks=8) < days[-1] + dt.timedelta(days=7)
    assert [p.attempt for _, p in found["simulation"]] == list(range(2, 2 + len(days)))
    # the same dates as the engine's own simulation when nothing is overdue
    assert found["simulation"] == list(simulate(found["history"], TODAY, 8))


# -- calendar ------------------------------------------------------------------------------------------


def _events(data):
    cal = icalendar.Calendar.from_ical(data)
    return cal, {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_calendar_has_the_required_properties(tracker):
    tracker.add_contact({"name": "Dana Reyes", "company": "Acme", "timezone": "America/Chicago",
                         "call_window": "09:30-10:00", "phone": "+1 555 987 6543"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-24"), today=TODAY)  # due Friday 11-27
    cal, events = _events(tracker.calendar(TODAY, weeks=8, reminder_minutes=20))
    assert str(cal["VERSION"]) == "2.0"
    assert "followup-script" in str(cal["PRODID"])
    uid = tracker.find("Dana").uid
    first, series = events[f"{uid}-next@followup-script"], events[f"{uid}-nudges@followup-script"]
    for ev in (first, series):
        assert ev["DTSTAMP"] and ev["DTSTART"] and str(ev["STATUS"]) == "CONFIRMED"
        [alarm] = ev.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm["TRIGGER"].dt == dt.timedelta(minutes=-20)
        assert "Dana Reyes" in str(alarm["DESCRIPTION"])
    start = first["DTSTART"].dt
    assert start.date() == D("2026-11-27") and start.time() == dt.time(9, 30)
    assert str(start.tzinfo) == "America/Chicago"
    assert first.get("RRULE") is None
    rule = series["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [8]
    # the series is exactly what the engine plans if nobody replies after the first step
    occurrences = [d.date() for d in rrulestr(rule.to_ical().decode(), dtstart=series["DTSTART"].dt)]
    expected = [day for day, _ in simulate(History(D("2026-11-27"), Outcome.NO_ANSWER, attempts=1), TODAY, 60)][:8]
    assert occurrences == expected
    assert "+1 555 987 6543" in str(first["DESCRIPTION"])


def test_calendar_uids_are_stable_and_replies_cancel(tracker):
    _people(tracker)
    before_cal, before = _events(tracker.calendar(TODAY))
    again_cal, again = _events(tracker.calendar(TODAY))
    assert set(before) == set(again)  # re-exporting updates, never duplicates
    names = {str(ev["SUMMARY"]) for ev in before.values()}
    assert not any("Ivy Vu" in n for n in names)  # no touches, no event
    ava = tracker.find("Ava Ng")
    uid = f"{ava.uid}-next@followup-script"
    old_sequence = int(before[uid]["SEQUENCE"])
    tracker.log("Ava Ng", "replied", "email", TODAY, today=TODAY)
    _, after = _events(tracker.calendar(TODAY))
    for key in (uid, f"{ava.uid}-nudges@followup-script"):
        assert str(after[key]["STATUS"]) == "CANCELLED"
        assert int(after[key]["SEQUENCE"]) == old_sequence + 1
    flo = tracker.find("Flo Sato")
    flo_uid = f"{flo.uid}-nudges@followup-script"
    flo_sequence = int(after[flo_uid]["SEQUENCE"])
    tracker.stop("Flo Sato", TODAY, "asked to stop")
    _, stopped = _events(tracker.calendar(TODAY))
    assert str(stopped[flo_uid]["STATUS"]) == "CANCELLED"
    assert int(stopped[flo_uid]["SEQUENCE"]) == flo_sequence + 1
    hal = tracker.find("Hal Ung")  # stopped before any export: cancelled too
    assert str(stopped[f"{hal.uid}-next@followup-script"]["STATUS"]) == "CANCELLED"


def test_a_logged_touch_moves_the_event_with_a_higher_sequence(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    uid = tracker.find("Dana").uid + "-next@followup-script"
    _, first = _events(tracker.calendar(TODAY))
    tracker.log("Dana", "no-answer", "voicemail", TODAY, today=TODAY)
    _, second = _events(tracker.calendar(TODAY))
    assert second[uid]["DTSTART"].dt.date() == D("2026-12-02")
    assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])


# -- export / import -----------------------------------------------------------------------------------


def test_export_round_trips_through_import(tracker, tmp_path):
    _people(tracker)
    tracker.edit_contact("Ava Ng", {"email": "ava@example.com", "timezone": "Europe/Lisbon",
                                    "call_window": "14:00-15:30", "notes": "met at PyCon"})
    exported = tracker.export()
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported))
    with Tracker.open(tmp_path / "copy.sqlite3") as copy:
        report = copy.import_records(read_import(path, TODAY), TODAY)
        assert report.counts["contacts_added"] == 9
        assert copy.export() == exported
        assert [r.contact.name for r in copy.due(TODAY)] == [r.contact.name for r in tracker.due(TODAY)]
        again = copy.import_records(read_import(path, TODAY), TODAY)
        assert again.lines == [] and again.counts == {"contacts_unchanged": 9, "touches_unchanged": 9}


def test_dry_run_changes_nothing(tracker, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("name,company,date,via,outcome,next,note\n"
                    "Dana Reyes,Acme,2026-11-20,call,no-commitment,,first call\n"
                    "Dana Reyes,,2026-11-23,voicemail,no-answer,,\n"
                    "Sam Lee,Beta,2026-11-18,call,scheduled,2026-11-30 10:00,\n")
    report = tracker.import_records(read_import(path, TODAY), TODAY, dry_run=True)
    assert report.counts == {"contacts_added": 2, "touches_added": 3}
    assert "add touch Dana Reyes: 2026-11-23 voicemail no-answer" in report.lines
    assert list(tracker.contacts()) == []
    tracker.import_records(read_import(path, TODAY), TODAY)
    dana = tracker.find("Dana")
    assert (dana.company, dana.touch_count, history_of(dana).attempts) == ("Acme", 2, 1)
    assert tracker.plan(history_of(tracker.find("Sam")), TODAY).due_time == dt.time(10, 0)


def test_bad_rows_are_listed_with_line_numbers_and_nothing_is_imported(tracker, tmp_path):
    tracker.add_contact({"name": "Dana Reyes"})
    path = tmp_path / "in.csv"
    path.write_text("name,company,date,via,outcome\n"
                    "Good Person,Acme,2026-11-20,call,no-commitment\n"
                    "\n"
                    "Bad Date,Acme,2026-11-40,call,no-commitment\n"
                    '"Multi\nLine",Acme,2026-11-20,fax,no-commitment\n'
                    "No Outcome,Acme,2026-11-20,call,\n"
                    ",Acme,2026-11-20,call,no-answer\n")
    with pytest.raises(InputError) as err:
        read_import(path, TODAY)
    text = str(err.value)
    assert "4 bad row(s)" in text
    for fragment in ("line 4: date '2026-11-40'", "line 5: via 'fax'", "line 7: a touch needs its outcome",
                     "line 8: name '' is empty", "nothing was imported"):
        assert fragment in text
    assert "\n" not in text.replace("Multi\nLine", "")
    assert [c.name for c in tracker.contacts()] == ["Dana Reyes"]


def test_import_rows_name_a_bad_value_by_its_column(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("name,date,via,outcome,next,call_window\n"
                    "A One,2026-11-20,call,scheduled,,\n"
                    "B Two,2026-11-20,call,scheduled,2026-11-01 10:00,\n"
                    "C Three,2026-11-20,call,no-answer,2026-12-01,\n"
                    "D Four,2026-11-20,call,no-answer,,9-8\n")
    with pytest.raises(InputError) as err:
        read_import(path, TODAY)
    text = str(err.value)
    for fragment in ("line 2: next is missing: outcome 'scheduled' needs the agreed time",
                     "line 3: next '2026-11-01 10:00' is before the touch on 2026-11-20",
                     "line 4: next '2026-12-01' is the agreed time of the next call",
                     "line 5: call_window '9-8' is not a time range"):
        assert fragment in text
    assert "--" not in text


def test_a_failure_midway_rolls_the_whole_import_back(tracker, tmp_path):
    tracker.add_contact({"name": "Taken Name"})
    tracker.add_contact({"name": "Dana Reyes"})
    dana_uid = tracker.find("Dana").uid
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"contacts": [
        {"name": "New Person", "touches": [{"at": "2026-11-20", "via": "call", "outcome": "no-commitment"}]},
        {"uid": dana_uid, "name": "Taken Name"},  # a rename onto another contact's name
    ]}))
    with pytest.raises(InputError, match=r"contacts\[1\] \(Taken Name\): a contact named 'Taken Name' already exists"):
        tracker.import_records(read_import(path, TODAY), TODAY)
    assert sorted(c.name for c in tracker.contacts()) == ["Dana Reyes", "Taken Name"]


def test_a_stop_survives_reimport(tracker, tmp_path):
    tracker.add_contact({"name": "Dana Reyes", "company": "Acme"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    path = tmp_path / "before.json"
    path.write_text(json.dumps(tracker.export()))  # exported before the stop
    tracker.stop("Dana", TODAY, "asked by phone")
    report = tracker.import_records(read_import(path, TODAY), TODAY)
    assert any("keep the stop on Dana Reyes" in line for line in report.lines)
    dana = tracker.find("Dana")
    assert (dana.stopped_on, dana.stop_note) == (TODAY.isoformat(), "asked by phone")
    csv_path = tmp_path / "more.csv"
    csv_path.write_text("name,company,date,via,outcome\nDana Reyes,Acme Analytics,2026-11-24,email,no-answer\n")
    tracker.import_records(read_import(csv_path, TODAY), TODAY)
    dana = tracker.find("Dana")
    assert dana.stopped and dana.company == "Acme Analytics"
    assert tracker.plan(history_of(dana), TODAY).stage is Stage.STOPPED


def test_an_imported_stop_touch_sets_the_flag(tracker, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("name,date,via,outcome,note\nDana Reyes,2026-11-20,call,no-commitment,\n"
                    "Dana Reyes,2026-11-22,email,stop,please stop\n")
    tracker.import_records(read_import(path, TODAY), TODAY)
    dana = tracker.find("Dana")
    assert (dana.stopped_on, dana.stop_note) == ("2026-11-22", "please stop")


def test_import_file_problems(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_import(tmp_path / "missing.csv", TODAY)
    bad = tmp_path / "bad.json"
    bad.write_text('{"contacts": [\n  {"name": "Dana"},\n  oops\n]}')
    with pytest.raises(InputError, match="line 3: not valid JSON"):
        read_import(bad, TODAY)
    other = tmp_path / "data.xlsx"
    other.write_text("x")
    with pytest.raises(InputError, match="neither .csv nor .json"):
        read_import(other, TODAY)
    header = tmp_path / "h.csv"
    header.write_text("full name,company\nDana,Acme\n")
    with pytest.raises(InputError, match="line 1: the header needs a name column"):
        read_import(header, TODAY)
