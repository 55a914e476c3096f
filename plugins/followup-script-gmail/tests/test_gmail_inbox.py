"""The ``gmail`` inbox of ``followup-script sync`` against a local stand-in for the Gmail API
(pytest-httpserver): a reply ends the nudges, a draft of ours that was sent is dated when it
was sent and logged once, and a login without ``gmail login --inbox`` is told so."""

from __future__ import annotations

import datetime as dt
import json
import os

from gmail_helpers import OLD_TOKEN, SCOPE, token_data
from werkzeug.wrappers import Response

from followup_script_gmail.inbox import READ_SCOPE

TODAY = "2026-11-27"
LIST = "/gmail/v1/users/me/messages"


def metadata(message_id, headers, snippet="", when=dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.UTC)):
    return {"id": message_id, "threadId": f"t-{message_id}", "snippet": snippet,
            "internalDate": str(int(when.timestamp() * 1000)),
            "payload": {"headers": [{"name": k, "value": v} for k, v in headers.items()]}}


MESSAGES = {
    "m1": metadata("m1", {"From": "Dana Reyes <dana@acme.example>", "To": "ana@example.com",
                          "Subject": "Re: Following up", "Date": "Mon, 23 Nov 2026 10:00:00 +0000",
                          "Message-ID": "<reply-1@acme.example>"}, "Happy to talk on Tuesday."),
    "m2": metadata("m2", {"From": "ana@example.com", "To": "lee@globex.example", "Subject": "Following up",
                          "Date": "Tue, 24 Nov 2026 16:00:00 +0000", "Message-ID": "<sent-2@mail.gmail.com>",
                          "X-Followup-Key": "key-lee"}, "Hello Lee,"),
}


def gmail(request):
    assert request.headers.get("Authorization") == f"Bearer {OLD_TOKEN}"
    if request.path == LIST:
        query = request.args.get("q", "")
        found = ["m2"] if " in:sent " in query else ["m1"] if "from:dana@acme.example" in query else []
        return Response(json.dumps({"messages": [{"id": i, "threadId": f"t-{i}"} for i in found]}),
                        content_type="application/json")
    assert request.args.get("format") == "metadata"
    return Response(json.dumps(MESSAGES[request.path.rsplit("/", 1)[1]]), content_type="application/json")


def setup(run, httpserver, tmp_path, scopes):
    token = tmp_path / "gmail-token.json"
    token.write_text(json.dumps({**token_data(), "scopes": scopes}), encoding="utf-8")
    os.chmod(token, 0o600)
    db = tmp_path / "tracker.sqlite3"
    config = (f'[gmail]\ntoken_file = "{token}"\napi_root = "{httpserver.url_for("/")}"\n'
              f'token_uri = "{httpserver.url_for("/token")}"\n')
    run.config.write_text(config, encoding="utf-8")
    for name, email in (("Dana Reyes", "dana@acme.example"), ("Lee Park", "lee@globex.example")):
        assert run("contact", "add", name, "--email", email, "--db", db).returncode == 0
        assert run("log", name, "--outcome", "no-commitment", "--via", "email", "--date", "2026-11-16",
                   "--today", TODAY, "--db", db).returncode == 0
    from followup_script.tracker.service import Tracker

    with Tracker.open(db) as tracker, tracker.store.write():  # the draft `next --deliver --channel gmail` made
        lee = tracker.find("Lee Park")
        tracker.store.start_delivery("key-lee", "gmail", lee.id)
        tracker.store.finish_delivery("key-lee", "done", receipt=json.dumps({"channel": "gmail", "id": "r-draft-7"}))
        tracker.record_delivery(lee, "email", dt.date(2026, 11, 20), "delivered by gmail: r-draft-7")
    return db


def test_a_reply_and_a_sent_draft_are_logged_once(run, httpserver, tmp_path):
    db = setup(run, httpserver, tmp_path, [SCOPE, READ_SCOPE])
    httpserver.expect_request(LIST).respond_with_handler(gmail)
    for message_id in MESSAGES:
        httpserver.expect_request(f"{LIST}/{message_id}").respond_with_handler(gmail)
    first = run("sync", "--inbox", "gmail", "--since", "2026-11-15", "--today", TODAY, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "Dana Reyes: replied on Monday 23 November 2026 (found by sync)" in first.stdout
    assert "Lee Park: the gmail draft was sent on 2026-11-24 (found by sync): logged" in first.stdout
    touches = json.loads(run("contact", "show", "Lee Park", "--json", "--today", TODAY, "--db", db).stdout)["touches"]
    assert [t["at"] for t in touches] == ["2026-11-16", "2026-11-24"]  # dated when it was sent, not drafted
    assert touches[-1]["note"] == "delivered by gmail: r-draft-7; sent on 2026-11-24 (found by sync)"
    second = run("sync", "--inbox", "gmail", "--since", "2026-11-15", "--today", TODAY, "--db", db)
    assert second.stdout.strip() == "sync: nothing new"
    again = json.loads(run("contact", "show", "Lee Park", "--json", "--today", TODAY, "--db", db).stdout)
    assert again["touches"] == touches


def test_a_drafts_only_login_says_to_log_in_with_inbox(run, httpserver, tmp_path):
    db = setup(run, httpserver, tmp_path, [SCOPE])
    result = run("sync", "--inbox", "gmail", "--since", "2026-11-15", "--today", TODAY, "--db", db)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "followup-script: error: the Gmail login allows drafts only, not reading replies; run followup-script "
        "gmail login --inbox --client-secrets FILE"]
    assert OLD_TOKEN not in result.stderr
