"""The one-shot command, config, channels and help, run in process (``cli``, see conftest).

The start-up checks (what ``--help`` imports, its command cache) run a fresh interpreter:
only a new process shows which modules a run loads. tests/test_smoke.py runs the installed
command itself.
"""

import email
import email.policy
import json
import os

import pytest

from tests.conftest import run_cli

BASE = ["--name", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
        "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com",
        "--today", "2026-11-25"]


def one_line_error(result, code, *needles):
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert result.stdout == ""


def test_text_voicemail(cli):
    result = cli(*BASE, "--last-contact", "2026-11-20", "--outcome", "no-commitment")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Stage:   three-day-check (attempt 1)\n")
    assert "Due:     Monday 23 November 2026 (2 days overdue)" in out
    assert "five five five, one two three, four five six seven" in out
    assert "about 2" in out and " s" in out


def test_json_has_the_documented_fields(cli):
    result = cli(*BASE, "--last-contact", "2026-11-18", "--outcome", "no-answer", "--attempts", "15",
                 "--channel", "voicemail", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("stage", "due", "attempt", "overdue_days", "reason", "channel", "subject", "script",
                "words", "estimated_seconds", "warnings"):
        assert key in data
    assert data["stage"] == "weekly-nudge" and data["attempt"] == 16
    assert data["due"] == "2026-11-25" and data["overdue_days"] == 0
    assert data["estimated_seconds"] <= 30 and data["warnings"] == []


def test_scheduled_call_uses_the_agreed_time(cli):
    result = cli(*BASE, "--last-contact", "2026-11-20", "--outcome", "scheduled",
                 "--scheduled-for", "2026-11-27 10:30", "--format", "json", "--channel", "call")
    data = json.loads(result.stdout)
    assert (data["stage"], data["due"], data["due_time"]) == ("scheduled-call", "2026-11-27", "10:30")


def test_calendar_days_flag(cli):
    args = [*BASE, "--last-contact", "2026-11-18", "--format", "json"]
    assert json.loads(cli(*args).stdout)["due"] == "2026-11-23"
    assert json.loads(cli(*args, "--calendar-days").stdout)["due"] == "2026-11-21"


@pytest.mark.parametrize("outcome,stage", [("replied", "done"), ("stop", "stopped")])
def test_done_and_stopped_print_no_script(cli, outcome, stage):
    result = cli(*BASE, "--last-contact", "2026-11-20", "--outcome", outcome, "--format", "json")
    data = json.loads(result.stdout)
    assert data["stage"] == stage and data["script"] is None


def test_eml_to_file(cli, tmp_path):
    target = tmp_path / "followup.eml"
    result = cli(*BASE, "--email", "dana@acme.example", "--last-contact", "2026-11-20",
                 "--outcome", "no-commitment", "--situation", "interview", "--channel", "email",
                 "--format", "eml", "--output", target)
    assert result.returncode == 0, result.stderr
    msg = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "Thank you for the Data Engineer interview at Acme Analytics"
    assert msg["To"] == "Dana Reyes <dana@acme.example>"
    assert msg["X-Unsent"] == "1"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_profile_from_config_file(cli, tmp_path):
    config = tmp_path / "config.toml"
    assert cli("--config", config, "config", "set", "profile.name", "Ana Lima").returncode == 0
    assert cli("--config", config, "config", "set", "profile.phone", "+1 555 123 4567").returncode == 0
    assert oct(config.stat().st_mode & 0o777) == "0o600"
    shown = cli("--config", config, "config")
    assert str(config) in shown.stdout and 'name = "Ana Lima"' in shown.stdout
    assert "profile.email" in shown.stdout  # says what is not set
    result = cli("--config", config, "--last-contact", "2026-11-20", "--today", "2026-11-25")
    assert result.returncode == 0 and "Ana Lima" in result.stdout


def test_config_hides_secrets(cli, tmp_path):
    config = tmp_path / "config.toml"
    cli("--config", config, "config", "set", "sms.auth_token", "s3cr3t-value")
    for result in (cli("--config", config, "config"),
                   cli("--config", config, "config", "set", "sms.auth_token", "s3cr3t-value")):
        assert "s3cr3t-value" not in result.stdout + result.stderr


@pytest.mark.parametrize("args,needles", [
    (["--last-contact", "20/11/2026"], ["'20/11/2026'", "YYYY-MM-DD"]),
    (["--last-contact", "2026-11-20", "--outcome", "ghosted"], ["'ghosted'", "no-commitment"]),
    (["--last-contact", "2026-11-20", "--outcome", "scheduled"], ["--scheduled-for"]),
    (["--last-contact", "2026-11-20", "--outcome", "scheduled", "--scheduled-for", "soonish"], ["'soonish'"]),
    (["--last-contact", "2026-11-20", "--attempts", "-1"], ["-1", "0 or more"]),
    (["--last-contact", "2026-11-20", "--channel", "fax"], ["'fax'", "voicemail"]),
    (["--last-contact", "2026-11-20", "--situation", "party"], ["'party'", "interview"]),
    (["--last-contact", "2026-11-20", "--today", "tomorrowish"], ["'tomorrowish'"]),
    (["--last-contact", "2026-11-20", "--from-phone", "call me"], ["'call me'"]),
    (["--last-contact", "2026-11-20", "--email", "dana@"], ["'dana@'"]),
    (["--last-contact", "2026-11-20", "--channel", "voicemail", "--format", "eml"], ["email channel"]),
    (["--outcome", "no-answer"], ["--last-contact"]),
    (["--last-contact", "2026-11-20", "--situation", "interview"], ["--outcome"]),
])
def test_bad_input_is_one_line_exit_2(cli, args, needles):
    one_line_error(cli(*BASE, *args), 2, *needles)


def test_missing_profile_field_names_it(cli):
    result = cli("--name", "Dana", "--last-contact", "2026-11-20", "--today", "2026-11-25")
    one_line_error(result, 2, "profile.name", "--from-name")


def test_bad_config_file(cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[profile\nname = 'x'\n")
    one_line_error(cli("--config", config, "--last-contact", "2026-11-20"), 2, str(config), "TOML")


def test_debug_shows_the_traceback(cli):
    result = cli("--debug", *BASE, "--last-contact", "someday")
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_stopped_contact_cannot_be_delivered(cli, tmp_path):
    result = cli(*BASE, "--email", "dana@acme.example", "--channel", "email", "--last-contact",
                 "2026-11-20", "--outcome", "stop", "--deliver", "--yes")
    one_line_error(result, 4, "asked not to be contacted")


def test_print_only_channel_cannot_deliver(cli):
    result = cli(*BASE, "--last-contact", "2026-11-20", "--deliver", "--yes")
    one_line_error(result, 2, "only prints")


def test_deliver_without_terminal_needs_yes(cli, isolated_home):
    (isolated_home / "config.toml").write_text('[email]\nhost = "smtp.example.com"\n')  # set up: it asks
    result = cli(*BASE, "--email", "dana@acme.example", "--channel", "email",
                 "--last-contact", "2026-11-20", "--deliver")
    one_line_error(result, 2, "--yes")


def test_no_arguments_without_a_terminal_explains(cli):
    result = cli()
    assert result.returncode == 2
    assert "--last-contact" in result.stderr.strip().splitlines()[-1]


def test_help_and_version(cli):
    result = cli("--help")
    assert result.returncode == 0
    for word in ("--last-contact", "--outcome", "--channel", "plugins", "channels", "config",
                 "Exit codes"):
        assert word in result.stdout
    assert cli("--version").stdout.startswith("followup-script, version")


def test_channels_lists_the_builtins(cli):
    result = cli("channels")
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"voicemail", "call", "email"} <= set(names)


def test_output_to_missing_folder_is_refused(cli, tmp_path):
    result = cli(*BASE, "--last-contact", "2026-11-20", "--output", tmp_path / "nope" / "x.txt")
    one_line_error(result, 2, "does not exist")


def test_run_target_example_profile(cli):
    root = os.path.dirname(os.path.dirname(__file__))
    result = cli("--config", os.path.join(root, "examples", "profile.toml"), "--name", "Dana Reyes",
                 "--last-contact", "2026-11-20", "--today", "2026-11-25")
    assert result.returncode == 0 and "Ana Lima" in result.stdout


HELP_PROBE = (
    "import io, sys\n"
    "from followup_script.cli import main\n"
    "out, sys.stdout = sys.stdout, io.StringIO()\n"
    "main(['--help'])\n"
    "text, sys.stdout = sys.stdout.getvalue(), out\n"
    "loaded = [m for m in ('pluggy', 'followup_script.cli.tracker', 'followup_script_postcard',\n"
    "                      'followup_script.engine.stages', 'jinja2', 'dataclasses') if m in sys.modules]\n"
    "print(repr((text, loaded)))\n"
)


def help_probe(env):
    import ast
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", HELP_PROBE], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout)


def test_help_lists_every_command_from_a_cache_without_loading_them():
    env = {"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-postcard"}
    cold, cold_loaded = help_probe(env)
    for name in ("batch", "contact", "due", "wizard", "templates", "postcard-outbox"):
        assert f"  {name} " in cold
    assert "followup_script.cli.tracker" in cold_loaded and "followup_script_postcard" in cold_loaded
    warm, warm_loaded = help_probe(env)
    assert warm == cold
    assert warm_loaded == [], "a warm --help imports no plugin, no pluggy, no engine, no Jinja"
    # Another plugin selection is another listing: never answered from the old cache.
    other, _ = help_probe({"FOLLOWUP_SCRIPT_LOAD_PLUGINS": ""})
    assert "postcard-outbox" not in other and "  due " in other


@pytest.mark.parametrize("damage", [b"", b"\x00garbage\xff", b"\xe9" * 3, "marshal-list"])
def test_a_damaged_command_cache_is_rebuilt(isolated_home, damage):
    import marshal

    env = {"FOLLOWUP_SCRIPT_LOAD_PLUGINS": ""}
    cold, _ = help_probe(env)
    path = isolated_home / ".cache" / "followup-script" / "commands.marshal"
    assert path.exists()
    path.write_bytes(marshal.dumps(["not", "a", "dict"]) if damage == "marshal-list" else damage)
    again, loaded = help_probe(env)
    assert again == cold and "  due " in again
    assert "followup_script.cli.tracker" in loaded, "rebuilt by loading the commands"
    assert help_probe(env) == (cold, []), "and cached again"


@pytest.mark.parametrize("columns", ["60", "200", "0", "wide", None])
def test_help_width_is_what_click_would_pick(monkeypatch, columns):
    """--help is laid out exactly as a stock click Context lays it out for this COLUMNS."""
    import click

    from followup_script.cli import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    stock = click.Context(cli, info_name="followup-script", **cli.context_settings)
    expected = cli.get_help(stock) + "\n"
    shown = run_cli("--help", env={"COLUMNS": columns}).stdout  # None: not set
    assert shown == expected
    if columns in ("60", "200"):  # COLUMNS counts, up to the content width of 100
        assert stock.make_formatter().width == {"60": 58, "200": 98}[columns]


def test_commands_load_on_demand(cli):
    assert cli("due", "--help").returncode == 0
    assert "--within" in cli("due", "--help").stdout
    result = cli("no-such-command")
    assert result.returncode == 2 and "no-such-command" in result.stderr
