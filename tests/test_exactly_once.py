"""Exactly-once delivery: the installed command is SIGKILLed (a real process, so a
subprocess) while the Gmail or Twilio stand-in holds its create request, then run again
(in process, ``cli``); the stand-in must see one create.

The stand-ins are real HTTP servers on 127.0.0.1 (pytest-httpserver, threaded) that keep
what was created and answer the lookups the plugins make after an interrupted attempt:
``users.drafts.list`` / ``users.drafts.get`` for Gmail, ``GET Messages.json?To=`` for Twilio.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import email.utils
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.conftest import COMMAND

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "tok-exactly-once-5e1d"
SENDER = "+14155550100"
MESSAGES = f"/2010-04-01/Accounts/{SID}/Messages.json"
DRAFTS = "/gmail/v1/users/me/drafts"


class StandIn:
    """What the service created, and a gate that holds the next create until released."""

    def __init__(self):
        self.created: list[dict] = []
        self.creates = 0
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.hold = False

    def gate(self):
        self.arrived.set()
        if self.hold:
            self.release.wait(20)


@pytest.fixture(scope="module")
def running_server():
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    if srv.is_running():
        srv.stop()  # half a second (the server's poll interval): once per module, not per test


@pytest.fixture
def server(running_server):
    running_server.clear()  # no handler, request or error left from another test
    yield running_server
    running_server.clear()


def env_for(tmp_path, plugin: str) -> dict:
    env = dict(os.environ)
    env.update(FOLLOWUP_SCRIPT_LOAD_PLUGINS=plugin, NO_PROXY="127.0.0.1,localhost")
    for name in ("TWILIO_EDGE", "TWILIO_REGION", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    return env


def killed_mid_delivery(args, env, stand_in: StandIn) -> None:
    """Start the command, SIGKILL it once the stand-in holds its create request."""
    stand_in.hold = True
    proc = subprocess.Popen([COMMAND, *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert stand_in.arrived.wait(30), proc.communicate(timeout=5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        stand_in.hold = False
        stand_in.release.set()
    assert proc.returncode == -signal.SIGKILL
    time.sleep(0.2)  # let the held handler finish writing to the dead socket


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# -- Gmail -------------------------------------------------------------------------------------


def gmail_stand_in(server: HTTPServer) -> StandIn:
    state = StandIn()

    def create(request):
        state.creates += 1
        raw = json.loads(request.data)["message"]["raw"]
        msg = email.message_from_bytes(base64.urlsafe_b64decode(raw), policy=email.policy.default)
        draft = {"id": f"r-{state.creates}", "message": {"id": f"m-{state.creates}", "threadId": "t",
                                                         "labelIds": ["DRAFT"]}, "msg": msg}
        state.created.insert(0, draft)  # newest first, as Gmail lists them
        state.gate()
        return Response(json.dumps({k: v for k, v in draft.items() if k != "msg"}),
                        content_type="application/json")

    def listing(request):
        drafts = [{"id": d["id"], "message": {"id": d["message"]["id"]}} for d in state.created]
        return Response(json.dumps({"drafts": drafts, "resultSizeEstimate": len(drafts)}),
                        content_type="application/json")

    def get(request):  # users.messages.get(format=metadata, metadataHeaders=...)
        message_id = request.path.rsplit("/", 1)[1]
        wanted = [h.lower() for h in request.args.getlist("metadataHeaders")]
        for d in state.created:
            if d["message"]["id"] == message_id:
                headers = [{"name": k, "value": str(v)} for k, v in d["msg"].items() if k.lower() in wanted]
                body = {**d["message"], "payload": {"headers": headers}}
                return Response(json.dumps(body), content_type="application/json")
        return Response(json.dumps({"error": {"code": 404, "message": "not found"}}), status=404,
                        content_type="application/json")

    import re

    server.expect_request(DRAFTS, method="POST").respond_with_handler(create)
    server.expect_request(DRAFTS, method="GET").respond_with_handler(listing)
    server.expect_request(re.compile("/gmail/v1/users/me/messages/[^/]+$"), method="GET").respond_with_handler(get)
    return state


def gmail_config(tmp_path, server) -> str:
    from followup_script_gmail.login import write_token

    token = tmp_path / "gmail-token.json"
    expiry = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0) + dt.timedelta(hours=1)
    write_token(token, {"token": "ya29.exactly-once", "refresh_token": "1//r-exactly-once",
                        "token_uri": server.url_for("/token"), "client_id": "c.apps.googleusercontent.com",
                        "client_secret": "GOCSPX-x", "scopes": ["https://www.googleapis.com/auth/gmail.compose"],
                        "expiry": expiry.isoformat() + "Z"})
    path = tmp_path / "config.toml"
    path.write_text(
        '[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\nemail = "ana.lima@example.com"\n\n'
        f'[gmail]\ntoken_file = {json.dumps(str(token))}\napi_root = {json.dumps(server.url_for("/"))}\n'
        f'token_uri = {json.dumps(server.url_for("/token"))}\nretry_backoff = 0.0\n', encoding="utf-8")
    return str(path)


@pytest.mark.e2e
def test_gmail_draft_is_created_once_after_a_kill_mid_delivery(cli, server, tmp_path, isolated_home):
    state = gmail_stand_in(server)
    config = gmail_config(tmp_path, server)
    db = isolated_home / "tracker.sqlite3"
    env = env_for(tmp_path, "followup-script-gmail")
    assert cli("contact", "add", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer",
               "--email", "dana@acme.example").returncode == 0
    assert cli("log", "Dana", "--outcome", "no-commitment", "--date", "2026-11-20",
               "--today", "2026-11-25").returncode == 0
    args = ["--config", config, "next", "Dana", "--channel", "gmail", "--deliver", "--yes",
            "--today", "2026-11-25", "--format", "json"]

    killed_mid_delivery(args, env, state)
    assert state.creates == 1
    ((key, status),) = rows(db, "SELECT key, status FROM deliveries")
    assert status == "pending"  # recorded before the call, never confirmed
    assert rows(db, "SELECT count(*) FROM touches") == [(1,)]  # the delivery's touch was not logged
    assert state.created[0]["msg"]["X-Followup-Key"] == key

    again = cli(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert state.creates == 1, "the rerun created a second draft"
    receipt = json.loads(again.stdout)["receipt"]
    assert receipt["id"] == "r-1" and "interrupted earlier attempt" in receipt["detail"]
    assert rows(db, "SELECT status FROM deliveries") == [("done",)]
    assert rows(db, "SELECT count(*) FROM touches") == [(2,)]

    third = cli(*args, env=env)  # the next plan (a weekly nudge next week) has a new key
    assert third.returncode == 0, third.stderr
    assert state.creates == 2 and len(rows(db, "SELECT key FROM deliveries")) == 2


def test_gmail_one_shot_rerun_after_success_says_already_delivered(cli, server, tmp_path):
    state = gmail_stand_in(server)
    config = gmail_config(tmp_path, server)
    env = env_for(tmp_path, "followup-script-gmail")
    args = ["--config", config, "--channel", "gmail", "--deliver", "--yes", "--name", "Dana Reyes",
            "--email", "dana@acme.example", "--last-contact", "2026-11-20", "--today", "2026-11-25"]
    first = cli(*args, env=env)
    assert first.returncode == 0, first.stderr
    second = cli(*args, env=env)
    assert second.returncode == 0 and "already delivered by gmail" in second.stderr
    assert "--resend" in second.stderr
    assert state.creates == 1
    resent = cli(*args, "--resend", env=env)
    assert resent.returncode == 0 and state.creates == 2


# -- SMS (Twilio) -------------------------------------------------------------------------------


def twilio_stand_in(server: HTTPServer) -> StandIn:
    state = StandIn()

    def create(request):
        state.creates += 1
        form = parse_qs(request.get_data(as_text=True))
        item = {"sid": f"SM{state.creates:032d}", "status": "queued", "num_segments": "1",
                "body": form["Body"][0], "to": form["To"][0], "from": form["From"][0],
                "account_sid": SID, "error_code": None,
                "date_created": email.utils.format_datetime(dt.datetime.now(dt.UTC))}
        state.created.insert(0, item)
        state.gate()
        return Response(json.dumps(item), status=201, content_type="application/json")

    def listing(request):
        to = request.args.get("To")
        found = [m for m in state.created if to is None or m["to"] == to]
        return Response(json.dumps({"messages": found, "next_page_uri": None, "page": 0, "page_size": 50,
                                    "first_page_uri": MESSAGES, "previous_page_uri": None,
                                    "start": 0, "end": len(found), "uri": MESSAGES}),
                        content_type="application/json")

    server.expect_request(MESSAGES, method="POST").respond_with_handler(create)
    server.expect_request(MESSAGES, method="GET").respond_with_handler(listing)
    return state


def sms_config(tmp_path, server) -> str:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\n\n'
        f'[sms]\naccount_sid = "{SID}"\nauth_token = "{TOKEN}"\nfrom = "{SENDER}"\n'
        f'base_url = {json.dumps(server.url_for("/").rstrip("/"))}\nretry_backoff = 0.01\n', encoding="utf-8")
    os.chmod(path, 0o600)
    return str(path)


SMS_ARGS = ["--channel", "sms", "--deliver", "--yes", "--name", "Dana Reyes", "--company", "Acme",
            "--role", "Data Engineer", "--phone", "+1 212 555 0123", "--last-contact", "2026-11-20",
            "--today", "2026-11-25", "--format", "json"]


@pytest.mark.e2e
def test_sms_is_sent_once_after_a_kill_mid_delivery(cli, server, tmp_path, isolated_home):
    state = twilio_stand_in(server)
    config = sms_config(tmp_path, server)
    env = env_for(tmp_path, "followup-script-sms")
    args = ["--config", config, *SMS_ARGS]

    killed_mid_delivery(args, env, state)
    assert state.creates == 1
    db = isolated_home / "tracker.sqlite3"
    assert rows(db, "SELECT status FROM deliveries") == [("pending",)]

    again = cli(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert state.creates == 1, "the rerun sent a second text"
    receipt = json.loads(again.stdout)["receipt"]
    assert receipt["id"] == state.created[0]["sid"] and "interrupted earlier attempt" in receipt["detail"]
    assert rows(db, "SELECT status FROM deliveries") == [("done",)]
    assert TOKEN not in again.stdout + again.stderr


@pytest.mark.e2e
def test_sms_interrupted_before_reaching_twilio_is_sent_on_rerun(cli, server, tmp_path, isolated_home):
    """A pending key whose text Twilio never got: the log has nothing, so it is sent once."""
    state = twilio_stand_in(server)
    config = sms_config(tmp_path, server)
    env = env_for(tmp_path, "followup-script-sms")
    args = ["--config", config, *SMS_ARGS]
    killed_mid_delivery(args, env, state)
    state.created.clear()  # as if the request had died before Twilio stored it
    again = cli(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert state.creates == 2 and len(state.created) == 1
    assert "interrupted" not in json.loads(again.stdout)["receipt"]["detail"]


# -- SMTP: no way to ask, so it refuses ---------------------------------------------------------


def test_smtp_after_an_interrupted_attempt_refuses_until_resend(cli, tmp_path, isolated_home):
    """The built-in email channel cannot ask an SMTP server what it sent: exit 4, say why."""
    from followup_script.tracker.store import Store

    config = tmp_path / "config.toml"
    config.write_text('[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\nemail = "ana@example.com"\n'
                      '[email]\nhost = "127.0.0.1"\nport = 9\nsecurity = "none"\ntimeout = 2\n')
    args = ["--config", str(config), "--channel", "email", "--deliver", "--yes", "--name", "Dana Reyes",
            "--email", "dana@acme.example", "--last-contact", "2026-11-20", "--today", "2026-11-25"]
    first = cli(*args)  # nothing listens on port 9: a clean failure, recorded as 'failed'
    assert first.returncode == 3, first.stderr
    db = isolated_home / "tracker.sqlite3"
    ((key, status),) = rows(db, "SELECT key, status FROM deliveries")
    assert status == "failed"
    with Store.open(db) as store, store.write():  # what a SIGKILL mid-send leaves behind
        store.conn.execute("UPDATE deliveries SET status = 'pending' WHERE key = ?", (key,))
    refused = cli(*args)
    assert refused.returncode == 4 and "Sent folder" in refused.stderr and "--resend" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    resent = cli(*args, "--resend")
    assert resent.returncode == 3  # it tried again (and the server is still not there)


def test_migration_from_v1_adds_deliveries_and_keeps_data(tmp_path):
    from followup_script.tracker.store import MIGRATIONS, SCHEMA_VERSION, Store

    db = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    MIGRATIONS[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO contacts (uid, name, name_key, created_at, updated_at) "
                 "VALUES ('u1', 'Dana Reyes', 'dana reyes', 'x', 'x')")
    conn.close()
    assert SCHEMA_VERSION >= 2
    with Store.open(db) as store:
        assert store.version == SCHEMA_VERSION
        assert [c.name for c in store.contacts()] == ["Dana Reyes"]
        with store.write():
            store.start_delivery("k1", "gmail", 1)
        assert store.delivery("k1").status == "pending"
        with store.write():
            store.finish_delivery("k1", "done", receipt='{"id": "r-1"}')
        assert store.delivery("k1").status == "done"
        with pytest.raises(sqlite3.IntegrityError), store.write():
            store.conn.execute("UPDATE deliveries SET status = 'maybe'")
