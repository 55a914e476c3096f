"""Issue 14, problem 2: every relative word a script says ("today", "yesterday", "on Friday")
is worked out from the day the message will be read (compose.scriptwriter.reading_day): the
day it is due; today when it is delivered now, is due today or is late.

The dates: Friday 20 November 2026 is the last contact in most cases, Monday 23 November the
day the follow-up is due. Each ``test_problem_2_...`` failed on the code before the fix
(commit 38c2bfe, where every word counted from the day the script was generated) and passes
after.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from followup_script import Channel, History, Receipt, Scriptwriter, hookimpl
from followup_script.compose.scriptwriter import reading_day
from followup_script.engine.stages import Outcome, Situation, plan
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.tracker.service import Tracker
from followup_script.tracker.store import Store
from followup_script.wizard.flow import Wizard
from tests.conftest import ok

from .conftest import PROFILE as PROFILE_VALUES

D = dt.date.fromisoformat
FRIDAY, MONDAY = D("2026-11-20"), D("2026-11-23")
PROFILE = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]
DANA = ["--name", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
        "--phone", "+1 555 987 6543", "--email", "dana@acme.example"]
ENTER = "\r"

# A channel that delivers by writing the script into a folder (DROP_DIR), as a voicemail.
DROP_PLUGIN = textwrap.dedent("""
    import os
    from pathlib import Path

    from followup_script import Channel, Receipt, hookimpl


    def deliver(message, context):
        path = Path(os.environ["DROP_DIR"]) / f"{context.key}.txt"
        path.write_text(message.text)
        return Receipt(channel=message.channel, id=context.key, path=str(path))


    @hookimpl
    def register_channels(register):
        register(Channel(name="drop", description="Writes each message to a folder", kind="voicemail",
                         deliver=deliver))
""")



@pytest.fixture
def drop(tmp_path):
    """``--plugins-dir`` with the drop channel, and the env naming its folder."""
    folder, plugins = tmp_path / "drop", tmp_path / "plugins"
    folder.mkdir()
    plugins.mkdir()
    (plugins / "drop.py").write_text(DROP_PLUGIN)
    return folder, ["--plugins-dir", str(plugins)], {"DROP_DIR": str(folder)}


def dropped(folder) -> str:
    (card,) = folder.iterdir()
    return card.read_text()


# -- the rule ---------------------------------------------------------------------------------------


def test_reading_day_is_the_due_day_until_it_comes_then_today():
    three_day_check = plan(History(FRIDAY, "no-commitment"), FRIDAY)
    assert three_day_check.due == MONDAY
    assert reading_day(three_day_check, FRIDAY) == MONDAY  # written early: Monday's words
    assert reading_day(three_day_check, FRIDAY, delivering=True) == FRIDAY  # it goes now
    assert reading_day(three_day_check, MONDAY) == MONDAY
    late = D("2026-11-25")
    assert reading_day(plan(History(FRIDAY, "no-commitment"), late), late) == late  # late: today's
    done = plan(History(FRIDAY, "replied"), FRIDAY)
    assert done.due is None and reading_day(done, FRIDAY) == FRIDAY


@given(last=st.dates(D("2025-01-01"), D("2027-12-31")), later=st.integers(0, 40),
       outcome=st.sampled_from([o for o in Outcome if o is not Outcome.SCHEDULED]),
       attempts=st.integers(0, 3), delivering=st.booleans())
def test_reading_day_is_never_before_today_nor_after_the_due_day(last, later, outcome, attempts, delivering):
    today = last + dt.timedelta(days=later)
    found = plan(History(last, outcome, attempts=attempts), today)
    day = reading_day(found, today, delivering)
    assert day >= today
    assert day == today or (not delivering and day == found.due)


# -- problem 2, through every front end ---------------------------------------------------------------

# what "today" may be about in a call agreed for the day it is read: the call itself
AGREED_CALL_TODAY = re.compile(r"(making time|calling|What time|reaching out) today")
SCENARIOS = {  # written on Friday, the last contact; due Monday (the weekly nudges the Friday after)
    "three-day-check": ["--outcome", "no-commitment"],
    "weekly-nudge": ["--outcome", "no-commitment", "--attempts", "1"],
    "weekly-nudge after no answer": ["--outcome", "no-answer"],
    "scheduled-call at a time": ["--outcome", "scheduled", "--scheduled-for", "2026-11-23 10:00"],
    "scheduled-call on a day": ["--outcome", "scheduled", "--scheduled-for", "2026-11-23"],
}
CHANNELS = ["voicemail", "call", "email", "sms"]  # the built-in channels and the SMS plugin's


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("situation", [s.value for s in Situation])
def test_problem_2_a_script_written_on_the_last_contact_day_for_later_never_says_today_or_yesterday_about_it(
        cli, channel, situation):
    env = {"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-sms"} if channel == "sms" else None
    for name, args in SCENARIOS.items():
        out = json.loads(ok(cli, *PROFILE, *DANA, "--situation", situation, "--last-contact", "2026-11-20",
                            *args, "--channel", channel, "--format", "json", "--today", "2026-11-20",
                            env=env).stdout)
        assert out["due"] > "2026-11-20", name
        script = "\n".join(filter(None, [out["subject"], out["script"]]))
        about_the_last_contact = AGREED_CALL_TODAY.sub("", script) if out["stage"] == "scheduled-call" else script
        assert not re.search(r"\b(today|yesterday|tomorrow)\b", about_the_last_contact, re.I), (name, script)
        if out["stage"] == "three-day-check" and (situation != "application" or channel == "email"):
            assert re.search(r"\bon\s+Friday\b", script), (name, script)  # the template says when it was
        if name == "scheduled-call on a day" and channel != "email":  # the email confirms it beforehand
            assert re.search(r"As you suggested, I'm (calling|reaching out) today", script), script  # its day


def test_problem_2_due_within_7_render_words_each_script_for_its_due_day(cli):
    ok(cli, "contact", "add", "Kim Park", "--company", "Acme Analytics", "--role", "Data Engineer")
    ok(cli, "log", "kim", "--outcome", "no-commitment", "--date", "2026-11-20", "--today", "2026-11-20")
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
       "--situation", "interview")
    ok(cli, "log", "dana", "--via", "meeting", "--outcome", "no-commitment", "--date", "2026-11-20",
       "--today", "2026-11-20")
    ok(cli, "contact", "add", "Lee Ortiz", "--company", "Beta Labs", "--situation", "interview")
    ok(cli, "log", "lee", "--outcome", "no-commitment", "--date", "2026-11-10", "--today", "2026-11-10")
    lines = ok(cli, *PROFILE, "due", "--within", "7", "--render", "--channel", "email", "--format", "jsonl",
               "--today", "2026-11-20").stdout.splitlines()
    rendered = {row["name"]: row for row in map(json.loads, lines)}
    assert {name: row["due"] for name, row in rendered.items()} == {
        "Kim Park": "2026-11-23", "Dana Reyes": "2026-11-23", "Lee Ortiz": "2026-11-13"}
    # due Monday: Monday's words, where Friday is "on Friday"
    assert "which I sent on Friday." in rendered["Kim Park"]["script"]
    assert "Thank you again for our interview on Friday" in rendered["Dana Reyes"]["script"]
    # due a week ago: today's words (from its due day, Friday 13th, the 10th would be "on Tuesday")
    assert "Thank you again for our interview on Tuesday 10 November" in rendered["Lee Ortiz"]["script"]
    for row in rendered.values():
        assert not re.search(r"\b(today|yesterday)\b", row["script"]), row["script"]
    text = ok(cli, *PROFILE, "due", "--within", "7", "--render", "--channel", "email",
              "--today", "2026-11-20").stdout
    assert "which I sent on Friday." in text and "which I sent today" not in text


def test_problem_2_next_prints_the_due_days_words_and_next_deliver_says_todays(cli, drop):
    folder, plugins_dir, env = drop
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
       "--situation", "interview")
    ok(cli, "log", "dana", "--via", "meeting", "--outcome", "no-commitment", "--date", "2026-11-19",
       "--today", "2026-11-19")  # Thursday: due Sunday, so Monday
    printed = json.loads(ok(cli, *PROFILE, *plugins_dir, "next", "dana", "--channel", "drop", "--format",
                            "json", "--today", "2026-11-20", env=env).stdout)
    assert printed["due"] == "2026-11-23"
    assert "Thank you again for our interview on Thursday" in printed["script"]  # read on Monday
    assert "yesterday" not in printed["script"]
    ok(cli, *PROFILE, *plugins_dir, "next", "dana", "--channel", "drop", "--deliver", "--yes",
       "--today", "2026-11-20", env=env)
    delivered = dropped(folder)  # it went on Friday: Friday's words
    assert "Thank you again for our interview yesterday" in delivered
    assert "on Thursday" not in delivered


def test_problem_2_a_one_shot_delivered_now_is_worded_for_today(cli, drop):
    folder, plugins_dir, env = drop
    args = [*PROFILE, *plugins_dir, *DANA, "--situation", "interview", "--last-contact", "2026-11-19",
            "--outcome", "no-commitment", "--channel", "drop", "--today", "2026-11-20"]
    printed = ok(cli, *args, env=env).stdout
    assert "Due:     Monday 23 November 2026" in printed
    assert "Thank you again for our interview on Thursday" in printed
    ok(cli, *args, "--deliver", "--yes", env=env)
    assert "Thank you again for our interview yesterday" in dropped(folder)


def test_problem_2_batch_words_each_row_for_its_due_day(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,situation,last_contact,outcome\n"
                    "Dana Reyes,Acme Analytics,interview,2026-11-20,no-commitment\n"
                    "Lee Ortiz,Beta Labs,interview,2026-11-10,no-commitment\n")
    written = ok(cli, *PROFILE, "batch", str(rows), "--today", "2026-11-20").stdout.splitlines()
    dana, lee = (json.loads(line) for line in written)
    assert (dana["line"], dana["due"], lee["line"], lee["due"]) == (2, "2026-11-23", 3, "2026-11-13")
    assert "Thank you again for our interview on Friday" in dana["script"]  # due Monday
    assert "Thank you again for our interview on Tuesday 10 November" in lee["script"]  # late: today's


# -- the wizard ---------------------------------------------------------------------------------------


def drive(session: Wizard, *keys: str) -> int:
    with create_pipe_input() as pipe:
        pipe.send_text("".join(keys))
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            return session.run()


class DropChannel:
    """The drop channel as an in-process plugin: delivered scripts are kept in ``sent``."""

    def __init__(self):
        self.sent: list[str] = []

    @hookimpl
    def register_channels(self, register):
        def deliver(message, context):
            self.sent.append(message.text)
            return Receipt(channel=message.channel, id=f"drop-{len(self.sent)}")

        register(Channel(name="drop", description="Keeps each message", kind="voicemail", deliver=deliver))


def wizard_on_monday(tmp_path, extra=(), channel=None) -> Wizard:
    """Dana (networking) talked on Sunday 22 November and will get back: the three-day check is
    due Wednesday 25 November; the wizard runs on Monday 23 November."""
    db = tmp_path / "t.sqlite3"
    with Tracker(Store.open(db)) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
                             "situation": "networking"})
        tracker.log("Dana Reyes", "no-commitment", via="call", at=D("2026-11-22"), today=D("2026-11-22"))
    writer = Scriptwriter(Config(tmp_path / "c.toml", {"profile": dict(PROFILE_VALUES)}),
                          build_plugin_manager(load_entrypoints=False, extra=list(extra)))
    return Wizard(writer, MONDAY, db, clipboard=None, channel=channel)


def test_problem_2_the_wizard_on_monday_words_wednesdays_script_for_wednesday(tmp_path, capsys):
    session = wizard_on_monday(tmp_path, channel="voicemail")
    code = drive(session, "Dana Reyes", ENTER, ENTER,  # nothing new
                 ENTER,  # voicemail
                 "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert "Next: three-day-check (attempt 1), due Wednesday 25 November 2026" in out
    assert "Thank you for our talk on Sunday" in out
    assert "yesterday" not in out
    assert "Worded for Wednesday 25 November 2026, the day it is due." in out  # a voicemail is not delivered


def test_problem_2_the_wizard_delivers_in_todays_words(tmp_path, capsys):
    plugin = DropChannel()
    session = wizard_on_monday(tmp_path, extra=[plugin], channel="drop")
    code = drive(session, "Dana Reyes", ENTER, ENTER, ENTER,  # nothing new, the drop channel
                 "d", ENTER, "y",  # deliver: yes
                 "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    shown, _, then = out.partition("Delivered now, it is worded for today:")
    assert "Worded for Wednesday 25 November 2026, the day it is due (delivered now, it says today's words)." \
        in shown
    assert "Thank you for our talk on Sunday" in shown
    assert "Thank you for our talk yesterday" in then
    assert "Worded for" not in then
    (sent,) = plugin.sent
    assert "Thank you for our talk yesterday" in sent
