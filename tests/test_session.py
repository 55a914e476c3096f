"""The command line's Session: each setting the commands share is worked out once, the same
way for every command."""

from __future__ import annotations

import datetime as dt
import json

import click
import pytest

from followup_script.channels.base import Message
from followup_script.cli import main
from followup_script.cli.session import Session
from followup_script.engine.stages import History, Outcome, plan
from followup_script.errors import InputError, PluginError
from followup_script.input import config as config_module
from followup_script.plugins import manager

from .conftest import PROFILE, TODAY

PROFILE_TOML = "".join(f'{k} = "{v}"\n' for k, v in PROFILE.items())


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[profile]\n" + PROFILE_TOML)
    return path


def session(**params) -> Session:
    return Session(params)


# -- settings ------------------------------------------------------------------------------------


def test_the_config_is_read_once(config_file, monkeypatch):
    reads = []
    real = config_module.load
    monkeypatch.setattr(config_module, "load", lambda path=None: reads.append(path) or real(path))
    run = session(config_path=str(config_file), from_name="Sam Lee")
    assert run.config.profile["name"] == "Ana Lima"
    assert run.profile["name"] == "Sam Lee"
    assert run.business_days() is True
    run.writer()
    assert reads == [str(config_file)]


def test_profile_overrides_are_checked_and_applied(config_file):
    run = session(config_path=str(config_file), from_phone="+1  555 000   1111", from_email=" sam@x.io ")
    assert run.profile == {**PROFILE, "phone": "+1 555 000 1111", "email": "sam@x.io"}
    assert run.config.profile == PROFILE, "the config itself is left as it is on disk"
    assert run.writer().config.profile == run.profile, "the writer writes with the overridden profile"
    with pytest.raises(InputError) as phone:
        session(config_path=str(config_file), from_phone="555").profile  # noqa: B018
    assert (phone.value.field, phone.value.value, phone.value.problem) == ("from_phone", "555", "is not a phone number")
    with pytest.raises(InputError) as name:
        session(config_path=str(config_file), from_name="  ").profile  # noqa: B018
    assert (name.value.field, name.value.problem) == ("from_name", "is empty")


def test_the_profile_cannot_be_changed_through_what_it_returns(config_file):
    run = session(config_path=str(config_file))
    run.profile["name"] = "Somebody Else"
    assert run.profile["name"] == "Ana Lima"


def test_channel_name_command_then_root_then_config_then_voicemail(tmp_path, config_file):
    assert session(config_path=str(config_file)).channel_name() == "voicemail"
    assert session(config_path=str(config_file)).channel_name("email") == "email"
    assert session(config_path=str(config_file), channel="call").channel_name() == "call"
    assert session(config_path=str(config_file), channel="call").channel_name("email") == "email"
    configured = tmp_path / "with-default.toml"
    configured.write_text('[defaults]\nchannel = "email"\n')
    assert session(config_path=str(configured)).channel_name() == "email"
    assert session(config_path=str(configured), channel="call").channel_name() == "call"


def test_business_days_flags_then_config(tmp_path, config_file):
    assert session(config_path=str(config_file)).business_days() is True
    assert session(config_path=str(config_file)).business_days(calendar_days=True) is False
    assert session(config_path=str(config_file), calendar_days=True).business_days() is False
    calendar = tmp_path / "calendar.toml"
    calendar.write_text("[schedule]\ncalendar_days = true\n")
    assert session(config_path=str(calendar)).business_days() is False


def test_today_command_then_root_then_the_clock():
    assert session().today("2026-11-20") == dt.date(2026, 11, 20)
    assert session(today="2026-11-21").today() == dt.date(2026, 11, 21)
    assert session(today="2026-11-21").today("2026-11-20") == dt.date(2026, 11, 20)
    assert session().today() == dt.date.today()
    with pytest.raises(InputError) as bad:
        session().today("soon")
    assert (bad.value.field, bad.value.value) == ("today", "soon")


def test_the_writer_is_made_once_and_takes_allow_tone(config_file):
    run = session(config_path=str(config_file))
    writer = run.writer()
    assert writer.allow_tone is False
    assert run.writer(allow_tone=True) is writer and writer.allow_tone is True
    assert run.writer() is writer and writer.allow_tone is True, "no flag given: left as it is"


def test_the_session_lives_on_the_root_context():
    root = click.Context(click.Group("followup-script"))
    root.params.update(today="2026-11-21")
    child = click.Context(click.Command("due"), parent=root)
    made = Session.of(child)
    assert Session.of(root) is made and root.obj is made
    root.params["channel"] = "email"  # parsed after the session was made: still seen
    assert made.channel_name() == "email" and made.today() == dt.date(2026, 11, 21)


# -- plugin problems -----------------------------------------------------------------------------


class Broken:
    name = "broken-plugin"


def test_plugin_problems_are_reported_once_per_run(capsys):
    plugins = manager.build_plugin_manager(load_entrypoints=False)
    plugins.fail("broken-plugin", "ImportError: no module named nowhere")
    run = session()
    run.report(plugins)
    run.report(plugins)
    assert capsys.readouterr().err == (
        "followup-script: warning: plugin 'broken-plugin': ImportError: no module named nowhere\n")
    plugins.fail("other", "RuntimeError: boom")
    run.report(plugins)
    assert capsys.readouterr().err == "followup-script: warning: plugin 'other': RuntimeError: boom\n"
    session().report(plugins)  # another run (in the same process) says them again
    assert capsys.readouterr().err.count("warning") == 2


def test_strict_plugins_makes_a_problem_an_error(capsys):
    plugins = manager.build_plugin_manager(load_entrypoints=False)
    plugins.fail("broken-plugin", "ImportError: nope")
    with pytest.raises(PluginError, match="1 plugin problem"):
        session(strict_plugins=True).report(plugins)
    assert capsys.readouterr().err == "followup-script: error: plugin 'broken-plugin': ImportError: nope\n"


# -- confirming a delivery -----------------------------------------------------------------------


def message(text="Hi Dana.", contact=None):
    due = plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT), TODAY)
    return Message("email", "email", due, text, {}, contact or {"name": "Dana Reyes", "email": "dana@acme.example"})


def test_confirm_delivery_without_a_terminal_needs_yes(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(InputError, match="needs --yes to confirm; add --yes"):
        session().confirm_delivery(message(), yes=False)
    session().confirm_delivery(message(), yes=True)
    session().confirm_delivery(message(text=None), yes=False)  # nothing to deliver: nothing to ask


@pytest.mark.parametrize("answer,delivered", [("y\n", True), ("n\n", False), ("\n", False)])
def test_confirm_delivery_asks_naming_the_target(monkeypatch, capsys, answer, delivered):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(answer))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    if delivered:
        session().confirm_delivery(message(), yes=False)
    else:
        with pytest.raises(click.Abort):
            session().confirm_delivery(message(), yes=False)
    assert "Deliver this email to dana@acme.example? [y/N]" in capsys.readouterr().err


# -- the commands use it -------------------------------------------------------------------------


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tracked(isolated_home, config_file, capsys):
    db = isolated_home / "t.sqlite3"
    base = ["--config", config_file, "--today", "2026-11-25"]
    assert run(capsys, *base, "contact", "add", "Dana Reyes", "--email", "dana@acme.example", "--db", db)[0] == 0
    assert run(capsys, *base, "log", "Dana Reyes", "--outcome", "no-commitment", "--date", "2026-11-20",
               "--db", db)[0] == 0
    return base, db


def test_root_options_reach_the_tracker_commands(capsys, tracked):
    base, db = tracked
    code, out, _ = run(capsys, *base, "--channel", "email", "--from-name", "Sam Lee", "next", "Dana", "--db", db,
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["channel"] == "email" and data["kind"] == "email"
    assert "Sam Lee" in data["script"] and "Ana Lima" not in data["script"]
    assert data["overdue_days"] == 2, "--today of the root group"


def test_root_options_reach_batch(capsys, tmp_path, config_file):
    rows = tmp_path / "rows.csv"
    rows.write_text("name,last_contact,outcome\nDana Reyes,2026-11-20,no-commitment\n")
    code, out, _ = run(capsys, "--config", config_file, "--today", "2026-11-25", "--channel", "email",
                       "--calendar-days", "batch", rows)
    record = json.loads(out)
    assert code == 0 and record["channel"] == "email" and record["overdue_days"] == 2
    code, out, _ = run(capsys, "--config", config_file, "batch", rows, "--today", "2026-11-21",
                       "--channel", "call")
    assert json.loads(out)["channel"] == "call" and json.loads(out)["overdue_days"] == 0


def test_a_bad_from_option_is_one_error_line(capsys, tracked):
    base, db = tracked
    code, out, err = run(capsys, *base, "--from-phone", "12", "next", "Dana", "--db", db)
    assert code == 2 and out == ""
    assert err == ("followup-script: error: --from-phone '12' is not a phone number; "
                   "use digits, e.g. '+1 555 123 4567'\n")
    code, out, err = run(capsys, *base, "--today", "soon", "due", "--db", db)
    assert (code, out) == (2, "")
    assert err.startswith("followup-script: error: --today 'soon' is not a date; use YYYY-MM-DD")
