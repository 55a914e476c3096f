"""Correcting the history (issue 14, problem 6): ``undo``, ``touch list`` and ``touch edit``,
through the command line in process and through the library."""

from __future__ import annotations

import datetime as dt
import json
import types

import icalendar
import pytest

from followup_script import Channel, Receipt, hookimpl
from followup_script.compose.scriptwriter import Scriptwriter
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.tracker.rows import NewTouch
from followup_script.tracker.service import Tracker
from tests.conftest import ok, one_error_line

T = ("--today", "2026-11-25")
TODAY = dt.date(2026, 11, 25)  # a Wednesday
D = dt.date.fromisoformat




@pytest.fixture
def dana(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics")
    ok(cli, "log", "dana", "--outcome", "no-commitment", "--date", "2026-11-20", *T)
    return "Dana Reyes"


def touches(cli, name="dana"):
    return json.loads(ok(cli, "touch", "list", name, "--json").stdout)


# -- the problem --------------------------------------------------------------------------------------


def test_problem_6_a_wrong_log_is_undone_without_removing_the_contact(cli, dana):
    """A touch logged by mistake (here a voicemail meant for someone else) is taken back
    with `undo`: the contact and the rest of the history stay, and the plan is as before."""
    before = ok(cli, "due", "--json", *T).stdout
    ok(cli, "log", "dana", "--via", "voicemail", "--outcome", "no-answer", "--note", "meant for Sam", *T)
    assert ok(cli, "due", "--json", *T).stdout != before
    done = ok(cli, "undo", "dana", "--yes", *T)
    assert done.stdout.splitlines() == [
        "removed the last touch with Dana Reyes (Acme Analytics): "
        "Wednesday 25 November 2026, voicemail, no-answer (meant for Sam)",
        "next: three-day-check (attempt 1) on Monday 23 November 2026, 2 days overdue",
    ]
    assert [(t["at"], t["outcome"]) for t in touches(cli)] == [("2026-11-20", "no-commitment")]
    assert ok(cli, "due", "--json", *T).stdout == before


# -- undo ----------------------------------------------------------------------------------------------


def test_undo_without_a_terminal_needs_yes_and_removes_nothing(cli, dana):
    line = one_error_line(cli("undo", "dana", *T))
    assert line == ("followup-script: error: undo without a terminal needs --yes to confirm (it removes "
                    "Friday 20 November 2026, call, no-commitment with Dana Reyes (Acme Analytics)); add --yes")
    assert len(touches(cli)) == 1


def on_a_terminal(monkeypatch, answer: str):
    """The command line as it runs with stdin taken for a terminal and ``answer`` typed at the
    prompt: returns a function of the arguments giving (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from followup_script.cli import main
    from followup_script.cli import touches as module

    monkeypatch.setattr(module, "sys", types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True)))

    def run(*args):
        with CliRunner().isolation(input=answer) as (out, err, _):
            code = main(list(args))
        return code, out.getvalue().decode(), err.getvalue().decode()

    return run


def test_undo_on_a_terminal_asks_and_no_keeps_the_touch(cli, dana, monkeypatch):
    code, out, err = on_a_terminal(monkeypatch, "n\n")("undo", "dana", *T)
    assert code == 130 and out == ""
    assert ("Remove the last touch with Dana Reyes (Acme Analytics): Friday 20 November 2026, call, "
            "no-commitment? [y/N]") in err
    assert len(touches(cli)) == 1


def test_undo_on_a_terminal_yes_removes_it(cli, dana, monkeypatch):
    code, out, _ = on_a_terminal(monkeypatch, "y\n")("undo", "dana", *T)
    assert code == 0 and out.startswith("removed the last touch with Dana Reyes")
    assert "next: no plan: no touches logged" in out
    assert touches(cli) == []


def test_undoing_a_stop_asks_first_and_lifts_the_stop(cli, dana, monkeypatch):
    ok(cli, "log", "dana", "--outcome", "stop", "--note", "asked not to call", *T)
    line = one_error_line(cli("undo", "dana", *T))
    assert "and lifts the stop); add --yes" in line
    code, out, err = on_a_terminal(monkeypatch, "n\n")("undo", "dana", *T)
    assert code == 130
    assert "recorded that they asked you to stop: Wednesday 25 November 2026, call, stop" in err
    assert "Undo it and lift the stop, so follow-ups to them resume? [y/N]" in err
    assert json.loads(ok(cli, "contact", "show", "dana", "--json", *T).stdout)["stop"] is not None
    done = ok(cli, "undo", "dana", "--yes", *T)
    assert "the stop is lifted: follow-ups to Dana Reyes resume (followup-script stop sets it again)" in done.stdout
    shown = json.loads(ok(cli, "contact", "show", "dana", "--json", *T).stdout)
    assert shown["stop"] is None and shown["plan"]["stage"] == "three-day-check"


def test_undo_keeps_a_stop_set_by_the_stop_command(cli, dana):
    ok(cli, "stop", "dana", *T)
    ok(cli, "log", "dana", "--via", "email", "--outcome", "no-answer", "--date", "2026-11-24", *T)
    done = ok(cli, "undo", "dana", "--yes", *T)
    assert "stop is lifted" not in done.stdout and done.stdout.endswith("next: stopped\n")


def test_undo_removes_the_touch_logged_last_whatever_its_date(cli, dana):
    ok(cli, "log", "dana", "--via", "email", "--outcome", "no-answer", "--date", "2026-11-24", *T)
    ok(cli, "log", "dana", "--via", "sms", "--outcome", "no-answer", "--date", "2026-11-22", *T)
    done = ok(cli, "undo", "dana", "--yes", *T)
    assert "Sunday 22 November 2026, sms, no-answer" in done.stdout
    assert [t["via"] for t in touches(cli)] == ["call", "email"]


def test_undo_with_nothing_to_undo_is_one_line(cli):
    ok(cli, "contact", "add", "Kim Park")
    line = one_error_line(cli("undo", "kim", "--yes", *T))
    assert "Kim Park has no touches to undo" in line
    assert "no contact matches 'nobody'" in one_error_line(cli("undo", "nobody", "--yes", *T))


def test_undo_re_derives_the_state_and_moves_the_calendar_on(cli, dana, tmp_path):
    ok(cli, "log", "dana", "--via", "voicemail", "--outcome", "no-answer", *T)
    ics = tmp_path / "f.ics"

    def first_event():
        ok(cli, "calendar", "-o", ics, *T)
        cal = icalendar.Calendar.from_ical(ics.read_bytes())
        event = next(e for e in cal.walk("VEVENT") if str(e["uid"]).endswith("-next@followup-script"))
        return int(event["sequence"]), str(event["summary"]), event.decoded("dtstart").date()

    sequence, summary, start = first_event()
    assert "weekly nudge" in summary and start == D("2026-12-02")
    ok(cli, "undo", "dana", "--yes", *T)
    later, summary, start = first_event()
    assert later > sequence and "three day check" in summary and start == TODAY


# -- touch list, touch edit -------------------------------------------------------------------------


def test_touch_list_shows_ids_as_a_table_and_as_json(cli, dana):
    ok(cli, "log", "dana", "--outcome", "scheduled", "--next", "2026-12-01 10:30", "--note", "phone screen", *T)
    table = ok(cli, "touch", "list", "DANA").stdout.splitlines()
    listed = touches(cli)
    assert [t["id"] for t in listed] == [1, 2]
    assert table == [
        "Dana Reyes (Acme Analytics)",
        "ID  DATE        VIA   OUTCOME        AGREED            NOTE",
        " 1  2026-11-20  call  no-commitment",
        " 2  2026-11-25  call  scheduled      2026-12-01 10:30  phone screen",
    ]
    assert listed[1] == {"id": 2, "at": "2026-11-25", "via": "call", "outcome": "scheduled",
                         "next": "2026-12-01T10:30", "note": "phone screen"}


def test_touch_edit_changes_a_touch_and_the_plan_follows(cli, dana):
    done = ok(cli, "touch", "edit", "1", "--date", "2026-11-18", "--note", "phone screen", *T)
    assert done.stdout.splitlines() == [
        "saved touch 1 with Dana Reyes (Acme Analytics): Wednesday 18 November 2026, call, no-commitment "
        "(phone screen)",
        "  (was: Friday 20 November 2026, call, no-commitment)",
        "next: three-day-check (attempt 1) on Monday 23 November 2026, 2 days overdue",
    ]
    ok(cli, "touch", "edit", "1", "--via", "voicemail", "--outcome", "no-answer", *T)
    assert json.loads(ok(cli, "due", "--json", *T).stdout)[0]["stage"] == "weekly-nudge"
    ok(cli, "touch", "edit", "1", "--note", "", *T)
    assert touches(cli)[0]["note"] is None


@pytest.mark.parametrize("args, needle", [
    (["--date", "2026-11-30"], "--date '2026-11-30' is after today (2026-11-25)"),
    (["--date", "20/11/2026"], "--date '20/11/2026' is not a date"),
    (["--outcome", "maybe"], "--outcome 'maybe' is not known; use one of: scheduled,"),
    (["--via", "pigeon"], "'pigeon'"),
    (["--outcome", "scheduled"], "--next is missing: outcome 'scheduled' needs the agreed time"),
    (["--next", "2026-12-01 10:00"], "--next '2026-12-01 10:00'"),
    (["--outcome", "scheduled", "--next", "2026-11-01 10:00"], "is before the touch on 2026-11-20"),
    ([], "nothing to change: pass at least one of --date, --outcome, --via, --next, --note"),
])
def test_touch_edit_checks_as_log_does(cli, dana, args, needle):
    line = one_error_line(cli("touch", "edit", "1", *args, *T))
    assert needle in line, line
    assert touches(cli)[0] == {"id": 1, "at": "2026-11-20", "via": "call", "outcome": "no-commitment",
                               "next": None, "note": None}


def test_touch_edit_of_an_unknown_id_is_one_line(cli, dana):
    assert "there is no touch 99; see the ids in followup-script touch list NAME" in one_error_line(
        cli("touch", "edit", "99", "--note", "x", *T))


def test_touch_edit_away_from_scheduled_drops_the_agreed_time(cli, dana):
    ok(cli, "log", "dana", "--outcome", "scheduled", "--next", "2026-12-01 10:30", *T)
    ok(cli, "touch", "edit", "2", "--outcome", "no-time", *T)
    assert touches(cli)[1]["next"] is None and touches(cli)[1]["outcome"] == "no-time"


def test_touch_edit_to_stop_sets_the_flag_and_back_lifts_it_after_asking(cli, dana):
    done = ok(cli, "touch", "edit", "1", "--outcome", "stop", *T)
    assert "stopped: nothing more goes to them" in done.stdout and done.stdout.endswith("next: stopped\n")
    assert "and lifts the stop" in one_error_line(cli("touch", "edit", "1", "--outcome", "no-commitment", *T))
    done = ok(cli, "touch", "edit", "1", "--outcome", "no-commitment", "--yes", *T)
    assert "the stop is lifted" in done.stdout
    assert json.loads(ok(cli, "contact", "show", "dana", "--json", *T).stdout)["stop"] is None


# -- the library: revision and deliveries -----------------------------------------------------------


class Box:
    """A channel that delivers into a list."""

    def __init__(self):
        self.delivered: list[str] = []

    @hookimpl
    def register_channels(self, register):
        register(Channel("box", "a test box", "voicemail", deliver=self.deliver))

    def deliver(self, message, context):
        self.delivered.append(message.text)
        return Receipt(channel=message.channel, id=f"box-{len(self.delivered)}")


@pytest.fixture
def tracker(tmp_path):
    with Tracker.open(tmp_path / "tracker.sqlite3") as opened:
        opened.add_contact({"name": "Dana Reyes", "company": "Acme"})
        opened.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
        yield opened


def test_undo_and_edit_bump_the_revision(tracker):
    start = tracker.find("dana").revision
    tracker.edit_touch(1, note="phone screen", today=TODAY)
    edited = tracker.find("dana").revision
    assert edited > start
    tracker.undo("dana", TODAY)
    assert tracker.find("dana").revision > edited and tracker.find("dana").touch_count == 0


def test_undo_refuses_when_the_last_touch_changed_meanwhile(tracker):
    _, first, _ = tracker.last_touch("dana")
    tracker.log("Dana", "no-answer", "voicemail", TODAY, today=TODAY)
    with pytest.raises(Exception, match="changed meanwhile; run the command again"):
        tracker.undo("dana", TODAY, touch_id=first.id)
    assert tracker.find("dana").touch_count == 2


def test_undoing_a_delivered_touch_never_sends_it_twice(tracker, tmp_path, cli):
    """Deliveries are kept by key, not by touch: the undone delivery's touch goes, the
    record that the message went stays, and the same follow-up is not delivered again."""
    box = Box()
    writer = Scriptwriter(Config(tmp_path / "c.toml", {"profile": {"name": "Ana Lima", "phone": "+1 555 123 4567"}}),
                          build_plugin_manager(load_entrypoints=False, extra=[box]))
    dana = tracker.find("dana")
    message = writer.write("box", tracker.plan_for(dana, TODAY), dana.script_fields(), today=TODAY)
    done = tracker.deliver_once(writer, message, dana, via="voicemail", today=TODAY)
    assert done.receipt.id == "box-1" and tracker.find("dana").touch_count == 2
    undone = tracker.undo("dana", TODAY)
    assert undone.delivery is not None and undone.delivery.key == done.key and undone.delivery.status == "done"
    assert undone.plan.stage.value == "three-day-check"
    with tracker.store.read():
        assert tracker.store.delivery(done.key).status == "done"
    dana = tracker.find("dana")
    again = writer.write("box", tracker.plan_for(dana, TODAY), dana.script_fields(), today=TODAY)
    assert writer.delivery_key(again) == done.key
    second = tracker.deliver_once(writer, again, dana, via="voicemail", today=TODAY)
    assert second.already is not None and box.delivered == [message.text]


def test_undo_on_the_command_line_says_a_delivery_stays_recorded(cli, dana):
    from followup_script.tracker.store import default_path

    with Tracker.open(default_path()) as tracker:  # the file the command line uses
        with tracker.store.write():
            tracker.store.start_delivery("k-1", "box", 1)
            tracker.store.finish_delivery("k-1", "done", receipt='{"id": "box-1"}')
        tracker.record_delivery(tracker.find("dana"), "voicemail", TODAY, "delivered by box: box-1")
    done = ok(cli, "undo", "dana", "--yes", *T)
    assert "note: this touch recorded a delivery by box on " in done.stdout
    assert "delivering this follow-up again sends nothing (--resend sends it)" in done.stdout


def test_edit_of_a_delivered_touch_keeps_the_delivery(tracker):
    with tracker.store.write():
        tracker.store.start_delivery("k-1", "box", 1)
        tracker.store.finish_delivery("k-1", "done", receipt='{"id": "box-1"}')
        tracker.record_delivery(tracker.find("dana"), "voicemail", TODAY, "delivered by box: box-1")
    changed = tracker.edit_touch(2, outcome="replied", via="email", today=TODAY)
    assert changed.delivery.key == "k-1" and changed.plan.stage.value == "done"
    with tracker.store.read():
        assert tracker.store.delivery("k-1").status == "done"


def test_preview_and_record_still_work_after_an_undo(tracker):
    tracker.undo("dana", TODAY)
    recorded = tracker.record(tracker.find("dana"), touches=[NewTouch("no-commitment", D("2026-11-24"))],
                              today=TODAY)
    assert recorded.plan.due == D("2026-11-27")
