"""The tracker's commands, end to end through the command line, run in process (``cli``).

Two tests start the installed command: a reader that stops early (a real pipe) and two
command lines logging at once (two processes on one tracker file).
"""

import json
import os
import sqlite3
import subprocess
import textwrap

import icalendar
import pytest

from tests.conftest import COMMAND, ok

T = "--today"
TODAY = "2026-11-25"

DROP_PLUGIN = textwrap.dedent("""
    import os
    from pathlib import Path

    from followup_script import Channel, Receipt, hookimpl


    def deliver(message, context):
        folder = Path(os.environ["DROP_DIR"])
        number = len(list(folder.glob("*.txt"))) + 1
        path = folder / f"{number}.txt"
        path.write_text(message.text)
        return Receipt(channel=message.channel, id=f"drop-{number}", path=str(path),
                       contact_stopped=message.contact.get("name") == "Opt Out")


    @hookimpl
    def register_channels(register):
        register(Channel(name="drop", description="Writes each message to a folder", kind="voicemail",
                         deliver=deliver))
""")


@pytest.fixture
def home(isolated_home):
    (isolated_home / "config.toml").write_text(
        '[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\nemail = "ana@example.com"\n'
        'callback_window = "any weekday between 9 and 5"\n'
    )
    return isolated_home



def fails(cli, code, *args, **kwargs):
    result = cli(*args, **kwargs)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("followup-script: error: "), result.stderr
    return lines[0]


def touches(home):
    conn = sqlite3.connect(home / "tracker.sqlite3")
    try:
        return conn.execute("SELECT count(*) FROM touches").fetchone()[0]
    finally:
        conn.close()


def setup_people(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
       "--email", "dana@acme.example")
    ok(cli, "contact", "add", "Sam Lee", "--company", "Beta", "--role", "Analyst")
    ok(cli, "contact", "add", "Sam Ortiz", "--company", "Gamma", "--role", "Data Analyst")
    ok(cli, "log", "dana", "--outcome", "no-commitment", "--date", "2026-11-20", T, TODAY)
    ok(cli, "log", "sam lee", "--outcome", "scheduled", "--next", "2026-11-24 10:30", "--date", "2026-11-18",
       T, TODAY)
    ok(cli, "log", "ortiz", "--via", "voicemail", "--outcome", "no-answer", "--date", "2026-11-10", T, TODAY)


def test_the_whole_flow(cli, home):
    setup_people(cli)
    due = ok(cli, "due", T, TODAY).stdout.splitlines()
    assert due[0].split() == ["NAME", "COMPANY", "STAGE", "DUE", "STATUS"]
    assert [line.split("  ")[0] for line in due[1:]] == ["Sam Ortiz", "Dana Reyes", "Sam Lee"]
    assert due[1].endswith("  8 days overdue") and "weekly-nudge" in due[1]
    rows = json.loads(ok(cli, "due", T, TODAY, "--json").stdout)
    assert [(r["name"], r["stage"], r["overdue_days"]) for r in rows] == [
        ("Sam Ortiz", "weekly-nudge", 8), ("Dana Reyes", "three-day-check", 2),
        ("Sam Lee", "missed-call", 0)]  # agreed for yesterday, nothing logged: a missed call, due today

    shown = ok(cli, "contact", "show", "Dana", T, TODAY).stdout
    assert "2026-11-20  call       no-commitment" in shown and "three-day-check (attempt 1)" in shown

    why = ok(cli, "why", "Dana", T, TODAY).stdout
    assert "Rule:" in why and "check in 3 days" in why
    assert "last conversation  Friday 20 November 2026, call, no-commitment" in why
    assert "Next 8 weeks if nobody replies:" in why
    assert why.count("weekly-nudge (attempt") == 7  # 8 weeks, 8 steps: the check due now, then 7 nudges

    script = ok(cli, "next", "Dana", T, TODAY).stdout
    assert "Stage:   three-day-check" in script and "Ana Lima" in script and "Acme Analytics" in script
    email = ok(cli, "next", "Dana", "--channel", "email", "--format", "json", T, TODAY).stdout
    assert json.loads(email)["subject"]

    ok(cli, "log", "Dana", "--via", "voicemail", "--outcome", "no-answer", T, TODAY)
    assert "weekly-nudge (attempt 2) on Wednesday 2 December 2026" in ok(cli, "contact", "show", "Dana", T, TODAY).stdout
    listing = [json.loads(line) for line in ok(cli, "contact", "list", "--json", T, TODAY).stdout.splitlines()]
    assert [c["name"] for c in listing] == ["Dana Reyes", "Sam Lee", "Sam Ortiz"]


@pytest.mark.e2e
def test_due_render_streams_one_script_per_contact(cli, home):
    setup_people(cli)
    result = ok(cli, "due", T, TODAY, "--render", "--channel", "call", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["name"] for r in rows] == ["Sam Ortiz", "Dana Reyes", "Sam Lee"]
    assert all(r["script"] and r["channel"] == "call" for r in rows)
    text = ok(cli, "due", T, TODAY, "--render").stdout
    assert text.index("== Sam Ortiz (Gamma) ==") < text.index("== Dana Reyes") < text.index("== Sam Lee")
    # streaming: the first script reaches a reader who stops early, without a traceback
    # (a real pipe that closes: only a subprocess shows it)
    proc = subprocess.Popen([COMMAND, "due", T, TODAY, "--render"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    first = proc.stdout.readline()
    proc.stdout.close()
    proc.wait(timeout=30)
    assert first.startswith("== Sam Ortiz")
    assert "Traceback" not in proc.stderr.read()


def test_stop_blocks_everything_until_unstop(cli, home, tmp_path):
    setup_people(cli)
    ok(cli, "stop", "ortiz", "--note", "asked not to call", T, TODAY)
    assert "Sam Ortiz" not in ok(cli, "due", T, TODAY).stdout
    drop = tmp_path / "drop"
    drop.mkdir()
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "drop.py").write_text(DROP_PLUGIN)
    env = {"DROP_DIR": str(drop)}
    line = fails(cli, 4, "--plugins-dir", plugins, "next", "ortiz", "--channel", "drop", "--deliver", "--yes",
                 T, TODAY, env=env)
    assert "asked not to be contacted" in line
    assert list(drop.iterdir()) == []
    ok(cli, "contact", "edit", "ortiz", "--company", "Gamma Labs")
    assert "since 2026-11-25 (asked not to call)" in ok(cli, "contact", "show", "ortiz").stdout
    ok(cli, "unstop", "ortiz", T, TODAY)
    assert "Sam Ortiz" in ok(cli, "due", T, TODAY).stdout


def test_next_deliver_logs_the_touch_and_moves_the_plan(cli, home, tmp_path):
    setup_people(cli)
    ok(cli, "contact", "add", "Opt Out", "--company", "Delta")
    ok(cli, "log", "Opt Out", "--outcome", "no-commitment", "--date", "2026-11-20", T, TODAY)
    drop, plugins = tmp_path / "drop", tmp_path / "plugins"
    drop.mkdir()
    plugins.mkdir()
    (plugins / "drop.py").write_text(DROP_PLUGIN)
    env = {"DROP_DIR": str(drop)}
    fails(cli, 2, "--plugins-dir", plugins, "next", "Dana", "--channel", "drop", "--deliver", T, TODAY, env=env)
    assert list(drop.iterdir()) == [] and touches(home) == 4  # no terminal, no --yes: nothing sent
    result = ok(cli, "--plugins-dir", plugins, "next", "Dana", "--channel", "drop", "--deliver", "--yes",
                T, TODAY, env=env)
    assert "Delivered: id=drop-1" in result.stdout
    assert (drop / "1.txt").read_text().startswith("Hi Dana")
    show = ok(cli, "contact", "show", "Dana", T, TODAY).stdout
    assert "2026-11-25  voicemail  no-answer" in show and "delivered by drop: drop-1" in show
    assert "weekly-nudge (attempt 2) on Wednesday 2 December 2026" in show
    # the channel learned they opted out: they are stopped from now on
    result = ok(cli, "--plugins-dir", plugins, "next", "Opt Out", "--channel", "drop", "--deliver", "--yes",
                T, TODAY, env=env)
    assert "opted out" in result.stderr
    assert "stopped" in ok(cli, "contact", "show", "Opt Out", T, TODAY).stdout
    fails(cli, 4, "--plugins-dir", plugins, "next", "Opt Out", "--channel", "drop", "--deliver", "--yes",
          T, TODAY, env=env)
    assert len(list(drop.iterdir())) == 2


@pytest.mark.parametrize("args, fragment", [
    (["log", "Robin", "--outcome", "no-answer"], "no contact matches 'Robin'"),
    (["log", "sam", "--outcome", "no-answer"], "'sam' matches 2 contacts: Sam Lee (Beta); Sam Ortiz (Gamma)"),
    (["log", "Dana", "--outcome", "no-answer", "--date", "2026-02-30"], "--date '2026-02-30' is not a date"),
    (["log", "Dana", "--outcome", "later"], "--outcome 'later' is not known"),
    (["log", "Dana", "--outcome", "scheduled"], "--next is missing: outcome 'scheduled' needs the agreed time"),
    (["due", "--today", "someday"], "--today 'someday' is not a date"),
    (["why", "nobody"], "no contact matches"),
    (["next", "sam"], "matches 2 contacts"),
    (["contact", "add", "dana reyes"], "already exists"),
    (["contact", "add", "Kim", "--email", "kim(at)example"], "not an email address"),
    (["contact", "remove", "Dana"], "needs --yes"),
])
def test_bad_input_is_one_line_and_exit_2(cli, home, args, fragment):
    setup_people(cli)
    before = touches(home)
    line = fails(cli, 2, *args)
    assert fragment in line
    assert touches(home) == before
    assert len(ok(cli, "contact", "list").stdout.splitlines()) == 1 + 3  # the header and 3 contacts


def test_bad_import_rows_change_nothing(cli, home, tmp_path):
    setup_people(cli)
    bad = tmp_path / "people.csv"
    bad.write_text("name,company,date,outcome\nNew One,Zeta,2026-11-20,no-commitment\n"
                   "New Two,Zeta,2026-11-31,no-commitment\nNew Three,Zeta,2026-11-20,maybe\n")
    line = fails(cli, 2, "import", bad)
    assert "2 bad row(s): line 3: date '2026-11-31'" in line and "line 4: outcome 'maybe'" in line
    assert "New One" not in ok(cli, "contact", "list").stdout


def test_export_import_and_dry_run(cli, home, tmp_path):
    setup_people(cli)
    ok(cli, "stop", "Sam Lee", T, TODAY)
    exported = tmp_path / "all.json"
    ok(cli, "export", "--output", exported)
    other = {"FOLLOWUP_SCRIPT_DB": str(tmp_path / "other.sqlite3")}
    dry = ok(cli, "import", exported, "--dry-run", env=other).stdout
    assert "would add contact Dana Reyes" in dry and "would stop Sam Lee" in dry
    assert dry.strip().endswith("3 contacts added, 3 touches added, 1 stops set")
    assert "Dana" not in ok(cli, "contact", "list", env=other).stdout
    ok(cli, "import", exported, env=other)
    assert ok(cli, "export", env=other).stdout == exported.read_text()
    ok(cli, "unstop", "Sam Lee")
    ok(cli, "contact", "remove", "Sam Ortiz", "--yes")
    assert "Sam Ortiz" not in ok(cli, "contact", "list").stdout


def test_calendar_file(cli, home, tmp_path):
    setup_people(cli)
    ok(cli, "log", "Sam Lee", "--outcome", "replied", T, TODAY)
    out = tmp_path / "followups.ics"
    ok(cli, "calendar", "--output", out, T, TODAY, "--weeks", "6")
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert len(events) == 6 and len({str(e["UID"]) for e in events}) == 6
    cancelled = [e for e in events if str(e.get("STATUS")) == "CANCELLED"]
    assert len(cancelled) == 2 and all("Sam Lee" in str(e["SUMMARY"]) for e in cancelled)
    series = [e for e in events if e.get("RRULE")]
    assert len(series) == 2 and all(e["RRULE"]["COUNT"] == [6] for e in series)
    again = ok(cli, "calendar", T, TODAY, "--weeks", "6").stdout
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(again).walk("VEVENT")} == \
        {str(e["UID"]) for e in events}


@pytest.mark.e2e
def test_two_command_lines_logging_at_once(cli, home, tmp_path):
    ok(cli, "contact", "add", "Dana Reyes")
    script = tmp_path / "loop.sh"
    script.write_text(f'for i in $(seq 1 8); do "{COMMAND}" log Dana --via email --outcome no-answer '
                      f'--note "$1 $i" || exit 1; done\n')
    procs = [subprocess.Popen(["bash", str(script), who], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env=dict(os.environ)) for who in ("one", "two")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
    assert touches(home) == 16


def test_a_newer_tracker_file_is_refused(cli, home, tmp_path):
    path = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    line = fails(cli, 2, "contact", "list", "--db", path)
    assert "newer followup-script" in line and "upgrade" in line
