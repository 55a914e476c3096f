"""End-to-end: the installed ``followup-script wizard`` in a real pseudo-terminal (pexpect),
checked by what a person sees; and the command without a terminal."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pexpect
import pytest

from followup_script.tracker.service import Tracker
from followup_script.tracker.store import Store

from .conftest import COMMAND, PROFILE, TODAY

pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


def screen(text: str) -> str:
    """The terminal output without escape sequences: roughly what a person reads."""
    return ANSI.sub("", text)


@pytest.fixture
def paths(tmp_path):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"home": home, "config": home / "config.toml", "db": home / "tracker.sqlite3",
            "cwd": tmp_path}


def spawn(paths, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_SCRIPT_")}
    env.update(HOME=str(paths["home"]), FOLLOWUP_SCRIPT_CONFIG=str(paths["config"]),
               FOLLOWUP_SCRIPT_DB=str(paths["db"]), FOLLOWUP_SCRIPT_LOAD_PLUGINS="",
               TERM="xterm-256color", XDG_CONFIG_HOME=str(paths["home"] / ".config"),
               XDG_DATA_HOME=str(paths["home"] / ".local" / "share"))
    env.pop("DISPLAY", None)
    for name in ("COLUMNS", "LINES"):  # the size is the pseudo-terminal's, not an inherited setting
        env.pop(name, None)
    env.pop("WAYLAND_DISPLAY", None)
    child = pexpect.spawn(COMMAND, list(args), env=env, cwd=str(paths["cwd"]), dimensions=(50, 140),
                          encoding="utf-8", timeout=30)
    child.seen = []

    def remember(data):
        child.seen.append(data)
        for _ in range(data.count("\x1b[6n")):  # answer cursor-position requests, as a terminal does
            child.send("\x1b[1;1R")

    class Log:
        write = staticmethod(remember)
        flush = staticmethod(lambda: None)

    child.logfile_read = Log()
    return child


def prompt_is_back(child, timeout: float = 20) -> None:
    """Wait until the wizard asks again (its prompt has the terminal in raw mode). Keys sent
    before that, while the terminal is in line mode, are the line discipline's: a Ctrl-U
    there erases nothing, and the text typed after it lands after the refused answer."""
    import termios

    deadline = time.monotonic() + timeout
    while termios.tcgetattr(child.child_fd)[3] & termios.ICANON:
        assert time.monotonic() < deadline, "the question was not asked again"
        time.sleep(0.01)


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return screen("".join(child.seen))


def test_a_first_session_in_a_real_terminal(paths):
    child = spawn(paths, "wizard", "--today", "2026-11-25")
    child.expect("Your full name")
    child.sendline("Ana Lima")
    child.expect("Your phone number")
    child.sendline("555 12")  # refused: stays on the question and says why
    child.expect("is not a phone number")
    prompt_is_back(child)
    child.send("\x15")  # clear the line
    child.sendline("+1 555 123 4567")
    child.expect("Your email address")
    child.sendline("ana@example.com")
    child.expect("Save this profile to")
    child.send("y")
    child.expect("their full name")
    child.sendline("Dana Reyes")
    child.expect("Their company")
    child.sendline("Acme Analytics")
    child.expect("The role you are after")
    child.sendline("Data Engineer")
    child.expect("What did you do")
    child.send("\r")
    child.expect("Their email address")
    child.sendline("dana@acme.example")
    child.expect("Their phone number")
    child.sendline("")
    child.expect("What happened last with Dana Reyes")
    child.send("g")
    child.send("\r")
    child.expect("When")
    child.send("a")
    child.send("\r")
    child.expect("Which date")
    child.sendline("2026-11-20")
    child.expect("Which channel")
    child.send("\r")  # voicemail, the default
    child.expect("What now")
    child.send("l")
    child.send("\r")
    child.expect("How did it go")
    child.send("\r")  # I left a message / no answer
    child.expect("Log ")
    child.send("y")
    child.expect("Logged in")
    child.expect("What now")
    child.send("q")
    child.send("\r")
    seen = finish(child)
    assert child.exitstatus == 0, seen[-2000:]
    # the wizard wraps its lines between words, so a long temporary path may start a line
    assert f"Saved your profile to {paths['config']}" in " ".join(seen.split())
    assert "Next: three-day-check (attempt 1), due Monday 23 November 2026, 2 days overdue." in seen
    assert "voicemail: about " in seen and "s to say (budget 30 s)" in seen
    assert "Hi Dana, this is Ana Lima, at five five five, one two three, four five six seven." in seen
    assert "Next: weekly-nudge (attempt 2), due Wednesday 2 December 2026." in seen
    assert "Traceback" not in seen
    profile = tomllib.loads(paths["config"].read_text())["profile"]
    assert profile == {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
    with Tracker(Store.open(paths["db"])) as tracker:
        touches = tracker.store.touches(tracker.find("Dana Reyes").id)
    assert [(t.at, t.via, t.outcome) for t in touches] == [
        (dt.date(2026, 11, 20), "call", "no-commitment"), (TODAY, "voicemail", "no-answer")]


def test_tab_completes_a_tracked_contact_and_the_email_shows_its_subject(paths):
    paths["config"].write_text(
        "[profile]\n" + "".join(f'{k} = "{v}"\n' for k, v in PROFILE.items()))
    with Tracker(Store.open(paths["db"])) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
                             "email": "dana@acme.example", "situation": "interview"})
        tracker.log("Dana Reyes", "no-commitment", via="meeting", at=dt.date(2026, 11, 20), today=TODAY)
    child = spawn(paths, "wizard", "--today", "2026-11-25")
    child.expect("Due now: Dana Reyes")
    child.expect("Who are you following up with")
    child.send("Da")
    child.expect("2 days overdue")  # the completion menu, with the status
    child.send("\t")  # takes the completion
    child.send("\r")
    child.expect("What happened last with Dana Reyes")
    child.expect("Nothing new since Friday 20 November 2026")
    child.send("\r")
    child.expect("Which channel")
    child.send("2")  # email
    child.send("\r")
    child.expect("What now")
    child.send("q")
    child.send("\r")
    seen = finish(child)
    assert child.exitstatus == 0, seen[-2000:]
    assert "Subject: Thank you for the Data Engineer interview at Acme Analytics" in seen
    assert "Next: three-day-check (attempt 1), due Monday 23 November 2026" in seen


def test_bare_command_starts_the_wizard_and_ctrl_c_leaves_with_130_and_nothing_saved(paths):
    """One session checks two things: the command with no command name, on a terminal, is
    the wizard; and Ctrl-C after three answers leaves with 130 and saves nothing."""
    child = spawn(paths, "--today", "2026-11-25")
    child.expect("First, who you are")
    child.expect("Your full name")
    child.sendline("Ana Lima")
    child.expect("Your phone number")
    child.sendline("+1 555 123 4567")
    child.expect("Your email address")
    child.sendline("ana@example.com")
    child.expect("Save this profile to")
    child.send("\x03")
    seen = finish(child)
    assert child.exitstatus == 130, seen[-2000:]
    assert "followup-script: interrupted; nothing was saved" in seen
    assert "Traceback" not in seen
    assert not paths["config"].exists() and not paths["db"].exists()


@pytest.mark.parametrize("args", [["wizard"], ["wizard", "--today", "2026-11-25"]])
def test_without_a_terminal_it_names_the_one_shot_flags(paths, args):
    result = subprocess.run([COMMAND, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=60, cwd=paths["cwd"],
                            env={**os.environ, "FOLLOWUP_SCRIPT_CONFIG": str(paths["config"]),
                                 "FOLLOWUP_SCRIPT_DB": str(paths["db"])})
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("followup-script: error: the wizard needs a terminal and stdin")
    for flag in ("--name", "--last-contact DATE", "--outcome O", "--scheduled-for", "--channel C",
                 "--deliver --yes", "followup-script log NAME"):
        assert flag in line
    assert not paths["config"].exists() and not paths["db"].exists()


def test_the_one_shot_command_does_not_import_questionary(tmp_path):
    code = (
        "import sys\n"
        "import followup_script.cli.app as cli\n"
        "assert 'questionary' not in sys.modules and 'prompt_toolkit' not in sys.modules, 'at import'\n"
        "code = cli.main(['--name', 'Dana Reyes', '--from-name', 'Ana Lima', '--from-phone',"
        " '+1 555 123 4567', '--last-contact', '2026-11-20', '--today', '2026-11-25'])\n"
        "assert code == 0, code\n"
        "assert 'questionary' not in sys.modules and 'prompt_toolkit' not in sys.modules, 'one-shot'\n"
        "print('ok')\n"
    )
    env = {**os.environ, "FOLLOWUP_SCRIPT_CONFIG": str(tmp_path / "c.toml"), "FOLLOWUP_SCRIPT_LOAD_PLUGINS": ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("ok")
    assert "three-day-check" in result.stdout


# -- the layout at 80 and 60 columns, on the screen a terminal shows (pyte) ----------------------


class Terminal:
    """A terminal screen (pyte) fed by the wizard's output, answering cursor-position
    requests with where the cursor really is, as a terminal does."""

    def __init__(self, child, columns: int, rows: int = 24):
        import pyte

        self.child, self.columns = child, columns
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.seen: list[str] = []  # every screen checked, for the message of a failed check

    def feed(self, data: str) -> None:
        parts = data.split("\x1b[6n")
        for number, part in enumerate(parts):
            self.stream.feed(part)
            if number < len(parts) - 1:
                y, x = self.screen.cursor.y, self.screen.cursor.x
                self.child.send(f"\x1b[{y + 1};{x + 1}R")

    def text(self) -> str:
        """What the screen says, rows joined (a wrapped sentence reads as one)."""
        return " ".join(" ".join(row.split()) for row in self.screen.display if row.strip())

    def wait_for(self, *texts: str, timeout: float = 20) -> str:

        deadline = time.monotonic() + timeout
        while not all(" ".join(t.split()) in self.text() for t in texts):
            if time.monotonic() > deadline:
                raise AssertionError(f"{texts} not on the screen:\n" + "\n".join(self.screen.display))
            try:
                self.child.read_nonblocking(4096, timeout=0.1)
            except pexpect.TIMEOUT:
                pass
        return self.text()

    def check_fits(self) -> None:
        """No row reaches the last column: the terminal never split a word or cut a line."""
        rows = self.screen.display
        self.seen.append("\n".join(rows))
        over = [row for row in rows if row.rstrip() and len(row.rstrip()) >= self.columns]
        assert not over, "a row reaches the last column:\n" + "\n".join(rows)


@pytest.mark.parametrize("columns", [80, 60])
def test_the_wizard_fits_the_terminal_width(columns):
    import shutil
    import tempfile

    from followup_script.plugins.manager import build_plugin_manager
    from followup_script.wizard.questions import other_date

    short = Path(tempfile.mkdtemp(prefix="w", dir="/tmp"))  # a path as short as a real one (~/.config/...)
    try:
        _fits(columns, {"home": short, "cwd": short, "config": short / "config.toml", "db": short / "t.sqlite3"},
              build_plugin_manager, other_date)
    finally:
        shutil.rmtree(short, ignore_errors=True)


def _fits(columns, paths, build_plugin_manager, other_date):
    paths["config"].write_text("[profile]\n" + "".join(f'{k} = "{v}"\n' for k, v in PROFILE.items()))
    with Tracker(Store.open(paths["db"])) as tracker:
        tracker.add_contact({"name": "Seán Murphy", "company": "Fabrikam Worldwide Industrial Holdings",
                             "role": "Senior Data Platform Engineer", "email": "sean@fabrikam.example"})
        tracker.log("Seán Murphy", "no-commitment", via="call", at=dt.date(2026, 11, 20), today=TODAY)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_SCRIPT_")}
    env.update(HOME=str(paths["home"]), FOLLOWUP_SCRIPT_CONFIG=str(paths["config"]),
               FOLLOWUP_SCRIPT_DB=str(paths["db"]), FOLLOWUP_SCRIPT_LOAD_PLUGINS="", TERM="xterm-256color",
               XDG_CONFIG_HOME=str(paths["home"] / ".config"), XDG_DATA_HOME=str(paths["home"] / ".local/share"))
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    child = pexpect.spawn(COMMAND, ["wizard", "--today", "2026-11-30"], env=env, cwd=str(paths["cwd"]),
                          dimensions=(24, columns), encoding="utf-8", timeout=30)
    term = Terminal(child, columns)

    class Log:
        write = staticmethod(term.feed)
        flush = staticmethod(lambda: None)

    child.logfile_read = Log()
    today = dt.date(2026, 11, 30)
    term.wait_for("Who are you following up with?")
    term.check_fits()
    child.sendline("Seán Murphy")
    term.wait_for("What happened last with Seán Murphy", "They asked me to stop")
    term.check_fits()
    child.send("g")
    child.send("\r")
    term.wait_for("When?", "Another date")
    term.check_fits()
    child.send("a")
    child.send("\r")
    term.wait_for("Which date")
    child.sendline("2026-11-")  # refused: the reason, in full, under the question
    term.wait_for(other_date(today).check("2026-11-"))
    term.check_fits()
    prompt_is_back(child)
    child.send("\x15")
    child.sendline("2026-11-27")
    channels = build_plugin_manager(load_entrypoints=False).channels.values()
    term.wait_for("Which channel", *(f"{c.name}: {c.description}" for c in channels))  # no choice cut
    screen_text = term.text()
    assert "Next: three-day-check" in screen_text and "Why:" in screen_text  # the plan preview, whole
    term.check_fits()
    child.send("\r")  # voicemail
    term.wait_for("What now?", "Quit")
    term.check_fits()
    child.send("q")
    child.send("\r")
    term.wait_for("Keep ")
    term.check_fits()
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
