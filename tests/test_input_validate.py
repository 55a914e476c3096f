"""input/validate.py: one module of checks and ONE date parser, with structured errors."""

import datetime as dt

import pytest

from followup_script.errors import ConfigError, InputError
from followup_script.input import validate
from followup_script.input.config import Config, set_value
from followup_script.input.validate import parse_date, parse_datetime

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-20", dt.date(2026, 11, 20)),
    ("  2026-11-20 ", dt.date(2026, 11, 20)),
    ("20261120", dt.date(2026, 11, 20)),  # ISO 8601 basic, as date.fromisoformat reads it
    ("today", TODAY),
    ("Yesterday", TODAY - dt.timedelta(days=1)),
])
def test_parse_date_reads_dates_and_words(text, expected):
    assert parse_date(text, "date", TODAY) == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-11-27 10:30", dt.datetime(2026, 11, 27, 10, 30)),
    ("2026-11-27T10:30", dt.datetime(2026, 11, 27, 10, 30)),
    ("2026-11-27   10:30", dt.datetime(2026, 11, 27, 10, 30)),
    ("2026-11-27T10:30:45+02:00", dt.datetime(2026, 11, 27, 10, 30)),  # an export's time, to the minute
    ("2026-11-27", dt.date(2026, 11, 27)),
    ("tomorrow", TODAY + dt.timedelta(days=1)),
    ("today", TODAY),
    ("yesterday", TODAY - dt.timedelta(days=1)),
])
def test_parse_datetime_reads_times_dates_and_words(text, expected):
    assert parse_datetime(text, "next", TODAY) == expected


def test_nothing_given_stays_nothing():
    assert parse_date(None, "date") is None and parse_datetime(None, "next") is None


@pytest.mark.parametrize("call, field, value, fix", [
    (lambda: parse_date("2026-02-30", "last_contact"), "last_contact", "2026-02-30", "today or yesterday"),
    (lambda: parse_datetime("next friday at ten", "next"), "next", "next friday at ten", "'YYYY-MM-DD HH:MM'"),
    (lambda: validate.check_phone("call me", "from_phone"), "from_phone", "call me", "digits"),
    (lambda: validate.check_email("ana@@x"), "email", "ana@@x", "ana@example.com"),
    (lambda: validate.check_name("  "), "name", "  ", "give a name"),
    (lambda: validate.check_timezone("Mars/Olympus"), "timezone", "Mars/Olympus", "IANA"),
    (lambda: validate.check_call_window("11:00-09:00"), "call_window", "11:00-09:00", "HH:MM-HH:MM"),
    (lambda: validate.check_via("pigeon"), "via", "pigeon", "call, meeting, voicemail, email, sms"),
    (lambda: validate.parse_attempts("three"), "attempts", "three", "0 or more"),
    (lambda: validate.parse_attempts(-3), "attempts", -3, "0 or more"),
])
def test_errors_name_the_field_the_value_and_the_fix_in_no_front_end_words(call, field, value, fix):
    with pytest.raises(InputError) as error:
        call()
    assert (error.value.field, error.value.value) == (field, value)
    assert fix in error.value.fix
    assert "--" not in str(error.value)
    # a front end names the field its own way
    assert error.value.sentence("--" + field.replace("_", "-")).startswith(f"--{field.replace('_', '-')} ")


def test_checks_return_the_value_tidied():
    assert validate.check_phone(" +1  555 123\t4567 ") == "+1 555 123 4567"
    assert validate.check_name("  Dana   Reyes ") == "Dana Reyes"
    assert validate.check_call_window(" 9:30 - 11:00 ") == "09:30-11:00"
    assert validate.check_via(None) == "call" and validate.check_via(" SMS ") == "sms"
    assert validate.check_timezone(" Europe/Lisbon ") == "Europe/Lisbon"
    assert validate.parse_attempts("") == 0 and validate.parse_attempts(" 2 ") == 2


def test_a_long_name_is_shown_cut_short():
    with pytest.raises(InputError) as error:
        validate.check_name("x" * 300)
    assert str(error.value) == f"name {'x' * 20!r}... is 300 characters; keep it under 200"


def test_config_set_names_a_bad_profile_value_by_its_setting(tmp_path):
    config = Config(tmp_path / "config.toml", {})
    with pytest.raises(ConfigError) as error:
        set_value(config, "profile.phone", "not-a-phone")
    assert str(error.value) == ("profile.phone 'not-a-phone' is not a phone number; "
                                "use digits, e.g. '+1 555 123 4567'")
    assert not (tmp_path / "config.toml").exists()
    assert set_value(config, "profile.phone", "+1  555 123 4567").profile["phone"] == "+1 555 123 4567"
