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
    ("Дмитрий", "contact"), ("", "contact"), ("../../etc/passwd", "etc-passwd"),
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
