"""Issue 16, the delivery defects: 1 (a stop typed during a slow delivery is lost), 9 (the
one-shot ignores the tracker's stop flag), 11 (a plugin's bad receipt causes resends), 18 (a
plugin's sys.exit silences the command), 20 (an --output error hides that it was delivered)
and 21 (Ctrl-C during a delivery says "nothing was saved or sent").

Deliveries go through ``gate``, a test channel (a plugin file loaded with ``--plugins-dir``)
whose ``deliver`` does what the test put in :data:`GATE`: block on a ``threading.Event``,
return a bad receipt, call ``sys.exit``, press Ctrl-C (a real SIGINT to this process)...
The command runs in process (``cli``); the one real second process is the ``stop`` typed
while a delivery is under way (defect 1).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from followup_script import Receipt
from tests.conftest import COMMAND

#: What the gate channel does on deliver: GATE["deliver"](message, context) -> Receipt.
GATE: dict = {}

GATE_PLUGIN = """
import followup_script
from followup_script import Channel
from tests.test_defects_delivery import GATE


def deliver(message, context):
    GATE.setdefault("calls", []).append(context.previous_attempt)
    return GATE["deliver"](message, context)


@followup_script.hookimpl
def register_channels(register):
    register(Channel("gate", "a channel the test drives", "voicemail", deliver=deliver))
"""

PROFILE = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]
TODAY = ["--today", "2026-11-25"]
DANA = ["--name", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
        "--phone", "+1 555 987 6543", "--email", "dana@acme.example"]
ONE_SHOT = [*PROFILE, *DANA, "--last-contact", "2026-11-20", "--outcome", "no-commitment", *TODAY]


def sent(message, context):
    return Receipt(channel=message.channel, id=f"gate-{len(GATE['calls'])}")


@pytest.fixture
def gate(tmp_path):
    folder = tmp_path / "plug"
    folder.mkdir(mode=0o700)
    (folder / "gate.py").write_text(GATE_PLUGIN)
    GATE.clear()
    GATE["deliver"] = sent
    yield ["--plugins-dir", str(folder)]
    GATE.clear()


@pytest.fixture
def db(isolated_home):
    return isolated_home / "tracker.sqlite3"  # FOLLOWUP_SCRIPT_DB (tests/conftest.py)


def ok(result):
    assert result.returncode == 0, (result.args, result.stdout, result.stderr)
    return result


def error_line(result, code: int) -> str:
    """The one stderr line of a run that failed with ``code``, no traceback."""
    assert result.returncode == code, (result.args, result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def rows(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def tracked_dana(cli):
    ok(cli("contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
           "--email", "dana@acme.example", "--phone", "+1 555 987 6543"))
    ok(cli("log", "dana", "--outcome", "no-commitment", "--date", "2026-11-20", "--today", "2026-11-20"))


# -- 1: a stop typed during a slow delivery -------------------------------------------------------


def test_defect_1_a_stop_typed_during_a_slow_delivery_wins(cli, gate, db):
    """The channel blocks until a real ``followup-script stop dana`` (another process, with the
    command's own 30 s busy timeout) has finished: at 704ab3d the delivery held the write lock,
    so the stop waited (here: gave up after 10 s). Now the stop goes through at once, the key
    is 'pending' meanwhile, then the delivery's touch and 'done' are recorded after it, and the
    stop stays: the touch does not undo it."""
    tracked_dana(cli)
    arrived, release = threading.Event(), threading.Event()
    seen: dict = {}

    def slow(message, context):
        arrived.set()
        assert release.wait(20), "the stop never finished"
        return Receipt(channel=message.channel, id="slow-1")

    def typed_stop():
        try:
            assert arrived.wait(20)
            seen["stop"] = subprocess.run([COMMAND, "stop", "dana", "--note", "said stop by phone"],
                                          capture_output=True, text=True, timeout=10)
            seen["during"] = rows(db, "SELECT status FROM deliveries")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions below
            seen["error"] = exc
        finally:
            release.set()

    GATE["deliver"] = slow
    other = threading.Thread(target=typed_stop)
    other.start()
    try:
        result = cli(*PROFILE, *gate, "next", "dana", "--channel", "gate", "--deliver", "--yes", *TODAY)
    finally:
        release.set()
        other.join(30)
    assert "error" not in seen, seen.get("error")
    stop = seen["stop"]
    assert stop.returncode == 0, stop.stderr  # at 704ab3d: "database is locked" (here: the timeout)
    assert seen["during"] == [("pending",)]  # the stop was recorded while the send was under way
    ok(result)
    # after it: the delivery's result, and the stop still there with the user's own note
    assert rows(db, "SELECT status, receipt FROM deliveries") == [("done", '{"channel": "gate", "id": "slow-1"}')]
    assert rows(db, "SELECT stopped_on IS NOT NULL, stop_note FROM contacts") == [(1, "said stop by phone")]
    assert rows(db, "SELECT via, outcome, note FROM touches ORDER BY id")[-1] == (
        "voicemail", "no-answer", "delivered by gate: slow-1")
    again = cli(*PROFILE, *gate, "next", "dana", "--channel", "gate", "--deliver", "--yes", "--resend", *TODAY)
    assert "asked not to be contacted" in error_line(again, 4)
    assert GATE["calls"] == [None]  # delivered once, never again after the stop


def test_defect_1_no_transaction_is_open_while_the_channel_delivers(cli, gate, db):
    """The same rule, seen from inside the channel: another connection can write at once
    (BEGIN IMMEDIATE with no wait), and the key is already committed as 'pending'."""
    tracked_dana(cli)
    inside: dict = {}

    def look(message, context):
        conn = sqlite3.connect(db, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            inside["status"] = conn.execute("SELECT status FROM deliveries").fetchall()
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            inside["error"] = str(exc)
        finally:
            conn.close()
        return Receipt(channel=message.channel, id="looked")

    GATE["deliver"] = look
    ok(cli(*PROFILE, *gate, "next", "dana", "--channel", "gate", "--deliver", "--yes", *TODAY))
    assert inside == {"status": [("pending",)]}
    assert rows(db, "SELECT status FROM deliveries") == [("done",)]


# -- 9: the one-shot and the tracker's stop flag -------------------------------------------------


@pytest.mark.parametrize("who", [
    pytest.param(DANA, id="same-everything"),
    pytest.param(["--name", "D. R.", "--email", "DANA@Acme.Example"], id="by-email"),
    pytest.param(["--name", "Someone", "--phone", "(555) 987-6543"], id="by-phone-without-country-code"),
    pytest.param(["--name", "  dána   REYES "], id="by-name-forgiving"),
])
@pytest.mark.parametrize("channel", ["gate", "voicemail"])
def test_defect_9_the_one_shot_refuses_a_contact_the_tracker_marks_stop(cli, gate, db, who, channel):
    tracked_dana(cli)
    ok(cli("stop", "dana"))
    args = [*PROFILE, *who, "--last-contact", "2026-11-20", "--outcome", "no-commitment", *TODAY]
    line = error_line(cli(*gate, *args, "--channel", channel, "--deliver", "--yes"), 4)
    assert "Dana Reyes" in line and "stop" in line and "nothing was delivered" in line
    assert "calls" not in GATE  # no plugin code ran
    assert rows(db, "SELECT count(*) FROM deliveries") == [(0,)]
    ok(cli(*gate, *args, "--channel", channel))  # writing the script is still fine


def test_defect_9_someone_else_is_delivered_and_no_tracker_is_made_to_look(cli, gate, db):
    # no tracker file: nothing to check, and a print-only channel does not make one
    assert "only prints" in error_line(cli(*ONE_SHOT, "--deliver", "--yes"), 2)
    assert not db.exists()
    tracked_dana(cli)
    ok(cli("stop", "dana"))
    other = ["--name", "Dana Reyes-Okafor", "--email", "dro@beta.example", "--phone", "+44 20 7946 0000"]
    ok(cli(*gate, *PROFILE, *other, "--last-contact", "2026-11-20", "--outcome", "no-commitment", *TODAY,
           "--channel", "gate", "--deliver", "--yes"))
    assert GATE["calls"] == [None]


# -- 11: a plugin's bad receipt ---------------------------------------------------------------


def test_defect_11_a_receipt_with_a_date_is_kept_as_text_and_never_resent(cli, gate, db):
    def dated(message, context):
        return Receipt(channel=message.channel, id=12345, detail=dt.date(2026, 11, 25))

    GATE["deliver"] = dated
    args = [*gate, *ONE_SHOT, "--channel", "gate", "--deliver", "--yes"]
    ok(cli(*args))  # at 704ab3d: TypeError saving it, exit 1, the key 'failed'
    assert rows(db, "SELECT status, receipt FROM deliveries") == [
        ("done", '{"channel": "gate", "id": "12345", "detail": "2026-11-25"}')]
    again = ok(cli(*args))
    assert "already delivered" in again.stderr
    assert GATE["calls"] == [None]


def test_defect_11_a_delivery_that_returns_nonsense_is_recorded_done_then_a_plugin_error(cli, gate, db):
    tracked_dana(cli)
    GATE["deliver"] = lambda message, context: {"id": "x", "bogus": object()}
    args = [*PROFILE, *gate, "next", "dana", "--channel", "gate", "--deliver", "--yes", *TODAY]
    line = error_line(cli(*args), 5)
    assert "it must return a followup_script.Receipt" in line and "it was delivered by gate" in line
    assert rows(db, "SELECT status FROM deliveries") == [("done",)]
    assert rows(db, "SELECT count(*) FROM touches WHERE note LIKE 'delivered by gate%'") == [(1,)]
    assert GATE["calls"] == [None]
    # the one-shot's rerun (the same key): already delivered, not sent again
    GATE["deliver"] = lambda message, context: 42
    one_shot = [*gate, *ONE_SHOT, "--name", "Lee Ortiz", "--channel", "gate", "--deliver", "--yes"]
    assert "returned 42" in error_line(cli(*one_shot), 5)
    assert "already delivered" in ok(cli(*one_shot)).stderr
    assert GATE["calls"] == [None, None]


def test_defect_11_receipt_coerce_makes_every_field_text():
    from followup_script import Channel
    from followup_script.channels.base import BadReceipt

    channel = Channel("gate", "", "voicemail", plugin="p")
    receipt = Receipt.coerce(Receipt("gate", id=b"\xff1", url=None, path=7, detail="a\nb\x00c" + "x" * 900,
                                     contact_stopped=1), channel)
    assert receipt == Receipt("gate", id="\ufffd1", path="7", detail=("a b c" + "x" * 900)[:500],
                              contact_stopped=True)
    assert Receipt.coerce({"id": dt.datetime(2026, 1, 2, 3, 4)}, channel).id == "2026-01-02T03:04:00"
    with pytest.raises(BadReceipt) as raised:
        Receipt.coerce(42, channel)
    assert raised.value.delivered.detail == "the plugin returned 42 instead of a receipt"


# -- 18: plugin code that exits or interrupts -----------------------------------------------------


@pytest.mark.parametrize("raised", [SystemExit(0), SystemExit("bye"), KeyboardInterrupt(), GeneratorExit()],
                         ids=["exit-0", "exit-message", "keyboard-interrupt", "generator-exit"])
def test_defect_18_a_plugin_that_exits_is_a_plugin_error_with_the_attempt_recorded(cli, gate, db, raised):
    def leave(message, context):
        raise raised

    GATE["deliver"] = leave
    line = error_line(cli(*gate, *ONE_SHOT, "--channel", "gate", "--deliver", "--yes"), 5)
    assert f"raised {type(raised).__name__}" in line and "'gate'" in line
    assert [status for status, in rows(db, "SELECT status FROM deliveries")] == ["failed"]


def test_defect_18_sys_exit_in_deliver_through_next_keeps_the_tracker_as_it_was(cli, gate, db):
    tracked_dana(cli)
    GATE["deliver"] = lambda message, context: sys.exit(0)
    line = error_line(cli(*PROFILE, *gate, "next", "dana", "--channel", "gate", "--deliver", "--yes", *TODAY), 5)
    assert "raised SystemExit" in line
    assert rows(db, "SELECT status FROM deliveries") == [("failed",)]
    assert rows(db, "SELECT count(*) FROM touches") == [(1,)]
    GATE["deliver"] = sent
    ok(cli(*PROFILE, *gate, "next", "dana", "--channel", "gate", "--deliver", "--yes", *TODAY))
    assert GATE["calls"] == [None, "failed"]


# -- 20: an --output error after the delivery ---------------------------------------------------


@pytest.mark.parametrize("command", ["one-shot", "next"])
def test_defect_20_an_output_error_after_delivering_says_it_was_delivered(cli, gate, db, tmp_path, command):
    (tmp_path / "afile").write_text("a file, not a folder\n")
    bad_output = ["--output", str(tmp_path / "afile" / "script.txt")]
    if command == "next":
        tracked_dana(cli)
        args = [*PROFILE, *gate, "next", "dana", "--channel", "gate", "--deliver", "--yes", *TODAY]
    else:
        args = [*gate, *ONE_SHOT, "--channel", "gate", "--deliver", "--yes"]
    result = cli(*args, *bad_output)
    assert result.returncode == 2, (result.returncode, result.stderr)
    line = error_line(result, 2)
    assert "script.txt" in line  # the --output error itself
    assert "was delivered by gate (gate-1)" in line and "do not deliver it again" in line
    assert rows(db, "SELECT status FROM deliveries") == [("done",)]


# -- 21: Ctrl-C while the channel delivers ------------------------------------------------------


def test_defect_21_ctrl_c_during_a_delivery_says_it_may_have_arrived(cli, gate, db):
    def pressed(message, context):  # the service has it; the user presses Ctrl-C before the reply
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)
        return Receipt(channel=message.channel, id="too-late")

    GATE["deliver"] = pressed
    args = [*gate, *ONE_SHOT, "--channel", "gate", "--deliver", "--yes"]
    result = cli(*args)
    assert result.returncode == 130
    line = result.stderr.strip().splitlines()[-1]
    assert "nothing was saved or sent" not in result.stderr
    assert line.startswith("followup-script: interrupted;") and "may or may not have arrived" in line, line
    assert rows(db, "SELECT status FROM deliveries") == [("pending",)]
    GATE["deliver"] = sent
    ok(cli(*args))
    assert GATE["calls"] == [None, "interrupted"]  # the channel is told, and checks its service


def test_defect_21_ctrl_c_after_the_delivery_says_it_was_delivered(cli, gate, db, monkeypatch):
    from followup_script.cli import output

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "emit", interrupted)
    result = cli(*gate, *ONE_SHOT, "--channel", "gate", "--deliver", "--yes")
    assert result.returncode == 130
    assert "nothing was saved or sent" not in result.stderr
    assert "was delivered by gate (gate-1) and recorded in the tracker" in result.stderr
    assert rows(db, "SELECT status FROM deliveries") == [("done",)]


def test_defect_11_what_the_wizard_was_told_is_kept_when_a_delivery_went_but_its_receipt_was_bad(tmp_path):
    """``record_and_deliver`` (the wizard's delivery) takes back what it recorded only when
    nothing went: after a bad receipt the message was delivered, so the contact, the touch
    told and the delivery's touch all stay, and the key is 'done'."""
    from followup_script import Channel, hookimpl
    from followup_script.compose.scriptwriter import Scriptwriter
    from followup_script.errors import PluginError
    from followup_script.input.config import Config
    from followup_script.plugins.manager import build_plugin_manager
    from followup_script.tracker.rows import NewTouch
    from followup_script.tracker.service import Tracker

    class Nonsense:
        @hookimpl
        def register_channels(self, register):
            register(Channel("nonsense", "returns no receipt", "voicemail", deliver=lambda m, c: 42))

    plugins = build_plugin_manager(load_entrypoints=False, extra=[Nonsense()])
    writer = Scriptwriter(Config(tmp_path / "config.toml", {"profile": {"name": "Ana Lima",
                                                                          "phone": "+1 555 123 4567"}}), plugins)
    day = dt.date(2026, 11, 25)
    told = NewTouch("no-commitment", dt.date(2026, 11, 20), "call", note="told the wizard")
    with Tracker.open(tmp_path / "t.sqlite3") as tracker:
        plan = tracker.preview(None, told, today=day)
        message = writer.write("nonsense", plan, {"name": "Dana Reyes"}, today=day)
        with pytest.raises(PluginError, match="returned 42"):
            tracker.record_and_deliver(writer, message, fields={"name": "Dana Reyes"}, touches=[told],
                                       via="voicemail", today=day)
        dana = tracker.find("Dana")  # at 704ab3d: taken back, "no contact matches 'Dana'"
        with tracker.store.read():
            notes = [t.note for t in tracker.store.touches(dana.id)]
            status = tracker.store.delivery(writer.delivery_key(message)).status
    assert notes == ["told the wizard", "delivered by nonsense: the plugin returned 42 instead of a receipt"]
    assert status == "done"


def test_defect_11_the_wizard_says_a_delivery_went_when_only_its_receipt_was_bad(tmp_path, capsys):
    from followup_script import Channel, hookimpl
    from followup_script.wizard.flow import Wizard
    from tests.conftest import PROFILE as ANA
    from tests.conftest import TODAY as DAY
    from tests.test_wizard import ENTER, NEW_DANA, drive, new_writer, tracker_at

    class Nonsense:
        @hookimpl
        def register_channels(self, register):
            register(Channel("nonsense", "returns no receipt", "voicemail", deliver=lambda m, c: 42))

    db = tmp_path / "t.sqlite3"
    data = {"profile": dict(ANA), "defaults": {"channel": "nonsense"}}
    session = Wizard(new_writer(tmp_path / "c.toml", data, extra=[Nonsense()]), DAY, db, clipboard=None)
    code = drive(session, *NEW_DANA, "g", ENTER, "a", ENTER, "2026-11-20", ENTER, ENTER,
                 "d", ENTER, "y",  # deliver: it goes, and the plugin returns 42
                 "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert "Delivered: the plugin returned 42 instead of a receipt, but then: channel 'nonsense'" in out
    assert "Not done" not in out
    with tracker_at(db) as tracker:
        dana = tracker.find("Dana Reyes")
        notes = [t.note for t in tracker.store.touches(dana.id)]
        rows = tracker.store.conn.execute("SELECT status FROM deliveries").fetchall()
    assert notes[-1] == "delivered by nonsense: the plugin returned 42 instead of a receipt"
    assert rows == [("done",)]
