"""The everyday surfaces read well (#20): did-you-mean for every chosen word, articles
chosen by code, date reasons without a tautology, slugs that keep the letters."""

from __future__ import annotations

import datetime as dt

import pytest

from followup_script.engine.stages import History, Outcome, plan

from .conftest import one_error_line


@pytest.mark.parametrize(("args", "needle"), [
    (["log", "Dana", "--outcome", "no answer"], "did you mean no-answer?"),
    (["log", "Dana", "--outcome", "noanswer"], "did you mean no-answer?"),
    (["log", "Dana", "--outcome", "no-answer", "--via", "e-mail"], "did you mean email?"),
    (["log", "Dana", "--outcome", "no-answer", "--via", "phone"], "did you mean call?"),
    (["log", "Dana", "--outcome", "no-answer", "--via", "Text"], "did you mean sms?"),
    (["contact", "add", "Kim", "--situation", "intervew"], "did you mean interview?"),
    (["next", "Dana", "--channel", "emial"], "did you mean email?"),
    (["--name", "Dana", "--last-contact", "2026-11-20", "--outcome", "No Time"], "did you mean no-time?"),
    (["config", "set", "defaults.chanel", "email"], "did you mean defaults.channel?"),
])
def test_a_mistyped_word_gets_a_did_you_mean(cli, args, needle):
    assert cli("contact", "add", "Dana").returncode == 0
    assert cli("log", "Dana", "--outcome", "no-commitment", "--date", "2026-11-20").returncode == 0
    one_error_line(cli(*args), needle)


def test_a_word_like_none_lists_the_choices(cli):
    assert cli("contact", "add", "Dana").returncode == 0
    one_error_line(cli("log", "Dana", "--outcome", "xyzzy"),
                   "use one of: scheduled, no-time, no-commitment, no-answer, replied, stop")


@pytest.mark.parametrize(("args", "needle"), [
    (["--name", "Seán Murphy", "--last-contact", "2026-11-20", "--situation", "interview"],
     "--outcome is needed for an interview follow-up"),
])
def test_articles_are_chosen_by_code(cli, args, needle):
    one_error_line(cli(*args), needle)


def test_a_weekend_due_date_is_not_said_twice():
    # Wednesday 18 November + 3 days is Saturday 21 November
    found = plan(History(dt.date(2026, 11, 18), Outcome.NO_COMMITMENT), dt.date(2026, 11, 18))
    assert found.due == dt.date(2026, 11, 23)
    assert "Saturday 21 November 2026 is a Saturday" not in found.reason
    assert "Saturday 21 November 2026 falls on a weekend, so it moves to the Monday" in found.reason


def test_a_snooze_to_a_saturday_is_not_said_twice(cli):
    assert cli("contact", "add", "Dana").returncode == 0
    assert cli("log", "Dana", "--outcome", "no-commitment", "--date", "2026-11-20", "--today", "2026-11-25").returncode == 0
    assert cli("snooze", "Dana", "--until", "2026-12-12", "--today", "2026-11-25").returncode == 0
    why = cli("why", "Dana", "--today", "2026-11-25").stdout
    assert "is a Saturday" not in why
    assert "Saturday 12 December 2026 falls on a weekend, so it starts on the Monday" in why


@pytest.mark.parametrize(("name", "expected"), [
    ("Zoë Müller", "zoe-muller"), ("Amélie Côté", "amelie-cote"), ("Seán Murphy", "sean-murphy"),
    ("Łukasz Øster-Straße", "lukasz-oster-strasse"), ("Ærøskøbing Œuvre", "aeroskobing-oeuvre"),
    ("Đorđe Þórsson", "dorde-thorsson"), ("Yıldız", "yildiz"), ("Dana O'Neil", "dana-oneil"),
    ("Дмитрий Иванов", "дмитрий-иванов"), ("山田 太郎", "山田-太郎"), ("\u0301", "contact"),  # no Latin letter
    ("", "contact"), ("../../etc/passwd", "etc-passwd"),
])
def test_slugs_keep_the_letters(name, expected):
    from followup_script.present.slug import slug

    assert slug(name) == expected


def test_a_number_only_keeps_names_apart():
    from followup_script.present.slug import Unique

    unique = Unique()
    assert [unique("zoe-muller", ".eml") for _ in range(3)] == ["zoe-muller.eml", "zoe-muller-2.eml",
                                                                  "zoe-muller-3.eml"]
    assert unique("dana", ".txt") == "dana.txt"


def test_the_wizard_default_file_name_keeps_the_letters():
    from followup_script.wizard.questions import file_name

    assert file_name("Seán Murphy", "email", "email") == "followup-sean-murphy-email.eml"


# -- tables with headers and units ----------------------------------------------------------------

LONG = "Fabrikam Worldwide Industrial Holdings International"


def tracked(cli):
    T = ("--today", "2026-11-25")
    assert cli("contact", "add", "Zoë Müller", "--company", "Acme").returncode == 0
    assert cli("contact", "add", "Seán Murphy", "--company", LONG).returncode == 0
    assert cli("contact", "add", "Kim Lo").returncode == 0
    assert cli("log", "Zoë", "--outcome", "no-commitment", "--date", "2026-11-20", *T).returncode == 0
    assert cli("log", "Seán", "--outcome", "scheduled", "--next", "2026-11-27 10:30", "--date", "2026-11-24",
               "--note", "phone screen with the hiring manager, then the team", *T).returncode == 0
    return T


def columns_of(header: str) -> list[int]:
    """Where each header word starts."""
    import re

    return [m.start() for m in re.finditer(r"\S+", header)]


def test_due_has_a_header_and_says_how_late(cli):
    T = tracked(cli)
    lines = cli("due", "--within", "3", *T).stdout.splitlines()
    assert lines[0].split() == ["NAME", "COMPANY", "STAGE", "DUE", "STATUS"]
    starts = columns_of(lines[0])
    assert lines[1].startswith("Zoë Müller") and lines[1].endswith("2 days overdue")
    assert lines[2].startswith("Seán Murphy") and lines[2].endswith("in 1 day")  # the reminder before the call
    assert lines[3].startswith("Seán Murphy") and lines[3].endswith("in 2 days")
    for line in lines[1:]:  # aligned: each cell starts under its header
        assert line[starts[2]:].split("  ")[0] in ("three-day-check", "remind them", "scheduled-call")
        assert line[starts[3]:starts[3] + 10] in ("2026-11-23", "2026-11-26", "2026-11-27")
    assert LONG in lines[3]  # a pipe gets whole cells
    rows = __import__("json").loads(cli("due", "--within", "3", "--json", *T).stdout)
    assert [r["overdue_days"] for r in rows] == [2, 0, 0]  # --json unchanged (the reminder's row has a task)


def test_contact_list_and_touch_list_have_headers(cli):
    T = tracked(cli)
    lines = cli("contact", "list", *T).stdout.splitlines()
    assert lines[0].split() == ["NAME", "COMPANY", "STAGE", "DUE", "STATUS"]
    assert {line.split("  ")[0] for line in lines[1:]} == {"Zoë Müller", "Seán Murphy", "Kim Lo"}
    assert any(line.endswith("2 days overdue") for line in lines)
    assert any(line.startswith("Kim Lo") and line.endswith("no touches yet") for line in lines)
    touches = cli("touch", "list", "Seán").stdout.splitlines()
    assert touches[1].split() == ["ID", "DATE", "VIA", "OUTCOME", "AGREED", "NOTE"]
    assert touches[2].split("  ")[-1] == "phone screen with the hiring manager, then the team"


@pytest.mark.parametrize("width", [80, 60, 50])
def test_a_table_is_cut_with_an_ellipsis_at_the_terminal_width(width):
    from followup_script.engine.stages import History, Outcome
    from followup_script.present.listing import due_table
    from followup_script.present.table import cells

    class Contact:
        def __init__(self, name, company):
            self.name, self.company = name, company

    today = dt.date(2026, 11, 25)
    rows = [(Contact("Zoë Müller-Weißenfels von Hohenzollern", LONG),
             plan(History(dt.date(2026, 11, 10), Outcome.NO_ANSWER, attempts=1), today)),
            (Contact("Kim Lo", "Acme"), plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT), today))]
    lines = due_table(rows, today, width=width).splitlines()
    assert all(cells(line) <= width for line in lines), lines
    assert "…" in lines[1] and (width < 60 or "…" not in lines[2])  # at 50 even the stage is cut
    # narrow, the company gives way rather than every column being squeezed
    header = ["NAME", "COMPANY", "STAGE", "DUE", "STATUS"] if width >= 80 else ["NAME", "STAGE", "DUE", "STATUS"]
    assert lines[0].split() == header
    assert lines[1].endswith("overdue") and lines[2].endswith("2 days overdue")  # the unit is never cut
    starts = columns_of(lines[0])
    assert all(line[starts[-1]:].strip() for line in lines)  # the last column lines up


# -- honest offers: next --deliver ---------------------------------------------------------------


def test_next_deliver_refuses_before_asking_when_the_contact_has_no_address(cli):
    assert cli("contact", "add", "Seán Murphy", "--company", "Fabrikam").returncode == 0
    assert cli("log", "Seán", "--outcome", "no-commitment", "--date", "2026-11-20").returncode == 0
    line = one_error_line(cli("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "next", "Seán",
                              "--channel", "email", "--deliver", "--yes", "--today", "2026-11-25"),
                          "cannot deliver by email: Seán Murphy has no email address")
    assert "followup-script contact edit 'Seán Murphy' --email" in line


def test_next_deliver_says_what_to_set_when_smtp_is_not_set_up(cli):
    assert cli("contact", "add", "Dana", "--email", "dana@acme.example").returncode == 0
    assert cli("log", "Dana", "--outcome", "no-commitment", "--date", "2026-11-20").returncode == 0
    one_error_line(cli("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "next", "Dana",
                       "--channel", "email", "--deliver", "--yes", "--today", "2026-11-25"),
                   "cannot deliver by email: ", "followup-script config set email.host")


def test_why_weeks_3_lists_3_entries(cli):
    assert cli("contact", "add", "Zoë Müller").returncode == 0
    assert cli("log", "Zoë", "--outcome", "no-commitment", "--date", "2026-11-21").returncode == 0
    text = cli("why", "Zoë", "--weeks", "3", "--today", "2026-11-30").stdout
    steps = [line for line in text.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert "Next 3 weeks if nobody replies:" in text
    assert len(steps) == 3, text  # the check due now, then two weekly nudges; 21 December is week 4
    import json

    found = json.loads(cli("why", "Zoë", "--weeks", "3", "--today", "2026-11-30", "--json").stdout)
    assert len(found["simulation"]) == 3


def test_on_a_terminal_the_table_fits_its_width(cli):
    """The real thing: `contact list` on a 60-column terminal cuts with an ellipsis."""
    import os

    import pexpect

    from .conftest import COMMAND

    T = tracked(cli)
    child = pexpect.spawn(COMMAND, ["contact", "list", *T], env={**os.environ, "COLUMNS": "", "TERM": "dumb"},
                          dimensions=(24, 60), encoding="utf-8", timeout=30)
    shown = child.read().replace("\r\n", "\n")
    child.close()
    assert child.exitstatus == 0, shown
    lines = shown.rstrip("\n").split("\n")
    assert lines[0].split() == ["NAME", "STAGE", "DUE", "STATUS"]  # 60 columns: the company gives way
    assert all(len(line) <= 60 for line in lines), lines
    assert any(line.endswith("2 days overdue") for line in lines)
    assert LONG not in shown


def test_the_sms_and_gmail_channels_say_what_to_set(tmp_path, monkeypatch):
    sms = pytest.importorskip("followup_script_sms")
    gmail = pytest.importorskip("followup_script_gmail")
    from followup_script.input.config import Config
    from followup_script.plugins.manager import build_plugin_manager
    from followup_script.present.offers import not_deliverable

    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    channels = build_plugin_manager(load_entrypoints=False, extra=[sms, gmail]).channels
    dana = {"name": "Dana Reyes", "phone": "+1 555 987 6543", "email": "dana@acme.example"}
    bare = Config(tmp_path / "c.toml", {})
    assert "config set sms.account_sid" in not_deliverable(channels["sms"], bare, dana)
    assert "followup-script gmail login" in not_deliverable(channels["gmail"], bare, dana)
    set_up = Config(tmp_path / "c.toml", {"sms": {"account_sid": "AC123", "auth_token": "t", "from": "+12025550143"},
                                          "gmail": {"token_file": str(tmp_path / "token.json")}})
    (tmp_path / "token.json").write_text("{}")
    assert not_deliverable(channels["sms"], set_up, dana) is None
    assert not_deliverable(channels["gmail"], set_up, dana) is None
    assert "has no phone number" in not_deliverable(channels["sms"], set_up, {"name": "Dana Reyes"})


def test_a_text_needs_a_phone_and_an_email_an_address(tmp_path):
    from followup_script import Channel, Receipt
    from followup_script.input.config import Config
    from followup_script.present.offers import not_deliverable

    texts = Channel("texts", "A text", "sms", deliver=lambda m, c: Receipt(channel="texts"))
    config = Config(tmp_path / "c.toml", {})
    said = not_deliverable(texts, config, {"name": "Dana Reyes", "email": "dana@acme.example"})
    assert said == ("Dana Reyes has no phone number, which texts needs; add it: followup-script contact edit "
                    "'Dana Reyes' --phone '+1 555 987 6543'")
    assert not_deliverable(texts, config, {"name": "Dana Reyes", "phone": "+1 555 987 6543"}) is None
    printing = Channel("notes", "Only prints", "voicemail")
    assert "only writes the script" in not_deliverable(printing, config, {"name": "Dana Reyes"})
