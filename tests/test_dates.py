"""Problem 8 of issue 14: dates that cannot be right are refused everywhere, with one line.

One parser and a few checks (``input/validate.py``) serve the one-shot, batch rows,
log, touch edit, snooze and import: a year outside 2000 to 2100, a last contact after
today and an agreed call before its touch are refused (exit 2); a last contact over
180 days ago is accepted with a warning ("is the year right?").
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from followup_script.errors import InputError
from followup_script.input import validate
from followup_script.input.values import follow_up_from
from tests.conftest import one_error_line

TODAY = dt.date(2026, 11, 25)
ME = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]
ONE = ["--name", "Dana Reyes", "--company", "Acme", *ME, "--today", "2026-11-25"]



def batch_file(tmp_path, rows: str, header: str = "name,company,last_contact,outcome,scheduled_for\n"):
    path = tmp_path / "rows.csv"
    path.write_text(header + rows)
    return path


# -- a last contact after today -----------------------------------------------------------------


def test_problem_8_a_last_contact_after_today_is_refused_by_the_one_shot_and_batch(cli, tmp_path):
    line = one_error_line(cli(*ONE, "--last-contact", "2026-12-01", "--outcome", "no-commitment"))
    assert line == ("followup-script: error: --last-contact '2026-12-01' is after today (2026-11-25); "
                    "give the day it happened, today or before")
    one_error_line(cli(*ONE, "--last-contact", "2027-01-01"), "--last-contact '2027-01-01' is after today")

    path = batch_file(tmp_path, "Dana Reyes,Acme,2026-11-20,no-commitment,\n"
                                "Lee Park,Initech,2026-12-01,no-answer,\n"
                                "Sam Ortiz,Globex,2026-11-18,no-answer,\n")
    result = cli(*ME, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2
    assert [json.loads(row)["line"] for row in result.stdout.splitlines()] == [2, 4], "the others go on"
    errors = result.stderr.strip().splitlines()
    assert errors == [f"followup-script: {path} line 3: last_contact '2026-12-01' is after today (2026-11-25); "
                      "give the day it happened, today or before",
                      "followup-script: 2 row(s) written, 1 failed"]


def test_the_last_contact_may_be_today(cli):
    result = cli(*ONE, "--last-contact", "today", "--outcome", "no-time", "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["last_contact"] == "2026-11-25"


# -- a wrong-year typo ----------------------------------------------------------------------------


def test_problem_8_a_wrong_year_typo_is_written_with_a_warning(cli, tmp_path):
    result = cli(*ONE, "--last-contact", "2025-11-20", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "followup-script: warning: --last-contact '2025-11-20' is 370 days before today (2026-11-25): "
        "is the year right?"]  # once
    written = json.loads(result.stdout)
    assert (written["due"], written["overdue_days"]) == ("2025-11-24", 366) and written["script"]

    path = batch_file(tmp_path, "Dana Reyes,Acme,2026-11-20,no-commitment,\n"
                                "Lee Park,Initech,2025-11-18,no-answer,\n"
                                "Sam Ortiz,Globex,2025-11-20,no-answer,\n",
                      header="Name,Company,Last Contact,Outcome,Scheduled For\n")
    result = cli(*ME, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 0, result.stderr
    assert [json.loads(row)["line"] for row in result.stdout.splitlines()] == [2, 3, 4]
    assert result.stderr.splitlines() == [
        f"followup-script: {path} line 3: warning: Last Contact '2025-11-18' is 372 days before today "
        "(2026-11-25): is the year right?",
        f"followup-script: {path} line 4: warning: Last Contact '2025-11-20' is 370 days before today "
        "(2026-11-25): is the year right?",
        "followup-script: 3 row(s) written, 0 failed"]


def test_half_a_year_ago_is_no_warning(cli):
    result = cli(*ONE, "--last-contact", "2026-05-29", "--outcome", "no-answer")  # 180 days
    assert result.returncode == 0 and result.stderr == ""
    result = cli(*ONE, "--last-contact", "2026-05-28", "--outcome", "no-answer")  # 181 days
    assert result.returncode == 0 and "181 days before today" in result.stderr


# -- years outside 2000 to 2100 -------------------------------------------------------------------


@pytest.mark.parametrize("args, needle", [
    ([*ONE[:-2], "--last-contact", "9999-12-31", "--today", "2026-11-25"], "--last-contact '9999-12-31'"),
    ([*ONE[:-2], "--last-contact", "2026-11-20", "--today", "0001-01-01"], "--today '0001-01-01'"),
    ([*ONE[:-2], "--last-contact", "2026-11-20", "--today", "9999-12-31"], "--today '9999-12-31'"),
    ([*ONE, "--last-contact", "1999-12-31"], "--last-contact '1999-12-31'"),
    ([*ONE, "--last-contact", "2026-11-20", "--outcome", "scheduled", "--scheduled-for", "9999-12-31 10:00"],
     "--scheduled-for '9999-12-31 10:00'"),
    (["log", "Dana", "--outcome", "scheduled", "--next", "9999-12-01", "--today", "2026-11-25"],
     "--next '9999-12-01'"),
    (["log", "Dana", "--outcome", "no-answer", "--date", "0026-11-20", "--today", "2026-11-25"],
     "--date '0026-11-20'"),
    (["due", "--today", "0001-01-01"], "--today '0001-01-01'"),
])
def test_problem_8_years_before_2000_or_after_2100_are_one_line_exit_2(cli, args, needle):
    cli("contact", "add", "Dana Reyes")
    line = one_error_line(cli(*args), needle, "is outside the years 2000 to 2100; check the year")
    assert "OverflowError" not in line


def test_years_outside_are_a_row_error_in_batch_and_import(cli, tmp_path):
    path = batch_file(tmp_path, "Dana Reyes,Acme,9999-12-31,no-commitment,\nLee Park,Initech,2026-11-20,no-answer,\n")
    result = cli(*ME, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2 and len(result.stdout.splitlines()) == 1
    assert "line 2: last_contact '9999-12-31' is outside the years 2000 to 2100" in result.stderr
    imported = tmp_path / "in.csv"
    imported.write_text("name,date,outcome\nDana,0001-01-01,no-answer\n")
    one_error_line(cli("import", imported, "--today", "2026-11-25"),
                   "line 2: date '0001-01-01' is outside the years 2000 to 2100")


def test_the_library_refuses_them_too(tmp_path):
    from followup_script.tracker.service import Tracker

    with Tracker.open(tmp_path / "t.sqlite3") as tracker:
        tracker.add_contact({"name": "Dana"})
        with pytest.raises(InputError, match="outside the years"):
            tracker.log("Dana", "scheduled", "call", TODAY, dt.date(9999, 1, 1), today=TODAY)
        with pytest.raises(InputError, match="outside the years"):
            tracker.log("Dana", "no-answer", "call", dt.date(1, 1, 1), today=TODAY)


# -- an agreed call before the touch ----------------------------------------------------------------


def test_problem_8_a_next_before_the_touch_is_refused(cli, tmp_path):
    # the one-shot: an agreed time before the last contact, whatever the outcome
    one_error_line(cli(*ONE, "--last-contact", "2026-11-20", "--outcome", "no-answer",
                       "--scheduled-for", "2026-11-10"),
                   "--scheduled-for '2026-11-10' is before the last contact on 2026-11-20")
    one_error_line(cli(*ONE, "--last-contact", "2026-11-20", "--outcome", "scheduled",
                       "--scheduled-for", "2026-11-19 10:00"),
                   "--scheduled-for '2026-11-19 10:00' is before the last contact on 2026-11-20")
    # a batch row
    path = batch_file(tmp_path, "Dana Reyes,Acme,2026-11-20,no-answer,2026-11-10\n")
    result = cli(*ME, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2 and result.stdout == ""
    assert "line 2: scheduled_for '2026-11-10' is before the last contact on 2026-11-20" in result.stderr
    # log, and a touch edited to a day after its agreed call
    cli("contact", "add", "Dana Reyes")
    one_error_line(cli("log", "dana", "--outcome", "scheduled", "--date", "2026-11-20", "--next", "2026-11-19",
                       "--today", "2026-11-25"), "--next '2026-11-19' is before the touch on 2026-11-20")
    logged = cli("log", "dana", "--outcome", "scheduled", "--date", "2026-11-20", "--next", "2026-11-27 10:00",
                 "--today", "2026-11-25")
    assert logged.returncode == 0, logged.stderr
    one_error_line(cli("touch", "edit", "1", "--date", "2026-11-28", "--today", "2026-11-30"),
                   "--next '2026-11-27 10:00' is before the touch on 2026-11-28")


# -- the checks themselves ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, ok", [
    ("2000-01-01", True), ("2100-12-31", True), ("1999-12-31", False), ("2101-01-01", False),
    ("0001-01-01", False), ("9999-12-31", False),
])
def test_parse_date_and_parse_datetime_take_the_years_2000_to_2100(text, ok):
    for parse in (validate.parse_date, validate.parse_datetime):
        if ok:
            assert parse(text, "date", TODAY) == dt.date.fromisoformat(text)
        else:
            with pytest.raises(InputError) as error:
                parse(text, "date", TODAY)
            assert (error.value.field, error.value.value, error.value.fix) == ("date", text, "check the year")
    if ok:
        assert validate.parse_datetime(text + " 23:59", "next", TODAY).year == int(text[:4])
    else:
        with pytest.raises(InputError, match="outside the years"):
            validate.parse_datetime(text + " 10:00", "next", TODAY)


def test_words_relative_to_a_today_at_the_edge_stay_in_range():
    with pytest.raises(InputError, match="outside the years"):
        validate.parse_datetime("tomorrow", "until", dt.date(2100, 12, 31))
    with pytest.raises(InputError, match="outside the years"):
        validate.parse_date("yesterday", "date", dt.date(2000, 1, 1))


def test_follow_up_from_checks_and_doubts():
    doubts = []
    history, _, _ = follow_up_from({"last_contact": "2025-11-25", "outcome": "no-answer"}, TODAY, doubts)
    assert history.last_contact == dt.date(2025, 11, 25)
    assert [d.sentence("--last-contact") for d in doubts] == [
        "--last-contact '2025-11-25' is 365 days before today (2026-11-25): is the year right?"]
    assert [d.sentence() for d in doubts] == [
        "last contact '2025-11-25' is 365 days before today (2026-11-25): is the year right?"]
    follow_up_from({"last_contact": "2025-11-25", "outcome": "no-answer"}, TODAY)  # no list: no doubts said
    with pytest.raises(InputError) as error:
        follow_up_from({"last_contact": "2026-11-26"}, TODAY)
    assert (error.value.field, error.value.value) == ("last_contact", "2026-11-26")
    with pytest.raises(InputError) as error:
        follow_up_from({"last_contact": "2026-11-20", "outcome": "scheduled", "scheduled_for": "2026-11-19"}, TODAY)
    assert error.value.field == "scheduled_for"


def test_stale_doubt_is_past_180_days_only():
    assert validate.stale_doubt(TODAY - dt.timedelta(days=180), "last_contact", TODAY) is None
    doubt = validate.stale_doubt(TODAY - dt.timedelta(days=181), "last_contact", TODAY)
    assert doubt.field == "last_contact" and "181 days" in doubt.problem
