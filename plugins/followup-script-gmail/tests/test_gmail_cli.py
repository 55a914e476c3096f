"""End to end: the ``followup-script`` command line (run in process, as the installed command
runs it), with the plugin loaded from its entry point and a real local server standing in for
Gmail and the token endpoint. What loading the plugin imports is checked in a fresh interpreter."""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import json
import os
import stat
import subprocess
import sys

import pytest
from gmail_helpers import CLIENT_SECRET, DRAFTS, NEW_TOKEN, OLD_TOKEN, REFRESH_TOKEN, draft_answer, token_data

from followup_script_gmail.login import write_token

ONE_SHOT = ("--channel", "gmail", "--deliver", "--yes", "--name", "José Müller",
            "--company", "Acme Analytics", "--role", "Data Engineer",
            "--email", "dana@example.com", "--last-contact", "2026-11-20",
            "--outcome", "no-commitment", "--today", "2026-11-25", "--format", "json")


def config_text(tmp_path, httpserver, **extra) -> str:
    gmail = {
        "token_file": str(tmp_path / "gmail-token.json"),
        "api_root": httpserver.url_for("/"),
        "token_uri": httpserver.url_for("/token"),
        "retry_backoff": 0.0,
    }
    gmail.update(extra)
    lines = ["[profile]", 'name = "Ana Lima"', 'phone = "+1 555 123 4567"',
             'email = "ana.lima@example.com"', "", "[gmail]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in gmail.items()]
    return "\n".join(lines) + "\n"


def save_token(tmp_path, **changes):
    data = token_data()
    data.update(changes)
    path = tmp_path / "gmail-token.json"
    write_token(path, data)
    return path


def one_line_error(result, *words):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_plugins_lists_the_gmail_plugin(run):
    result = run("plugins")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    (entry,) = [p for p in listing["plugins"] if p["name"] == "followup-script-gmail"]
    assert entry["channels"] == ["gmail"]
    assert "register_commands" in entry["hooks"] and "register_channels" in entry["hooks"]
    assert entry["version"] == "0.1.0"
    assert listing["errors"] == []


def test_channels_lists_gmail_as_delivering(run):
    result = run("channels", "--json")
    assert result.returncode == 0, result.stderr
    (gmail,) = [c for c in json.loads(result.stdout) if c["name"] == "gmail"]
    assert gmail["kind"] == "email" and gmail["delivers"] is True
    assert gmail["plugin"] == "followup-script-gmail"


def test_gmail_help_lists_its_commands(run):
    result = run("gmail", "--help")
    assert result.returncode == 0, result.stderr
    for name in ("login", "logout", "status"):
        assert name in result.stdout
    login = run("gmail", "login", "--help")
    assert login.returncode == 0
    assert "--client-secrets" in login.stdout and "gmail.compose" in login.stdout


def test_login_with_missing_client_secrets_is_one_line(run, tmp_path):
    result = run("gmail", "login", "--client-secrets", str(tmp_path / "nope.json"))
    one_line_error(result, "does not exist", "Desktop app")
    assert not (run.home / ".config").exists() or not list((run.home / ".config").rglob("gmail-token.json"))


@pytest.mark.parametrize("content, words", [
    ("not json at all", "is not JSON"),
    (json.dumps({"web_app": {}}), "is not an OAuth client"),
    (json.dumps({"installed": {"client_id": "x"}}), "is not an OAuth client"),
    (json.dumps({"web": {"client_id": "x", "auth_uri": "https://a", "token_uri": "https://t"}}),
     "Web application"),
])
def test_login_with_invalid_client_secrets_is_one_line(run, tmp_path, content, words):
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(content)
    result = run("gmail", "login", "--client-secrets", str(secrets))
    line = one_line_error(result, "client-secrets file", words, "Desktop app")
    assert str(secrets) in line


def test_logout_removes_the_token_and_is_fine_without_one(run, tmp_path, httpserver):
    text = config_text(tmp_path, httpserver)
    path = save_token(tmp_path)
    result = run("gmail", "logout", config_text=text)
    assert result.returncode == 0, result.stderr
    assert str(path) in result.stdout and "Logged out" in result.stdout
    assert not path.exists()
    again = run("gmail", "logout")
    assert again.returncode == 0, again.stderr
    assert "Not logged in" in again.stdout


def test_logout_uses_the_default_token_file_in_the_config_dir(run):
    default = run.home / ".config" / "followup-script" / "gmail-token.json"
    default.parent.mkdir(parents=True)
    default.write_text(json.dumps(token_data()))
    result = run("gmail", "logout", config_text="[profile]\nname = \"Ana Lima\"\n")
    assert result.returncode == 0, result.stderr
    assert not default.exists()


def test_status_shows_scopes_and_expiry_but_never_the_token(run, tmp_path, httpserver):
    text = config_text(tmp_path, httpserver)
    expiry = dt.datetime(2030, 1, 2, 3, 4, 5)
    save_token(tmp_path, expiry=expiry.isoformat() + "Z")
    result = run("gmail", "status", config_text=text)
    assert result.returncode == 0, result.stderr
    assert "https://www.googleapis.com/auth/gmail.compose" in result.stdout
    assert "2030-01-02 03:04 UTC (valid)" in result.stdout
    assert "can renew itself: yes" in result.stdout
    for secret in (OLD_TOKEN, REFRESH_TOKEN, CLIENT_SECRET):
        assert secret not in result.stdout + result.stderr
    assert "warning" not in result.stdout


def test_status_warns_about_a_readable_token_file_and_a_missing_scope(run, tmp_path, httpserver):
    text = config_text(tmp_path, httpserver)
    path = save_token(tmp_path, scopes=["https://www.googleapis.com/auth/gmail.readonly"])
    os.chmod(path, 0o644)
    result = run("gmail", "status", config_text=text)
    assert result.returncode == 0, result.stderr
    assert "chmod 600" in result.stdout
    assert "gmail.compose is missing" in result.stdout


def test_status_without_login(run, tmp_path, httpserver):
    result = run("gmail", "status", config_text=config_text(tmp_path, httpserver))
    assert result.returncode == 0, result.stderr
    assert "Not logged in" in result.stdout and "gmail login --client-secrets" in result.stdout


def test_one_shot_deliver_creates_a_draft(run, tmp_path, httpserver):
    text = config_text(tmp_path, httpserver)
    save_token(tmp_path)
    httpserver.expect_oneshot_request(
        DRAFTS, method="POST", headers={"Authorization": f"Bearer {OLD_TOKEN}"},
    ).respond_with_json(draft_answer("r-e2e", "m-e2e"))
    result = run(*ONE_SHOT, config_text=text)
    assert result.returncode == 0, result.stderr
    httpserver.check_assertions()
    out = json.loads(result.stdout)
    assert out["stage"] == "three-day-check"
    assert out["receipt"] == {
        "channel": "gmail", "id": "r-e2e",
        "url": "https://mail.google.com/mail/u/0/#drafts?compose=m-e2e",
        "detail": "draft created, not sent", "thread_id": "m-e2e",
    }
    ((request, _),) = httpserver.log
    raw = request.get_json()["message"]["raw"]
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert msg["Subject"] == out["subject"]
    assert msg["To"].addresses[0].display_name == "José Müller"
    assert msg["To"].addresses[0].addr_spec == "dana@example.com"
    plain = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert plain.strip() == out["script"].strip()


def test_one_shot_deliver_refreshes_and_saves_the_token(run, tmp_path, httpserver):
    text = config_text(tmp_path, httpserver)
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).replace(tzinfo=None, microsecond=0)
    path = save_token(tmp_path, expiry=past.isoformat() + "Z")
    httpserver.expect_oneshot_request("/token", method="POST").respond_with_json(
        {"access_token": NEW_TOKEN, "expires_in": 3599, "token_type": "Bearer"})
    httpserver.expect_oneshot_request(
        DRAFTS, method="POST", headers={"Authorization": f"Bearer {NEW_TOKEN}"},
    ).respond_with_json(draft_answer())
    result = run(*ONE_SHOT, config_text=text)
    assert result.returncode == 0, result.stderr
    httpserver.check_assertions()
    assert json.loads(path.read_text())["token"] == NEW_TOKEN
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert NEW_TOKEN not in result.stdout + result.stderr


def test_one_shot_deliver_without_login_exits_2_with_one_line(run, tmp_path, httpserver):
    result = run(*ONE_SHOT, config_text=config_text(tmp_path, httpserver))
    one_line_error(result, "gmail login")
    assert result.stdout == ""
    assert httpserver.log == []


def test_one_shot_deliver_for_a_stopped_contact_exits_4_and_calls_nothing(run, tmp_path, httpserver):
    save_token(tmp_path)
    args = [a if a != "no-commitment" else "stop" for a in ONE_SHOT]
    result = run(*args, config_text=config_text(tmp_path, httpserver))
    assert result.returncode == 4, result.stderr
    assert "asked not to be contacted" in result.stderr
    assert httpserver.log == []


def test_one_shot_rate_limited_exits_3(run, tmp_path, httpserver):
    save_token(tmp_path)
    httpserver.expect_request(DRAFTS, method="POST").respond_with_json(
        {"error": {"code": 429, "message": "Rate Limit Exceeded",
                   "errors": [{"reason": "rateLimitExceeded"}]}}, status=429)
    result = run(*ONE_SHOT, config_text=config_text(tmp_path, httpserver, retries=1))
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "429" in lines[0] and "Traceback" not in result.stderr
    assert len(httpserver.log) == 2


def test_write_token_is_private_and_atomic(tmp_path):
    path = tmp_path / "sub" / "gmail-token.json"
    old = os.umask(0)
    try:
        write_token(path, token_data())
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        path.chmod(0o644)
        write_token(path, token_data())
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text())["token"] == OLD_TOKEN
    assert [p.name for p in path.parent.iterdir()] == ["gmail-token.json"]


def test_loading_the_plugin_imports_no_google_library(tmp_path):
    code = (
        "import sys, io, contextlib\n"
        "from followup_script.cli.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "assert 'followup_script_gmail' in sys.modules, 'the plugin was not loaded'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('google', 'googleapiclient', 'google_auth_oauthlib', 'google_auth_httplib2', 'httplib2')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_SCRIPT_")}
    env.update(FOLLOWUP_SCRIPT_LOAD_PLUGINS="followup-script-gmail", HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
