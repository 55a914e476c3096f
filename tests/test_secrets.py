"""Secrets: config and token files are 0600, and no secret is ever printed, in normal
output, errors or ``--debug`` tracebacks."""

from __future__ import annotations

import json
import os
import stat

import pytest
from pytest_httpserver import HTTPServer

SMTP_PASSWORD = "smtp-pw-8c1f0e2d"
TWILIO_TOKEN = "twilio-tok-3b9a7c55"
SID = "AC" + "0123456789abcdef" * 2


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_config_file_is_0600_and_secrets_are_masked(cli, isolated_home):
    config = isolated_home / "config.toml"
    for key, value in (("profile.name", "Ana Lima"), ("sms.auth_token", TWILIO_TOKEN),
                       ("email.password_command", f"echo {SMTP_PASSWORD}"), ("gmail.client_secret", "GOCSPX-s3")):
        result = cli("config", "set", key, value)
        assert result.returncode == 0, result.stderr
        if key != "profile.name" and key != "email.password_command":
            assert value not in result.stdout + result.stderr
    assert mode(config) == 0o600
    shown = cli("config")
    assert shown.returncode == 0
    assert TWILIO_TOKEN not in shown.stdout and "GOCSPX-s3" not in shown.stdout and "********" in shown.stdout
    debug = cli("--debug", "config")
    assert TWILIO_TOKEN not in debug.stdout + debug.stderr


def test_gmail_token_file_is_0600(tmp_path):
    login = pytest.importorskip("followup_script_gmail.login")
    path = tmp_path / "token.json"
    login.write_token(path, {"token": "ya29.x", "refresh_token": "1//r"})
    assert mode(path) == 0o600


def test_smtp_password_never_printed_even_with_debug(cli, isolated_home, monkeypatch):
    (isolated_home / "config.toml").write_text(
        '[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\nemail = "ana@example.com"\n'
        '[email]\nhost = "127.0.0.1"\nport = 9\nsecurity = "none"\nuser = "ana"\n'
        'password_env = "FOLLOWUP_TEST_SMTP_PW"\ntimeout = 2\n')
    args = ["--name", "Dana Reyes", "--email", "dana@acme.example", "--last-contact", "2026-11-20",
            "--channel", "email", "--deliver", "--yes", "--today", "2026-11-25"]
    for extra in ([], ["--debug"]):
        result = cli(*extra, *args, env={"FOLLOWUP_TEST_SMTP_PW": SMTP_PASSWORD})
        assert result.returncode == 3
        assert SMTP_PASSWORD not in result.stdout + result.stderr
        if extra:
            assert "Traceback" in result.stderr  # --debug really printed one, and it is clean


def test_twilio_token_never_printed_even_when_the_server_echoes_it(cli, isolated_home):
    pytest.importorskip("followup_script_sms")
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        server.expect_request(f"/2010-04-01/Accounts/{SID}/Messages.json", method="POST").respond_with_json(
            {"code": 20003, "message": f"Authenticate with {TWILIO_TOKEN} failed", "more_info": "", "status": 401},
            status=401)
        config = isolated_home / "config.toml"
        config.write_text(
            '[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\n'
            f'[sms]\naccount_sid = "{SID}"\nauth_token = "{TWILIO_TOKEN}"\nfrom = "+14155550100"\n'
            f'base_url = {json.dumps(server.url_for("/").rstrip("/"))}\n')
        args = ["--name", "Dana Reyes", "--phone", "+1 212 555 0123", "--role", "Data Engineer",
                "--last-contact", "2026-11-20", "--channel", "sms", "--deliver", "--yes", "--today", "2026-11-25"]
        env = {"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-sms", "NO_PROXY": "127.0.0.1"}
        for extra in ([], ["--debug"]):
            result = cli(*extra, *args, env=env)
            assert result.returncode == 2, result.stderr  # bad credentials: a config problem
            assert TWILIO_TOKEN not in result.stdout + result.stderr
            assert "********" in result.stderr
    finally:
        server.stop()
