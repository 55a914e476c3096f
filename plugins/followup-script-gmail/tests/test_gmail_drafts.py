"""The gmail channel against a real local HTTP server standing in for Gmail and the token endpoint."""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import json
import os
import socket
import stat
import urllib.parse

import followup_script
import pytest
from followup_script.plugins.manager import build_plugin_manager
from gmail_helpers import (
    CLIENT_SECRET,
    DRAFTS,
    NEW_TOKEN,
    OLD_TOKEN,
    REFRESH_TOKEN,
    SCOPE,
    draft_answer,
    google_error,
    token_data,
    write_message,
)

import followup_script_gmail

SECRETS = (OLD_TOKEN, NEW_TOKEN, REFRESH_TOKEN, CLIENT_SECRET)


def drafts_log(httpserver):
    return [request for request, _ in httpserver.log if request.path == DRAFTS]


def token_log(httpserver):
    return [request for request, _ in httpserver.log if request.path == "/token"]


def parse_raw(request):
    body = request.get_json()
    assert set(body) == {"message"} and set(body["message"]) == {"raw"}
    raw = body["message"]["raw"]
    assert "+" not in raw and "/" not in raw, "raw must be base64url, not plain base64"
    data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    return data, email.parser.BytesParser(policy=email.policy.default).parsebytes(data)


def assert_no_secret(text: str):
    for secret in SECRETS:
        assert secret not in text


def expect_refresh(httpserver, status=200):
    answer = ({"access_token": NEW_TOKEN, "expires_in": 3599, "token_type": "Bearer", "scope": SCOPE}
              if status == 200 else
              {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    httpserver.expect_oneshot_request("/token", method="POST").respond_with_json(answer, status=status)


# -- the channel ------------------------------------------------------------------------------


def test_registers_an_email_kind_channel_that_delivers():
    plugins = build_plugin_manager(load_entrypoints=False, extra=[followup_script_gmail])
    channel = plugins.channel("gmail")
    assert channel.kind == "email" and channel.email and channel.via == "email"
    assert channel.finish is None  # the core's public email finish applies
    assert channel.deliver is not None
    assert {"token_file", "api_root", "token_uri"} <= set(channel.options)
    assert channel.plugin and "followup_script_gmail" in channel.plugin
    assert not plugins.errors


def test_creates_a_draft_with_a_real_multipart_email(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(
        DRAFTS, method="POST", headers={"Authorization": f"Bearer {OLD_TOKEN}"},
    ).respond_with_json(draft_answer())
    message = write_message(writer)
    receipt = writer.deliver(message)
    httpserver.check_assertions()

    assert receipt.channel == "gmail"
    assert receipt.id == "r-5551234"
    assert receipt.url == "https://mail.google.com/mail/u/0/#drafts?compose=18c0ffee0ddba11"
    assert receipt.detail == "draft created, not sent"

    (request,) = drafts_log(httpserver)
    assert request.method == "POST"
    assert request.headers["Authorization"] == f"Bearer {OLD_TOKEN}"
    assert request.headers["Content-Type"].startswith("application/json")
    data, msg = parse_raw(request)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert msg["Subject"] == message.subject
    assert "Data Engineer" in msg["Subject"]
    assert msg["From"].addresses[0].addr_spec == "ana.lima@example.com"
    assert msg["From"].addresses[0].display_name == "Ana Lima"
    assert msg["To"].addresses[0].addr_spec == "dana@example.com"
    assert msg["To"].addresses[0].display_name == "Dana Reyes"
    assert msg["X-Unsent"] == "1"
    assert msg["Message-ID"]
    plain = parts[0].get_content().replace("\r\n", "\n")
    assert plain.strip() == message.text.strip()
    html = parts[1].get_content()
    assert "<p>" in html and "Dana" in html
    assert b"\r\n" in data  # RFC 5322 line ends
    # The token never travels in the message itself.
    assert_no_secret(data.decode("ascii"))


def test_non_ascii_names_are_encoded_words(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(draft_answer())
    writer.config.data["profile"]["name"] = "Ana Lima Ñúñez"
    contact = {"name": "José Müller", "company": "Zürich Daten AG", "role": "Data Engineer",
               "email": "jose@example.com"}
    message = write_message(writer, contact)
    writer.deliver(message)
    httpserver.check_assertions()
    (request,) = drafts_log(httpserver)
    data, msg = parse_raw(request)
    head = data.split(b"\r\n\r\n", 1)[0]
    head.decode("ascii")  # headers are 7-bit: non-ASCII names travel as RFC 2047 encoded words
    assert b"=?utf-8?" in head
    assert msg["To"].addresses[0].display_name == "José Müller"
    assert msg["From"].addresses[0].display_name == "Ana Lima Ñúñez"
    plain = msg.get_body(preferencelist=("plain",)).get_content()
    assert "José" in plain
    assert "Zürich Daten AG" in msg.get_body(preferencelist=("html",)).get_content()


def test_html_escapes_contact_values(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(draft_answer())
    contact = {"name": "Dana Reyes", "company": "<script>alert(1)</script> & Co",
               "email": "dana@example.com"}
    writer.deliver(write_message(writer, contact))
    (request,) = drafts_log(httpserver)
    _, msg = parse_raw(request)
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_contact_without_email_still_gets_a_draft_without_to(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(draft_answer("r-2", "m-2"))
    receipt = writer.deliver(write_message(writer, {"name": "Dana Reyes", "company": "Acme"}))
    httpserver.check_assertions()
    (request,) = drafts_log(httpserver)
    _, msg = parse_raw(request)
    assert msg["To"] is None
    assert msg["From"].addresses[0].addr_spec == "ana.lima@example.com"
    assert receipt.id == "r-2"
    assert "no To" in receipt.detail


# -- the login: refresh, scope, revocation ------------------------------------------------------------


def test_401_refreshes_the_login_and_retries_once(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(
        DRAFTS, method="POST", headers={"Authorization": f"Bearer {OLD_TOKEN}"},
    ).respond_with_json(google_error(401, "authError", "Invalid Credentials", "UNAUTHENTICATED"), status=401)
    expect_refresh(httpserver)
    httpserver.expect_oneshot_request(
        DRAFTS, method="POST", headers={"Authorization": f"Bearer {NEW_TOKEN}"},
    ).respond_with_json(draft_answer("r-after-refresh", "m-9"))

    receipt = writer.deliver(write_message(writer))
    httpserver.check_assertions()
    assert receipt.id == "r-after-refresh"
    assert [r.path for r, _ in httpserver.log] == [DRAFTS, "/token", DRAFTS]
    form = urllib.parse.parse_qs(token_log(httpserver)[0].get_data(as_text=True))
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == [REFRESH_TOKEN]
    assert form["client_id"] == ["1234-desktop.apps.googleusercontent.com"]

    # The refreshed login is saved back, privately, keeping the refresh token and token_uri.
    saved = json.loads(token_file.read_text())
    assert saved["token"] == NEW_TOKEN
    assert saved["refresh_token"] == REFRESH_TOKEN
    assert saved["token_uri"] == "https://oauth2.googleapis.com/token"
    expiry = dt.datetime.fromisoformat(saved["expiry"].rstrip("Z"))
    assert expiry > dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=50)
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600


def test_expired_token_is_refreshed_before_the_request(writer, token_file, httpserver):
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)
    token_file.write_text(json.dumps(token_data(expiry=past)))
    os.chmod(token_file, 0o644)
    expect_refresh(httpserver)
    httpserver.expect_oneshot_request(
        DRAFTS, method="POST", headers={"Authorization": f"Bearer {NEW_TOKEN}"},
    ).respond_with_json(draft_answer())
    writer.deliver(write_message(writer))
    httpserver.check_assertions()
    assert [r.path for r, _ in httpserver.log] == ["/token", DRAFTS]
    assert json.loads(token_file.read_text())["token"] == NEW_TOKEN
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600


def test_revoked_login_says_to_log_in_again(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(
        google_error(401, "authError", "Invalid Credentials", "UNAUTHENTICATED"), status=401)
    expect_refresh(httpserver, status=400)
    with pytest.raises(followup_script.ConfigError) as caught:
        writer.deliver(write_message(writer))
    text = str(caught.value)
    assert "followup-script gmail login" in text
    assert "invalid_grant" in text
    assert "\n" not in text
    assert_no_secret(text)
    assert len(drafts_log(httpserver)) == 1
    assert json.loads(token_file.read_text())["token"] == OLD_TOKEN


def test_401_after_refresh_is_not_retried_forever(writer, token_file, httpserver):
    httpserver.expect_request(DRAFTS, method="POST").respond_with_json(
        google_error(401, "authError", "Invalid Credentials", "UNAUTHENTICATED"), status=401)
    expect_refresh(httpserver)
    with pytest.raises(followup_script.ConfigError) as caught:
        writer.deliver(write_message(writer))
    assert "gmail login" in str(caught.value)
    assert "401" in str(caught.value)
    assert len(drafts_log(httpserver)) == 2
    assert len(token_log(httpserver)) == 1
    assert_no_secret(str(caught.value))


def test_403_insufficient_scope_is_a_config_error(writer, token_file, httpserver):
    # A server message that quotes the token must not leak it into the error.
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(
        google_error(403, "insufficientPermissions",
                     f"Request had insufficient authentication scopes for {OLD_TOKEN}.",
                     "PERMISSION_DENIED"), status=403)
    with pytest.raises(followup_script.ConfigError) as caught:
        writer.deliver(write_message(writer))
    text = str(caught.value)
    assert "gmail.compose" in text
    assert "gmail login" in text
    assert "insufficientPermissions" in text
    assert "\n" not in text
    assert_no_secret(text)
    assert len(drafts_log(httpserver)) == 1


def test_missing_token_file_is_a_config_error_and_no_request(writer, httpserver):
    with pytest.raises(followup_script.ConfigError) as caught:
        writer.deliver(write_message(writer))
    assert "gmail login" in str(caught.value)
    assert httpserver.log == []


def test_broken_token_file_is_a_config_error(writer, token_file, httpserver):
    token_file.write_text("{not json")
    with pytest.raises(followup_script.ConfigError) as caught:
        writer.deliver(write_message(writer))
    assert "not valid JSON" in str(caught.value) and "gmail login" in str(caught.value)
    assert httpserver.log == []


# -- rate limits and other failures -------------------------------------------------------------


def test_429_then_200_is_retried(writer, token_file, httpserver):
    httpserver.expect_ordered_request(DRAFTS, method="POST").respond_with_json(
        google_error(429, "rateLimitExceeded", "Rate Limit Exceeded", "RESOURCE_EXHAUSTED"), status=429)
    httpserver.expect_ordered_request(DRAFTS, method="POST").respond_with_json(draft_answer("r-late"))
    receipt = writer.deliver(write_message(writer))
    httpserver.check_assertions()
    assert receipt.id == "r-late"
    assert len(drafts_log(httpserver)) == 2


def test_429_forever_gives_up_with_a_delivery_error(writer, token_file, httpserver):
    httpserver.expect_request(DRAFTS, method="POST").respond_with_json(
        google_error(429, "rateLimitExceeded", "Rate Limit Exceeded", "RESOURCE_EXHAUSTED"), status=429)
    with pytest.raises(followup_script.DeliveryError) as caught:
        writer.deliver(write_message(writer))
    text = str(caught.value)
    assert "429" in text and "rateLimitExceeded" in text
    assert "\n" not in text
    assert len(drafts_log(httpserver)) == 3  # the first try and gmail.retries = 2


def test_retry_waits_grow_from_retry_backoff(writer, token_file, httpserver):
    import time

    writer.config.data["gmail"]["retry_backoff"] = 0.2
    httpserver.expect_request(DRAFTS, method="POST").respond_with_json(
        google_error(429, "rateLimitExceeded", "Rate Limit Exceeded", "RESOURCE_EXHAUSTED"), status=429)
    started = time.monotonic()
    with pytest.raises(followup_script.DeliveryError):
        writer.deliver(write_message(writer))
    assert time.monotonic() - started >= 0.2 + 0.4


def test_server_error_names_status_and_reason_and_is_not_retried(writer, token_file, httpserver):
    httpserver.expect_request(DRAFTS, method="POST").respond_with_json(
        google_error(503, "backendError", "Backend Error", "UNAVAILABLE"), status=503)
    with pytest.raises(followup_script.DeliveryError) as caught:
        writer.deliver(write_message(writer))
    text = str(caught.value)
    assert "503" in text and "backendError" in text
    assert len(drafts_log(httpserver)) == 1


def test_unreachable_gmail_is_a_delivery_error(writer, token_file, httpserver):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    writer.config.data["gmail"]["api_root"] = f"http://127.0.0.1:{port}/"
    with pytest.raises(followup_script.DeliveryError) as caught:
        writer.deliver(write_message(writer))
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert_no_secret(str(caught.value))


# -- what never reaches Gmail ---------------------------------------------------------------------


def test_a_stopped_contact_makes_no_request(writer, token_file, httpserver):
    message = write_message(writer, outcome="stop")
    assert message.text is None
    with pytest.raises(followup_script.StoppedError):
        writer.deliver(message)
    assert httpserver.log == []


def test_stopped_flag_refuses_an_already_written_message(writer, token_file, httpserver):
    message = write_message(writer)
    with pytest.raises(followup_script.StoppedError):
        writer.deliver(message, stopped=True)
    assert httpserver.log == []


def test_dry_run_calls_nothing_and_needs_no_login(writer, httpserver):
    receipt = writer.deliver(write_message(writer), dry_run=True)
    assert receipt.channel == "gmail"
    assert "dry run" in receipt.detail
    assert receipt.id is None
    assert httpserver.log == []


# -- settings ---------------------------------------------------------------------------------


def test_api_root_without_trailing_slash_still_reaches_the_drafts_path(writer, token_file, httpserver):
    writer.config.data["gmail"]["api_root"] = httpserver.url_for("/").rstrip("/")
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(draft_answer())
    assert writer.deliver(write_message(writer)).id == "r-5551234"
    httpserver.check_assertions()


def test_relative_token_file_is_next_to_the_config(writer, tmp_path, httpserver):
    (tmp_path / "secrets").mkdir()
    path = tmp_path / "secrets" / "tok.json"
    path.write_text(json.dumps(token_data()))
    writer.config.data["gmail"]["token_file"] = "secrets/tok.json"
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json(draft_answer())
    writer.deliver(write_message(writer))
    httpserver.check_assertions()


@pytest.mark.parametrize("key, value, words", [
    ("api_root", "gmail.googleapis.com", "must be a URL"),
    ("retries", "three", "must be a number"),
    ("retries", "1.5", "must be a number"),
    ("retry_backoff", "-1", "out of range"),
    ("retries", 50, "out of range"),
    ("token_fle", "x.json", "unknown key"),
])
def test_bad_settings_are_config_errors(writer, token_file, httpserver, key, value, words):
    writer.config.data["gmail"][key] = value
    with pytest.raises(followup_script.ConfigError) as caught:
        writer.deliver(write_message(writer))
    assert words in str(caught.value)
    assert httpserver.log == []


def test_expired_token_without_refresh_token_says_to_log_in(writer, token_file, httpserver):
    data = token_data(expiry=dt.datetime(2020, 1, 1))
    del data["refresh_token"]
    token_file.write_text(json.dumps(data))
    with pytest.raises(followup_script.ConfigError) as caught:
        writer.deliver(write_message(writer))
    assert "gmail login" in str(caught.value)
    assert_no_secret(str(caught.value))
    assert httpserver.log == []


def test_unreachable_token_endpoint_is_a_delivery_error(writer, token_file, httpserver):
    token_file.write_text(json.dumps(token_data(expiry=dt.datetime(2020, 1, 1))))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    writer.config.data["gmail"]["token_uri"] = f"http://127.0.0.1:{port}/token"
    with pytest.raises(followup_script.DeliveryError) as caught:
        writer.deliver(write_message(writer))
    assert "token endpoint" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert_no_secret(str(caught.value))
    assert httpserver.log == []


def test_an_answer_that_is_not_json_is_a_delivery_error(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_data(
        "<html>proxy login</html>", content_type="text/html")
    with pytest.raises(followup_script.DeliveryError) as caught:
        writer.deliver(write_message(writer))
    assert "not JSON" in str(caught.value)


def test_an_answer_without_a_draft_id_is_a_delivery_error(writer, token_file, httpserver):
    httpserver.expect_oneshot_request(DRAFTS, method="POST").respond_with_json({"kind": "something else"})
    with pytest.raises(followup_script.DeliveryError) as caught:
        writer.deliver(write_message(writer))
    assert "without a draft id" in str(caught.value)


def test_numbers_saved_as_text_by_config_set_are_accepted(writer, token_file, httpserver):
    writer.config.data["gmail"].update(retries="1", retry_backoff="0")
    httpserver.expect_request(DRAFTS, method="POST").respond_with_json(
        google_error(429, "rateLimitExceeded", "Rate Limit Exceeded", "RESOURCE_EXHAUSTED"), status=429)
    with pytest.raises(followup_script.DeliveryError):
        writer.deliver(write_message(writer))
    assert len(drafts_log(httpserver)) == 2
