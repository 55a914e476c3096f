"""docs/wizard.md's first session is what the wizard says (#20: docs that cannot drift).

The session is driven with the answers the page shows; the transcript (each question
with its answer, as :mod:`followup_script.wizard.layout` prints it once answered, and
every line the wizard says) is compared with the page, line by line (``...`` elides).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from followup_script.input.config import load
from followup_script.wizard import layout
from followup_script.wizard.flow import Wizard

from .conftest import TODAY
from .test_docs import sample_differs
from .test_wizard import ENTER, drive, new_writer

PAGE = Path(__file__).parent.parent / "docs" / "wizard.md"
HOME = "/home/ana"


def first_session() -> str:
    text = PAGE.read_text()
    block = re.search(r"## A first session\n.*?```text\n\$ followup-script wizard\n(.*?)^```", text, re.S | re.M)
    return block.group(1)


def week_later() -> str:
    """The page's second session: its first two lines, then the session after the name."""
    text = PAGE.read_text()
    found = re.search(r"## A week later\n.*?```text\n\$ followup-script wizard\n(.*?)^```\n\n```text\n(.*?)^```",
                      text, re.S | re.M)
    return "\n".join(found.group(1).split("\n")[:2]) + "\n" + found.group(2)


def test_the_sessions_on_the_page_are_what_the_wizard_says(tmp_path, monkeypatch):
    home = tmp_path / "ana"
    config = home / ".config" / "followup-script" / "config.toml"
    db = home / ".local" / "share" / "followup-script" / "tracker.sqlite3"
    config.parent.mkdir(parents=True)
    monkeypatch.chdir(home)
    said: list[str] = []
    # each answered question, as the wizard prints it once the prompt is erased
    monkeypatch.setattr(layout, "_answered", lambda message, shown, width: said.append(f"? {message} {shown}".rstrip()))

    def echo(line=""):
        said.extend(str(line).split("\n"))

    session = Wizard(new_writer(config), TODAY, db, clipboard=None, echo=echo)
    code = drive(session, "Ana Lima", ENTER, "+1 555 123 4567", ENTER, "ana.lima@example.com", ENTER, "y",
                 "Dana Reyes", ENTER, "Acme Analytics", ENTER, "Data Engineer", ENTER, "i", ENTER,
                 "dana@acme.example", ENTER, ENTER,
                 "g", ENTER, "a", ENTER, "2026-11-20", ENTER,
                 ENTER,  # voicemail
                 "s", ENTER, ENTER,  # the suggested file
                 "l", ENTER, ENTER, "y",
                 "q", ENTER)
    assert code == 0
    transcript = "\n".join(said).replace(str(home), HOME) + "\n"
    differs = sample_differs(first_session(), transcript)
    assert differs is None, f"docs/wizard.md's first session is not what the wizard says:\n{differs}"

    said.clear()  # a week later, the same contact, by email
    saved = load(config)  # the profile the first session saved
    session = Wizard(new_writer(config, saved.data), TODAY + dt.timedelta(days=7), db, clipboard=None, echo=echo)
    code = drive(session, "Dana Reyes", ENTER, ENTER, "I just finished the AWS certification.", ENTER,
                 "2", ENTER, "q", ENTER)
    assert code == 0, "\n".join(said)
    transcript = "\n".join(said).replace(str(home), HOME) + "\n"
    differs = sample_differs(week_later(), transcript)
    assert differs is None, f"docs/wizard.md's session a week later is not what the wizard says:\n{differs}"
