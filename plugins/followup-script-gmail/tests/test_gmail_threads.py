"""A weekly nudge saved as a Gmail draft goes in the thread of the last email (#15 finding 8),
and the plugin needs google-auth alone (#17 finding 15), against a real local HTTP server."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import sys
from pathlib import Path

import followup_script
from gmail_helpers import DRAFTS, TODAY, draft_answer


def raw_of(request):
    raw = request.get_json()["message"]["raw"]
    return email.parser.BytesParser(policy=email.policy.default).parsebytes(
        base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def test_a_weekly_nudge_goes_in_the_thread_of_the_last_email(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(draft_answer("r-2", "m-2"))
    thread = {"subject": "Following up on the Data Engineer role", "message_id": "<first@example.com>",
              "references": [], "thread_id": "t-77"}
    plan = writer.plan(followup_script.History(TODAY.replace(day=11), "no-commitment", attempts=1), TODAY)
    assert plan.stage.value == "weekly-nudge"
    message = writer.write("gmail", plan, {"name": "Dana Reyes", "email": "dana@example.com",
                                           "role": "Data Engineer"}, today=TODAY, thread=thread)
    receipt = writer.deliver(message)
    httpserver.check_assertions()
    (request,) = [r for r, _ in httpserver.log if r.path == DRAFTS]
    assert request.get_json()["message"]["threadId"] == "t-77"
    msg = raw_of(request)
    assert msg["Subject"] == "Re: Following up on the Data Engineer role"
    assert msg["In-Reply-To"] == msg["References"] == "<first@example.com>"
    assert receipt.thread_id == "m-2"  # Gmail's answer, kept by the tracker for the next nudge


def test_the_plugin_needs_google_auth_alone(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(draft_answer())
    plan = writer.plan(followup_script.History(TODAY.replace(day=20), "no-commitment"), TODAY)
    writer.deliver(writer.write("gmail", plan, {"name": "Dana Reyes", "email": "dana@example.com"}, today=TODAY))
    httpserver.check_assertions()
    assert not {"googleapiclient", "httplib2", "google_auth_httplib2"} & set(sys.modules)
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert "google-api-python-client" not in pyproject and "google-auth-httplib2" not in pyproject
