"""Smoke: every top-level command, and every plugin command group, once through the
installed ``followup-script`` entry point in a subprocess.

Everything else drives the command line in process (conftest's ``cli``), which is what
the entry point calls; these prove the entry point itself, the packaging and a real
process's start-up, exit code and streams. Any state a command needs (a profile, a
tracked contact) is set up in process first, so each test starts exactly one process.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_cli, run_installed

pytestmark = pytest.mark.e2e

T = ("--today", "2026-11-25")
PROFILE = '[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\nemail = "ana@example.com"\n'


def seed(home, *steps):
    (home / "config.toml").write_text(PROFILE, encoding="utf-8")
    for step in steps:
        done = run_cli(*step)
        assert done.returncode == 0, (step, done.stderr)


DANA = ("contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer")
LOGGED = ("log", "Dana", "--outcome", "no-commitment", "--date", "2026-11-20", *T)
STOPPED = ("stop", "Dana", *T)
SNOOZED = ("snooze", "Dana", "--until", "2026-12-14", *T)

# (command, seeding steps, argv, exit code, text expected in stdout, or in stderr when "err:...")
SMOKE = [
    ("one-shot", [], ["--name", "Dana Reyes", "--company", "Acme Analytics", "--last-contact", "2026-11-20", *T],
     0, "Stage:   three-day-check (attempt 1)"),
    ("batch", [], ["batch", "{rows}", *T], 0, '"stage": "three-day-check"'),
    ("calendar", [DANA, LOGGED], ["calendar", *T], 0, "BEGIN:VCALENDAR"),
    ("channels", [], ["channels"], 0, "voicemail  voicemail  prints"),
    ("config", [], ["config"], 0, 'name = "Ana Lima"'),
    ("contact", [], [*DANA], 0, "added Dana Reyes (Acme Analytics)"),
    ("due", [DANA, LOGGED], ["due", *T], 0, "three-day-check"),
    ("export", [DANA, LOGGED], ["export"], 0, '"format": "followup-script"'),
    ("import", [], ["import", "{touches}", *T], 0, "imported: 1 contacts added, 1 touches added"),
    ("install", [], ["install"], 2, "err:followup-script: error: say which plugin to install"),
    ("log", [DANA], [*LOGGED], 0, "logged Friday 20 November 2026: call, no-commitment with Dana Reyes"),
    ("next", [DANA, LOGGED], ["next", "Dana", *T], 0, "Stage:   three-day-check (attempt 1)"),
    ("plugin", [], ["plugin", "new", "Bad Name"], 2, "err:plugin name 'Bad Name' is not one"),
    ("plugins", [], ["plugins"], 0, '"plugins": []'),
    ("snooze", [DANA, LOGGED], [*SNOOZED], 0, "snoozed Dana Reyes (Acme Analytics) until Monday 14 December 2026"),
    ("stop", [DANA, LOGGED], [*STOPPED], 0, "stopped Dana Reyes (Acme Analytics) since 2026-11-25"),
    ("sync", [DANA, LOGGED], ["sync", *T], 2, "err:followup-script: error: no inbox is set up for sync"),
    ("templates", [], ["templates", "list"], 0, "voicemail/three-day-check.txt.j2"),
    ("touch", [DANA, LOGGED], ["touch", "list", "Dana"], 0, " 1  2026-11-20  call  no-commitment"),
    ("undo", [DANA, LOGGED], ["undo", "Dana", "--yes", *T], 0, "removed the last touch with Dana Reyes"),
    ("uninstall", [], ["uninstall", "followup-script"], 2, "err:followup-script cannot uninstall itself"),
    ("unsnooze", [DANA, LOGGED, SNOOZED], ["unsnooze", "Dana", *T], 0, "ended the snooze on Dana Reyes"),
    ("unstop", [DANA, LOGGED, STOPPED], ["unstop", "Dana", *T], 0, "lifted the stop on Dana Reyes"),
    ("why", [DANA, LOGGED], ["why", "Dana", *T], 0, "Rule:"),
    ("wizard", [], ["wizard"], 2, "err:followup-script: error: the wizard needs a terminal"),
]


def test_every_top_level_command_has_a_smoke_test():
    """A new command gets a row in SMOKE (the listing is the one --help prints)."""
    listed = run_cli("--help").stdout.split("Commands:\n", 1)[1]
    commands = set(re.findall(r"^  (\S+)", listed, re.M))
    assert commands == {row[0] for row in SMOKE} - {"one-shot"}


@pytest.mark.parametrize("name, steps, argv, code, expected", SMOKE, ids=[row[0] for row in SMOKE])
def test_installed_command(name, steps, argv, code, expected, isolated_home, tmp_path):
    seed(isolated_home, *steps)
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,last_contact\nDana Reyes,Acme Analytics,2026-11-20\n", encoding="utf-8")
    touches = tmp_path / "touches.csv"
    touches.write_text("name,date,outcome\nSam Lee,2026-11-20,no-answer\n", encoding="utf-8")
    args = [a.format(rows=rows, touches=touches) for a in argv]
    result = run_installed(*args)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    if expected.startswith("err:"):
        assert expected[4:] in result.stderr and result.stdout == ""
    else:
        assert expected in result.stdout, result.stdout + result.stderr


def test_installed_gmail_commands(isolated_home):
    result = run_installed("gmail", "status", env={"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-gmail"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Not logged in to Gmail")
    assert "followup-script gmail login --client-secrets FILE" in result.stdout


def test_installed_postcard_commands(tmp_path):
    (tmp_path / "0001-dana.txt").write_text("Hi Dana\n", encoding="utf-8")
    result = run_installed("postcard-outbox", tmp_path,
                           env={"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-postcard"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0001-dana.txt\n"


def test_installed_command_says_a_bad_value_in_one_line():
    """Exit 2, one line on stderr, nothing on stdout, from a real process."""
    result = run_installed("--last-contact", "20/11/2026")
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("followup-script: error: ") and "'20/11/2026'" in line
