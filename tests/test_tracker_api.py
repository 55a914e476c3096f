"""The tracker's API for front ends that must not touch storage rows (the wizard):
``preview`` (the plan a touch would give, nothing written), ``record`` / ``take_back``,
and ``record_and_deliver`` (record, deliver exactly once, take back on failure)."""

import datetime as dt
import itertools
import os
import signal
import time

import pytest

from followup_script import Channel, Receipt, hookimpl
from followup_script.compose.scriptwriter import Scriptwriter
from followup_script.engine.stages import Outcome, Stage
from followup_script.errors import DeliveryError, InputError, StoppedError
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.tracker.history import history_of
from followup_script.tracker.rows import NewTouch
from followup_script.tracker.service import Tracker

TODAY = dt.date(2026, 11, 25)  # a Wednesday
D = dt.date.fromisoformat
PROFILE = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}


@pytest.fixture
def tracker(tmp_path):
    with Tracker.open(tmp_path / "tracker.sqlite3") as opened:
        yield opened


def rows(tracker):
    """Everything stored, to show that nothing changed."""
    with tracker.store.read():
        return (tracker.store.conn.execute("SELECT * FROM contacts ORDER BY id").fetchall(),
                tracker.store.conn.execute("SELECT * FROM touches ORDER BY id").fetchall())


# -- preview ---------------------------------------------------------------------------------------

HISTORIES = [
    [],
    [("call", "no-commitment", "2026-11-20")],
    [("call", "no-time", "2026-11-10"), ("voicemail", "no-answer", "2026-11-17")],
    [("call", "scheduled", "2026-11-18", dt.datetime(2026, 11, 24, 10, 0))],
    [("call", "no-commitment", "2026-11-02"), ("email", "no-answer", "2026-11-24")],  # a touch after the event
]
EVENTS = [
    NewTouch("no-answer", D("2026-11-23"), "voicemail"),
    NewTouch("no-commitment", D("2026-11-23"), "call"),
    NewTouch("no-time", D("2026-11-24"), "meeting"),
    NewTouch("scheduled", D("2026-11-23"), "call", dt.datetime(2026, 12, 1, 9, 30)),
    NewTouch("replied", D("2026-11-25"), "email"),
    NewTouch("stop", D("2026-11-22"), "email"),
    NewTouch("no-answer", D("2026-11-10"), "sms"),  # older than some stored touches
]


@pytest.mark.parametrize("steps, event", list(itertools.product(HISTORIES, EVENTS)))
def test_preview_is_the_plan_logging_gives_and_writes_nothing(tmp_path, steps, event):
    with Tracker.open(tmp_path / "t.sqlite3") as tracker:
        tracker.add_contact({"name": "Dana Reyes", "situation": "networking"})
        for via, outcome, day, *agreed in steps:
            tracker.log("Dana", outcome, via, D(day), agreed[0] if agreed else None, today=TODAY)
        before = rows(tracker)
        previewed = tracker.preview(tracker.find("Dana"), event, today=TODAY)
        assert rows(tracker) == before
        logged = tracker.log("Dana", event.outcome, event.via, event.at, event.next_at, today=TODAY)
        assert previewed == logged.plan


def test_preview_of_a_new_contact_needs_no_row(tracker):
    event = NewTouch("no-commitment", D("2026-11-20"), "call")
    previewed = tracker.preview(None, event, today=TODAY, situation="interview")
    assert rows(tracker) == ([], [])
    assert previewed.stage is Stage.THREE_DAY_CHECK and previewed.situation.value == "interview"
    tracker.add_contact({"name": "Kim Park", "situation": "interview"})
    assert tracker.log("Kim", "no-commitment", "call", D("2026-11-20"), today=TODAY).plan == previewed
    assert tracker.preview(None, NewTouch("no-answer", TODAY, "voicemail"), today=TODAY).situation.value \
        == "application"


def test_preview_of_a_stopped_contact_stays_stopped(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    tracker.stop("Dana", D("2026-11-21"), "asked by email")
    previewed = tracker.preview(tracker.find("Dana"), NewTouch("no-answer", TODAY, "voicemail"), today=TODAY)
    assert previewed.stage is Stage.STOPPED and previewed.last_contact == D("2026-11-21")


def test_preview_refuses_what_log_refuses(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    dana = tracker.find("Dana")
    with pytest.raises(InputError) as error:
        tracker.preview(dana, NewTouch("no-answer", D("2026-12-25"), "call"), today=TODAY)
    assert error.value.field == "date"
    with pytest.raises(InputError) as error:
        tracker.preview(None, NewTouch("scheduled", D("2026-11-20"), "call"), today=TODAY)
    assert error.value.field == "next"
    with pytest.raises(InputError) as error:
        tracker.preview(dana, NewTouch("no-answer", D("2026-11-20"), "pigeon"), today=TODAY)
    assert (error.value.field, error.value.value) == ("via", "pigeon")


# -- record and take back --------------------------------------------------------------------------


def test_record_adds_a_contact_and_its_touches_at_once(tracker):
    done = tracker.record(fields={"name": "Dana Reyes", "company": "Acme"}, today=TODAY, touches=[
        NewTouch("no-commitment", D("2026-11-20"), "call", note="told the wizard"),
        NewTouch(Outcome.NO_ANSWER, TODAY, "voicemail", note="  used the script  "),
    ])
    assert done.added and done.contact.name == "Dana Reyes" and done.contact.touch_count == 2
    assert [(t.outcome, t.note) for t in done.touches] == [("no-commitment", "told the wizard"),
                                                          ("no-answer", "used the script")]
    assert done.plan == tracker.plan(history_of(tracker.find("Dana")), TODAY)
    assert done.plan.stage is Stage.WEEKLY_NUDGE and done.plan.attempt == 2


def test_record_writes_nothing_when_a_touch_is_refused(tracker):
    with pytest.raises(InputError):
        tracker.record(fields={"name": "Dana Reyes"}, today=TODAY, touches=[
            NewTouch("no-commitment", D("2026-11-20"), "call"),
            NewTouch("no-answer", D("2026-12-20"), "call"),  # after today
        ])
    with pytest.raises(InputError):
        tracker.record(fields={"name": "Dana Reyes", "email": "not-an-address"}, today=TODAY)
    assert rows(tracker) == ([], [])


def test_take_back_removes_a_new_contact_whole(tracker):
    done = tracker.record(fields={"name": "Dana Reyes"}, touches=[NewTouch("no-answer", TODAY, "sms")],
                          today=TODAY)
    tracker.take_back(done)
    assert rows(tracker) == ([], [])


def test_take_back_removes_only_the_recorded_touches_and_re_derives(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    before = tracker.find("Dana")
    done = tracker.record(before, touches=[NewTouch("stop", D("2026-11-24"), "email")], today=TODAY)
    assert done.contact.stopped and not done.added
    # the stop flag stays (only unstop lifts it); the touch and the cached state go back
    tracker.unstop("Dana")
    tracker.take_back(done)
    after = tracker.find("Dana")
    assert (after.touch_count, after.last_at, after.last_outcome, after.due_key) == \
        (before.touch_count, before.last_at, before.last_outcome, before.due_key)


# -- record and deliver ----------------------------------------------------------------------------


class Box:
    """A channel that delivers into a list, or fails as told."""

    def __init__(self):
        self.delivered: list[str] = []
        self.fail: Exception | str | None = None

    @hookimpl
    def register_channels(self, register):
        register(Channel("box", "a test box", "voicemail", deliver=self.deliver))

    def deliver(self, message, context):
        if self.fail == "ctrl-c":  # a real Ctrl-C (SIGINT) while the channel delivers
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        if self.fail is not None:
            raise self.fail
        self.delivered.append(message.text)
        return Receipt(channel=message.channel, id=f"box-{len(self.delivered)}")


@pytest.fixture
def box():
    return Box()


@pytest.fixture
def writer(tmp_path, box):
    plugins = build_plugin_manager(load_entrypoints=False, extra=[box])
    return Scriptwriter(Config(tmp_path / "config.toml", {"profile": dict(PROFILE)}), plugins)


def script_for(tracker, writer, fields, event):
    plan = tracker.preview(None, event, today=TODAY, situation=fields.get("situation"))
    return writer.write("box", plan, {k: v for k, v in fields.items() if k != "situation"}, today=TODAY)


def deliveries(tracker):
    with tracker.store.read():
        return tracker.store.conn.execute("SELECT key, status, contact_id FROM deliveries").fetchall()


def test_record_and_deliver_records_then_logs_the_delivery(tracker, writer, box):
    fields = {"name": "Dana Reyes", "company": "Acme"}
    event = NewTouch("no-commitment", D("2026-11-20"), "call", note="told the wizard")
    message = script_for(tracker, writer, fields, event)
    done = tracker.record_and_deliver(writer, message, fields=fields, touches=[event], via="voicemail",
                                      today=TODAY)
    assert done.already is None and done.receipt.id == "box-1" and box.delivered == [message.text]
    dana = tracker.find("Dana")
    assert done.contact == dana
    with tracker.store.read():
        touches = tracker.store.touches(dana.id)
    assert [(t.at, t.via, t.outcome, t.note) for t in touches] == [
        (D("2026-11-20"), "call", "no-commitment", "told the wizard"),
        (TODAY, "voicemail", "no-answer", "delivered by box: box-1"),
    ]
    assert deliveries(tracker) == [(done.key, "done", dana.id)]
    # the same message again: found, not delivered twice, and what it recorded is kept
    again = tracker.record_and_deliver(writer, message, tracker.find("Dana"), today=TODAY)
    assert again.already is not None and again.earlier_receipt()["id"] == "box-1"
    assert box.delivered == [message.text] and tracker.find("Dana").touch_count == 2


def test_a_failed_delivery_takes_back_the_new_contact(tracker, writer, box):
    fields = {"name": "Dana Reyes"}
    event = NewTouch("no-commitment", D("2026-11-20"), "call")
    message = script_for(tracker, writer, fields, event)
    box.fail = DeliveryError("the box is full; empty it")
    with pytest.raises(DeliveryError, match="the box is full"):
        tracker.record_and_deliver(writer, message, fields=fields, touches=[event], today=TODAY)
    assert rows(tracker) == ([], [])
    assert deliveries(tracker) == [(writer.delivery_key(message), "failed", None)]


def test_a_failed_delivery_takes_back_the_touch_of_a_tracked_contact(tracker, writer, box):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-16"), today=TODAY)
    before = rows(tracker)
    event = NewTouch("no-time", D("2026-11-24"), "meeting")
    dana = tracker.find("Dana")
    message = writer.write("box", tracker.preview(dana, event, today=TODAY), dana.script_fields(), today=TODAY)
    box.fail = "ctrl-c"  # even Ctrl-C in the middle takes it back
    with pytest.raises(KeyboardInterrupt):
        tracker.record_and_deliver(writer, message, dana, touches=[event], today=TODAY)
    assert rows(tracker)[1] == before[1]
    after = tracker.find("Dana")
    # every field as before (the derived state too), but the revision and its stamp, which moved on
    assert {**after.__dict__, "revision": 0, "updated_at": ""} == {**dana.__dict__, "revision": 0, "updated_at": ""}
    assert after.revision > dana.revision


def test_a_refused_delivery_to_a_stopped_contact_takes_back_too(tracker, writer, box):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), today=TODAY)
    dana = tracker.find("Dana")
    message = writer.write("box", tracker.plan(history_of(dana), TODAY), dana.script_fields(), today=TODAY)
    tracker.stop("Dana", TODAY, "asked by phone")
    with pytest.raises(StoppedError):
        tracker.record_and_deliver(writer, message, tracker.find("Dana"), today=TODAY,
                                   touches=[NewTouch("no-answer", TODAY, "voicemail")])
    assert tracker.find("Dana").touch_count == 1 and box.delivered == []
