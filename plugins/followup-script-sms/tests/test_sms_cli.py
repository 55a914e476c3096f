"""End to end: the ``followup-script`` command line (run in process, as the installed command
runs it), with the plugin found by entry point. What importing the plugin loads is checked in a
fresh interpreter."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sms_helpers import (
    CONTACT_E164,
    MESSAGES_PATH,
    SENDER,
    SID,
    TOKEN,
    basic_auth,
    created,
    run_in_process,
    twilio_error,
)

ONE_SHOT = [
    "--channel", "sms", "--last-contact", "2026-11-20", "--outcome", "no-commitment",
    "--today", "2026-11-25", "--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer",
    "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567",
]


@pytest.fixture
def run(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: None for k in os.environ
           if k.startswith(("TWILIO_", "FOLLOWUP_SCRIPT_", "XDG_")) or "proxy" in k.lower()}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".data"),
               FOLLOWUP_SCRIPT_CONFIG=str(tmp_path / "no-config.toml"),
               FOLLOWUP_SCRIPT_LOAD_PLUGINS="followup-script-sms", NO_PROXY="127.0.0.1,localhost")

    def run(*args, check=True):
        done = run_in_process(args, env)
        if check:
            assert done.returncode == 0, done.stderr
        return done

    return run


def write_config(tmp_path, httpserver, **sms) -> Path:
    values = {"account_sid": SID, "auth_token": TOKEN, "from": SENDER,
              "base_url": httpserver.url_for("/").rstrip("/"), "retry_backoff": 0.01, **sms}
    lines = ["[profile]", 'name = "Ana Lima"', 'phone = "+1 555 123 4567"', "", "[sms]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_channels_lists_sms(run):
    out = run("channels").stdout
    (line,) = [row for row in out.splitlines() if row.split()[:1] == ["sms"]]
    assert line.split()[1:3] == ["sms", "delivers"]
    assert "Twilio" in line
    channels = {c["name"]: c for c in json.loads(run("channels", "--json").stdout)}
    assert channels["sms"]["plugin"] == "followup-script-sms"
    assert "account_sid" in channels["sms"]["options"]


def test_plugins_lists_the_distribution_and_its_channel(run):
    listing = json.loads(run("plugins").stdout)
    (plugin,) = [p for p in listing["plugins"] if p["name"] == "followup-script-sms"]
    assert plugin["channels"] == ["sms"]
    assert plugin["version"] == "0.1.0"
    assert {"register_channels", "register_template_dirs"} <= set(plugin["hooks"])
    assert listing["errors"] == []


def test_one_shot_json_prints_segments(run):
    out = json.loads(run(*ONE_SHOT, "--phone", "+1 555 201 0000", "--format", "json").stdout)
    assert out["channel"] == "sms" and out["kind"] == "sms"
    assert out["stage"] == "three-day-check"
    assert out["segments"] == 1 and out["encoding"] == "GSM-7"
    assert out["characters"] == len(out["script"]) <= 160
    assert out["words"] == len(out["script"].split())
    assert out["script"].startswith("Hi Dana, it's Ana Lima.")
    assert "Data Engineer" in out["script"]
    assert out["warnings"] == []


def test_one_shot_text_shows_characters_and_segments(run):
    out = run(*ONE_SHOT).stdout
    assert "Stage:   three-day-check" in out
    assert re.search(r"\b1 SMS segment \(\d+ characters\)", out), out  # the wording of present/
    assert "Hi Dana, it's Ana Lima." in out


def test_deliver_sends_through_the_configured_server(run, tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        created(sid="SM" + "3" * 32, status="queued", segments="1"), status=201)
    config = write_config(tmp_path, httpserver)
    done = run(*ONE_SHOT, "--phone", "+1 (212) 555-0123", "--format", "json", "--deliver", "--yes",
               "--config", str(config))
    out = json.loads(done.stdout)
    assert out["receipt"] == {"channel": "sms", "id": "SM" + "3" * 32,
                              "detail": "status queued, 1 segment(s)"}
    (entry,) = httpserver.log
    request = entry[0]
    assert request.path == MESSAGES_PATH
    assert request.form["To"] == CONTACT_E164
    assert request.form["From"] == SENDER
    assert request.form["Body"] == out["script"]
    assert request.headers["Authorization"] == basic_auth(SID, TOKEN)
    assert TOKEN not in done.stdout + done.stderr


def test_deliver_reports_an_opt_out(run, tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(21610, "Attempt to send to unsubscribed recipient", 400), status=400)
    config = write_config(tmp_path, httpserver)
    done = run(*ONE_SHOT, "--phone", "+1 212 555 0123", "--format", "json", "--deliver", "--yes",
               "--config", str(config), check=False)
    out = json.loads(done.stdout)
    assert out["receipt"]["contact_stopped"] is True
    assert "opted out (replied STOP)" in out["receipt"]["detail"]
    assert len(httpserver.log) == 1
    # the core turns the receipt into a refusal: exit 4, one line naming the opt-out
    assert done.returncode == 4
    (line,) = done.stderr.strip().splitlines()
    assert "Dana Reyes" in line and "opted out" in line


def test_deliver_with_a_bad_number_is_exit_2_and_one_line(run, tmp_path, httpserver):
    config = write_config(tmp_path, httpserver)
    done = run(*ONE_SHOT, "--phone", "+1 555 201 0000", "--deliver", "--yes", "--config", str(config),
               check=False)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("followup-script: error: ") and "'+1 555 201 0000'" in line
    assert httpserver.log == []


def test_deliver_with_bad_credentials_is_exit_2_without_the_token(run, tmp_path, httpserver):
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        twilio_error(20003, "Authenticate", 401), status=401)
    config = write_config(tmp_path, httpserver)
    done = run(*ONE_SHOT, "--phone", "+1 212 555 0123", "--deliver", "--yes", "--config", str(config),
               check=False)
    assert done.returncode == 2
    assert "check sms.account_sid and the auth token" in done.stderr
    assert TOKEN not in done.stdout + done.stderr


def test_a_stopped_contact_is_never_sent(run, tmp_path, httpserver):
    config = write_config(tmp_path, httpserver)
    done = run("--channel", "sms", "--last-contact", "2026-11-20", "--outcome", "stop", "--today",
               "2026-11-25", "--name", "Dana Reyes", "--phone", "+1 212 555 0123", "--deliver", "--yes",
               "--config", str(config), check=False)
    assert done.returncode == 4
    assert "asked not to be contacted" in done.stderr
    assert httpserver.log == []


def test_loading_the_plugin_does_not_import_twilio_or_phonenumbers():
    code = ("import sys, followup_script_sms; "
            "print(sorted(m for m in ('twilio', 'phonenumbers', 'requests') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
