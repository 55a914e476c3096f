"""Hostile sweep (issue 16): the SMTP password command and the one-shot's stop, against
docs/security.md ("Secrets", "If they say stop, nothing more is sent")."""

from __future__ import annotations

import os
import subprocess

import pytest

from followup_script.channels import smtp
from followup_script.errors import ConfigError

FROM = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]
ONE = [*FROM, "--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer", "--today", "2026-11-25",
       "--last-contact", "2026-11-20", "--email", "dana@acme.example", "--phone", "+1 212 555 0123"]


@pytest.mark.parametrize("command", ["printf %s $(touch {m})", "printf %s `touch {m}`", "printf %s x; touch {m}",
                                     "printf %s x && touch {m}", "printf %s x | touch {m}"])
def test_sweep_the_password_command_runs_without_a_shell(tmp_path, command):
    """security.md: the command is run without a shell: what a shell would run is only words."""
    marker = tmp_path / "ran"
    password = smtp.smtp_password({"password_command": command.format(m=marker)})
    assert not marker.exists()
    assert password  # printf printed its first word, as words, not as shell code


@pytest.mark.parametrize("command,needle", [
    ("sh -c 'exit 3'", "exited 3"), ("/no/such/program", "failed to run"),
    ("printf '\\377\\376'", "not UTF-8"), ("printf 'unclosed", "cannot be split"),
])
def test_sweep_a_failing_password_command_is_a_config_error(command, needle):
    with pytest.raises(ConfigError) as caught:
        settings = {"host": "127.0.0.1", "security": "none", "password_command": command}
        smtp.smtp_password(smtp.smtp_settings(settings) if hasattr(smtp, "smtp_settings") else settings)
    assert needle in str(caught.value) and "\n" not in str(caught.value)


def test_sweep_the_password_command_has_a_time_limit(monkeypatch):
    """security.md: a 30-second limit (run here as 0.3 s: the limit given is 30 s, and a
    command past it is a config error, not a hang)."""
    real = subprocess.run
    seen = []

    def shorter(*args, timeout=None, **kwargs):
        seen.append(timeout)
        return real(*args, timeout=0.3, **kwargs)

    monkeypatch.setattr(smtp.subprocess, "run", shorter)
    with pytest.raises(ConfigError, match="TimeoutExpired"):
        smtp.smtp_password({"password_command": "sleep 5"})
    assert seen == [30]


PLUGIN = '''
import os
import followup_script
from followup_script import Channel, Receipt

def deliver(message, context):
    open(os.environ["SWEEP_MARKER"], "a").write("delivered\\n")
    return Receipt(channel=message.channel, id="x")

@followup_script.hookimpl
def register_channels(register):
    register(Channel("marker", "writes a marker", "voicemail", deliver=deliver))
    register(Channel("marker-email", "writes a marker", "email", deliver=deliver))
'''


@pytest.mark.parametrize("channel", ["marker", "marker-email", "email"])
@pytest.mark.parametrize("outcome", ["stop", "STOP"])
def test_sweep_the_one_shot_delivers_nothing_for_outcome_stop(cli, tmp_path, monkeypatch, channel, outcome):
    """security.md: the one-shot refuses to deliver for --outcome stop (exit 4) before any
    plugin code runs, on every channel."""
    plug = tmp_path / "plug"
    plug.mkdir(mode=0o700)
    (plug / "p.py").write_text(PLUGIN, encoding="utf-8")
    os.chmod(plug / "p.py", 0o600)
    marker = tmp_path / "marker"
    monkeypatch.setenv("SWEEP_MARKER", str(marker))
    ran = cli(*ONE, "--plugins-dir", plug, "--channel", channel, "--outcome", outcome, "--deliver", "--yes")
    assert ran.returncode in (2, 4) and "Traceback" not in ran.stderr, (ran.returncode, ran.stderr)
    if outcome == "stop":
        assert ran.returncode == 4, ran.stderr
    assert not marker.exists()


HEADER_ATTACKS = {
    "to-crlf": (["--email", "dana@acme.example\r\nBcc: evil@example.com"], 2),
    "to-lf": (["--email", "dana@acme.example\nBcc: evil@example.com"], 2),
    "to-line-sep": (["--email", "dana@acme.example\u2028Bcc: evil@example.com"], 2),
    "from-crlf": (["--from-email", "ana@example.com\r\nBcc: evil@example.com"], 2),
    "from-name-crlf": (["--from-name", "Ana\r\nBcc: evil@example.com"], 0),
    "name-crlf": (["--name", "Dana\r\nBcc: evil@example.com"], 0),
}


@pytest.mark.parametrize("extra,code", HEADER_ATTACKS.values(), ids=HEADER_ATTACKS.keys())
def test_sweep_an_email_header_cannot_be_added_from_the_command_line(cli, extra, code):
    """security.md: an address with CR/LF is refused with exit 2 instead of sent; a name
    with them is folded to one line: the .eml never gets a Bcc: header."""
    import email as email_lib
    import email.policy

    base = [a for a in ONE]
    for option, value in zip(extra[::2], extra[1::2]):
        base[base.index(option) + 1] = value
    ran = cli(*base, "--channel", "email", "--format", "eml")
    assert ran.returncode == code, (ran.returncode, ran.stderr)
    assert "Traceback" not in ran.stderr
    if code:
        assert len(ran.stderr.strip().splitlines()) == 1
        return
    parsed = email_lib.message_from_string(ran.stdout, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["To"] is not None


@pytest.mark.parametrize("how", ["--db", "FOLLOWUP_SCRIPT_DB"])
def test_sweep_the_tracker_is_only_where_it_is_told(cli, isolated_home, tmp_path, monkeypatch, how):
    """security.md: the tracker is one SQLite file; --db or FOLLOWUP_SCRIPT_DB put it
    elsewhere, and nothing is written at the default place then."""
    default = isolated_home / "tracker.sqlite3"  # FOLLOWUP_SCRIPT_DB of the isolated home
    elsewhere = tmp_path / "elsewhere" / "my tracker ✓.sqlite3"
    if how == "--db":
        ran = cli("contact", "add", "Dana Reyes", "--db", elsewhere)
    else:
        monkeypatch.setenv("FOLLOWUP_SCRIPT_DB", str(elsewhere))
        ran = cli("contact", "add", "Dana Reyes")
    assert ran.returncode == 0, ran.stderr
    assert elsewhere.exists() and not default.exists()
    assert not list((isolated_home).glob("**/*.sqlite3*"))


@pytest.mark.parametrize("value", ["99999999999999999999999", "1e308", "inf", "nan", "-1", "0", '"soon"'])
def test_sweep_a_delivery_limit_that_is_no_limit_is_refused(cli, isolated_home, tmp_path, monkeypatch, value):
    """security.md (threat model): `[delivery] timeout_seconds` bounds a slow deliver; a
    value that bounds nothing is a config error (exit 2) before any plugin code runs."""
    plug = tmp_path / "plug"
    plug.mkdir(mode=0o700)
    (plug / "p.py").write_text(PLUGIN, encoding="utf-8")
    os.chmod(plug / "p.py", 0o600)
    marker = tmp_path / "marker"
    monkeypatch.setenv("SWEEP_MARKER", str(marker))
    (isolated_home / "config.toml").write_text(f"[delivery]\ntimeout_seconds = {value}\n", encoding="utf-8")
    ran = cli(*ONE, "--plugins-dir", plug, "--channel", "marker", "--deliver", "--yes")
    assert ran.returncode == 2, (ran.returncode, ran.stderr)
    assert len(ran.stderr.strip().splitlines()) == 1 and "timeout_seconds" in ran.stderr
    assert not marker.exists()
