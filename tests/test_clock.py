"""Times and zones, call slots, the confirmation's day (#15, finding 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from followup_script import History, Outcome, Situation
from followup_script.engine.slots import slot_days
from followup_script.engine.stages import plan
from followup_script.engine.zones import suggest_zone, zone_words
from followup_script.errors import InputError
from followup_script.input.validate import check_timezone
from followup_script.writing.clock import Clock, call_slots, offer_words, say_time
from followup_script.writing.context import build_context

THU = dt.date(2026, 12, 3)
AGREED = History(dt.date(2026, 11, 26), Outcome.SCHEDULED, Situation.INTERVIEW, dt.datetime(2026, 11, 30, 15, 0))
ANA = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}


@pytest.mark.parametrize("at,style,said", [
    (dt.time(15, 0), "12h", "3 pm"), (dt.time(10, 30), "12h", "10:30 am"), (dt.time(0, 5), "12h", "12:05 am"),
    (dt.time(12, 0), "12h", "12 pm"), (dt.time(15, 0), "24h", "15:00"), (dt.time(9, 5), "24h", "09:05"),
])
def test_say_time(at, style, said):
    assert say_time(at, style) == said


def test_zones_are_checked_with_a_did_you_mean():
    assert check_timezone(" Europe/London ") == "Europe/London"
    for typo, meant in (("Europe/Londn", "Europe/London"), ("london", "Europe/London"),
                        ("America/New York", "America/New_York"), ("Sao Paulo", "America/Sao_Paulo")):
        with pytest.raises(InputError, match=f"did you mean {meant}"):
            check_timezone(typo)
        assert suggest_zone(typo) == meant
    with pytest.raises(InputError, match="is not known; use an IANA name"):
        check_timezone("Mars/Olympus")
    assert zone_words("America/Argentina/Buenos_Aires") == "Buenos Aires time" and zone_words("UTC") == "UTC"


@pytest.mark.parametrize("day,names", [
    (dt.date(2026, 11, 30), ["Tuesday", "Wednesday"]),  # Monday
    (THU, ["Friday", "Monday"]), (dt.date(2026, 12, 4), ["Monday", "Tuesday"]),
    (dt.date(2026, 12, 5), ["Monday", "Tuesday"]),  # Saturday
])
def test_slots_are_the_next_two_weekdays_each_under_a_week_away(day, names):
    days = slot_days(day)
    assert [d.strftime("%A") for d in days] == names and all(1 <= (d - day).days <= 6 for d in days)


def test_slots_fall_in_both_call_windows_and_say_the_contact_zone():
    clock = Clock.of("12h", "America/New_York", "Europe/London", abroad=True)
    slots = call_slots(THU, clock, None, None)  # 09:00-17:00 on both sides: 14:00-17:00 London
    assert [s["said"] for s in slots] == ["Friday at 3 pm London time", "Monday at 2 pm London time"]
    assert slots[0]["mine"] == "Friday 4 December at 10 am New York time"
    assert offer_words(slots, clock) == "Friday at 3 pm or Monday at 2 pm London time"
    same = Clock.of("24h", None, None, abroad=False)
    assert offer_words(call_slots(THU, same, "09:30-11:00", None), same) == "Friday at 10:30 or Monday at 09:30"


def test_a_scheduled_call_is_confirmed_the_day_it_was_agreed_with_a_reminder_the_day_before():
    """Finding 3: the confirmation email was due on the day of the call itself."""
    agreed = plan(AGREED, dt.date(2026, 11, 26))
    assert agreed.due == dt.date(2026, 11, 30)
    assert agreed.confirm_on == dt.date(2026, 11, 26) and agreed.remind_on == dt.date(2026, 11, 27)  # Friday
    assert "Confirm it in writing the day it was agreed" in agreed.reason
    assert agreed.to_dict()["confirm_on"] == "2026-11-26"
    next_day = History(dt.date(2026, 11, 26), Outcome.SCHEDULED, Situation.INTERVIEW, dt.date(2026, 11, 27))
    assert plan(next_day, dt.date(2026, 11, 26)).remind_on is None  # no day between


def test_times_use_the_profile_clock_and_carry_the_contact_zone():
    """Finding 3: "Monday 30 November 2026 at 15:00", no zone, a callback window with no hours."""
    agreed = plan(AGREED, dt.date(2026, 11, 26))
    us = build_context(agreed, ANA, {"name": "Dana Reyes"}, dt.date(2026, 11, 26))
    assert us["scheduled_for"] == "Monday 30 November 2026 at 3 pm" and us["agreed_time"] == "3 pm"
    assert us["me"]["callback_window"] == "on weekdays, 9 am to 5 pm"
    london = build_context(agreed, {**ANA, "timezone": "America/New_York"},
                           {"name": "Dana Reyes", "timezone": "Europe/London"}, dt.date(2026, 11, 26))
    assert london["scheduled_for"] == "Monday 30 November 2026 at 3 pm London time"
    assert london["agreed_said"] == "Monday 30 November at 3 pm London time"
    assert london["me"]["callback_window"] == "on weekdays, 9 am to 5 pm New York time"
    berlin = build_context(agreed, {**ANA, "phone": "+49 30 123456"}, {"name": "Jonas"}, dt.date(2026, 11, 26))
    assert berlin["scheduled_for"].endswith("at 15:00") and berlin["agreed_time"] == "15:00"
    assert build_context(agreed, {**ANA, "clock": "24h"}, {}, dt.date(2026, 11, 26))["agreed_time"] == "15:00"


def test_the_email_confirming_a_call_says_the_time_the_user_way(writer):
    agreed = plan(AGREED, dt.date(2026, 11, 26))
    message = writer.write("email", agreed, {"name": "Dana Reyes", "email": "d@example.com",
                                             "timezone": "Europe/London"}, today=dt.date(2026, 11, 26))
    said = "\n".join([message.subject, message.text])
    assert "15:00" not in said and "3 pm London time" in said


def test_a_bad_profile_zone_is_one_line_naming_the_setting(writer):
    agreed = plan(AGREED, dt.date(2026, 11, 26))
    with pytest.raises(InputError, match=r"profile.timezone 'Europe/Londn' is not known; did you mean Europe/London"):
        writer.write("voicemail", agreed, {"name": "Dana"}, {**ANA, "timezone": "Europe/Londn"},
                     today=dt.date(2026, 11, 26))


# -- properties (hypothesis: as many examples as the profile says, tests/conftest.py) ----------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
# a tenth of the profile's examples, at least 100 (100 in dev and ci, 1,000 in make fuzz): cheap rules
FEW = settings(max_examples=max(100, settings.default.max_examples // 10))


@FEW
@given(DAYS)
def test_slots_are_two_weekdays_named_unambiguously(day):
    first, second = slot_days(day)
    assert day < first < second and (second - day).days <= 6
    assert first.weekday() < 5 and second.weekday() < 5


@FEW
@given(DAYS, st.integers(0, 60), st.times())
def test_a_scheduled_plan_confirms_then_reminds_then_calls(agreed_on, ahead, at):
    call = dt.datetime.combine(agreed_on + dt.timedelta(days=ahead), at)
    planned = plan(History(agreed_on, Outcome.SCHEDULED, Situation.APPLICATION, call), agreed_on)
    assert planned.confirm_on == agreed_on
    if planned.remind_on is not None:
        assert agreed_on < planned.remind_on < call.date() and planned.remind_on.weekday() < 5
        assert (call.date() - planned.remind_on).days <= 3
    else:
        assert all(d.weekday() >= 5 for d in (agreed_on + dt.timedelta(days=n) for n in range(1, ahead)))


def test_a_written_confirmation_is_worded_for_the_day_it_is_sent_not_the_day_of_the_call(tmp_path, config,
                                                                                         builtin_plugins):
    from followup_script.compose.scriptwriter import Scriptwriter

    folder = tmp_path / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "scheduled-call.md.j2").write_text(
        "Subject: Our call\n\nThank you! Talk {{ agreed_words }}, at {{ agreed_time }}.\n")
    writer = Scriptwriter(config, builtin_plugins, templates_dir=tmp_path / "templates")
    agreed = writer.plan(AGREED, dt.date(2026, 11, 26))  # agreed Thursday for Monday 15:00
    email = writer.write("email", agreed, {"name": "Dana", "email": "d@example.com"}, today=dt.date(2026, 11, 26))
    assert "Talk on Monday, at 3 pm." in email.text  # written on Thursday, read then (not "today")


def test_a_late_script_offers_days_still_ahead():
    late = plan(History(dt.date(2026, 11, 16), Outcome.NO_ANSWER, Situation.APPLICATION, None, 1),
                dt.date(2026, 11, 25))  # due Monday 23, read on Wednesday 25
    context = build_context(late, ANA, {"name": "Dana"}, dt.date(2026, 11, 25))
    assert [slot["date"] for slot in context["call_slots"]] == ["Thursday 26 November", "Friday 27 November"]


def test_the_users_hours_never_go_abroad_without_a_zone():
    from followup_script.engine.zones import only_zone

    assert (only_zone("GB"), only_zone("in"), only_zone("US"), only_zone(None)) == ("Europe/London", "Asia/Kolkata",
                                                                                    None, None)
    nudge = plan(History(dt.date(2026, 11, 16), Outcome.NO_ANSWER, Situation.INFO, None, 1), dt.date(2026, 11, 23))
    to_hanoi = build_context(nudge, ANA, {"name": "An", "timezone": "Asia/Ho_Chi_Minh"}, dt.date(2026, 11, 23))
    assert to_hanoi["me"]["callback_window"] == "on weekdays, 9 am to 5 pm my time"  # US: which zone is unknown
    assert to_hanoi["call_offer"] == "Tuesday at 10 am or Wednesday at 2 pm Ho Chi Minh time"
    from_london = build_context(nudge, {**ANA, "phone": "+44 20 7946 0958"}, {"name": "Dana", "phone": "+1 555 0100"},
                                dt.date(2026, 11, 23))
    assert from_london["me"]["callback_window"] == "on weekdays, 09:00 to 17:00 London time"  # GB has one zone
    at_home = build_context(nudge, {**ANA, "phone": "+44 20 7946 0958"}, {"name": "Tom", "phone": "+44 161 496 0000"},
                            dt.date(2026, 11, 23))
    assert at_home["me"]["callback_window"] == "on weekdays, 09:00 to 17:00" and at_home["zone_words"] == ""
