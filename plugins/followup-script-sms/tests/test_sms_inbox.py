"""The ``sms`` inbox of ``followup-script sync`` against a local stand-in for Twilio's
message list (pytest-httpserver): a STOP stops, a reply ends the nudges, pages are
followed, a refused token is one line (exit 2) that never holds the token."""

import json
import os

import pytest

from sms_helpers import MESSAGES_PATH, SENDER, SID, TOKEN, basic_auth, run_in_process

TODAY = "2026-11-27"


def inbound(sid, sender, body, when="Tue, 24 Nov 2026 10:00:00 +0000", direction="inbound"):
    return {"sid": sid, "from": sender, "to": SENDER, "body": body, "direction": direction,
            "date_sent": when, "date_created": when, "account_sid": SID}


@pytest.fixture
def run(tmp_path, httpserver):
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "config.toml"
    config.write_text("[sms]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in {
        "account_sid": SID, "from": SENDER, "base_url": httpserver.url_for("/").rstrip("/")}.items()))
    env = {k: None for k in os.environ
           if k.startswith(("TWILIO_", "FOLLOWUP_SCRIPT_", "XDG_")) or "proxy" in k.lower()}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".data"),
               FOLLOWUP_SCRIPT_CONFIG=str(config), FOLLOWUP_SCRIPT_DB=str(tmp_path / "tracker.sqlite3"),
               FOLLOWUP_SCRIPT_LOAD_PLUGINS="followup-script-sms", NO_PROXY="127.0.0.1,localhost",
               TWILIO_AUTH_TOKEN=TOKEN)

    def run(*args, code=0):
        done = run_in_process(args, env)
        assert done.returncode == code, done.stderr
        return done

    for name, phone in (("Dana Reyes", "(212) 555-0123"), ("Lee Park", "+1 212 555 0199")):
        run("contact", "add", name, "--phone", phone)
        run("log", name, "--outcome", "no-answer", "--via", "sms", "--date", "2026-11-16", "--today", TODAY)
    return run


def test_stop_by_sms_stops_and_a_reply_ends_the_nudges(run, httpserver):
    auth = {"Authorization": basic_auth(SID, TOKEN)}
    second_page = f"{MESSAGES_PATH}?Page=1&PageToken=PA2"
    httpserver.expect_request(MESSAGES_PATH, headers=auth, query_string={"Page": "1", "PageToken": "PA2"}
                              ).respond_with_json({"messages": [inbound("SM2", "+12125550199", "Sure, call me Monday")],
                                                   "next_page_uri": None})
    httpserver.expect_request(MESSAGES_PATH, headers=auth, query_string={
        "DateSent>": "2026-11-20", "PageSize": "200", "To": SENDER}).respond_with_json({
            "messages": [inbound("SM1", "+12125550123", " Stop. "),
                         inbound("SM0", "+12125550123", "our own text", direction="outbound-api"),
                         inbound("SM9", "+12125550777", "wrong number")],
            "next_page_uri": second_page})
    first = run("sync", "--inbox", "sms", "--since", "2026-11-20", "--today", TODAY)
    assert "Dana Reyes: opted out by SMS on" in first.stdout and "marked stop" in first.stdout
    assert "Lee Park: replied on" in first.stdout
    assert first.stdout.strip().splitlines()[-1] == "sync: 1 stop, 1 reply logged"
    dana = json.loads(run("contact", "show", "Dana Reyes", "--json", "--today", TODAY).stdout)
    assert dana["stop"]["on"] == "2026-11-24" and dana["plan"]["stage"] == "stopped"
    again = run("sync", "--inbox", "sms", "--since", "2026-11-20", "--today", TODAY)
    assert again.stdout.strip() == "sync: nothing new"


def test_a_refused_token_is_one_line_and_never_printed(run, httpserver):
    httpserver.expect_request(MESSAGES_PATH).respond_with_json(
        {"code": 20003, "message": "Authenticate", "status": 401}, status=401)
    failed = run("sync", "--inbox", "sms", "--since", "2026-11-20", "--today", TODAY, code=2)
    assert failed.stderr.count("\n") == 1 and "Twilio refused the Account SID" in failed.stderr
    assert TOKEN not in failed.stderr + failed.stdout


def test_twilio_unreachable_is_exit_3(run, httpserver):
    httpserver.expect_request(MESSAGES_PATH).respond_with_data("oops", status=503)
    failed = run("sync", "--inbox", "sms", "--since", "2026-11-20", "--today", TODAY, code=3)
    assert "Twilio answered HTTP 503" in failed.stderr and failed.stderr.count("\n") == 1
