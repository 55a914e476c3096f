"""Phone numbers said as people say them, and timed honestly (#15, finding 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from followup_script.input.validate import check_phone
from followup_script.writing.phones import phone_forms, say_number
from followup_script.writing.speech import measure_speech

UK, BR, DE, EXT = "+44 20 7946 0958", "+55 11 98765-4321", "+49 (0)30 123456", "+1 555 010 0199 ext. 204"


@pytest.mark.parametrize("phone,abroad,dial,spoken", [
    (UK, False, "020 7946 0958", "zero two zero, seven nine four six, zero nine five eight"),
    (UK, True, "+44 20 7946 0958", "plus four four, two zero, seven nine four six, zero nine five eight"),
    (BR, False, "(11) 98765-4321", "one one, nine eight seven six five, four three two one"),
    (BR, True, "+55 11 98765-4321", "plus five five, one one, nine eight seven six five, four three two one"),
    (DE, False, "030 123456", "zero three zero, one two three four five six"),
    (DE, True, "+49 30 123456", "plus four nine, three zero, one two three four five six"),
    (EXT, False, "(555) 010-0199 ext. 204",
     "five five five, zero one zero, zero one nine nine, extension two zero four"),
    (EXT, True, "+1 555-010-0199 ext. 204",
     "plus one, five five five, zero one zero, zero one nine nine, extension two zero four"),
    ("+1 555 123 4567", False, "(555) 123-4567", "five five five, one two three, four five six seven"),
])
def test_numbers_are_said_in_their_own_groups(phone, abroad, dial, spoken):
    region = {"+44": "GB", "+55": "BR", "+49": "DE"}.get(phone[:3], "US")
    said = say_number(phone, region, abroad)
    assert said.dial == dial and said.spoken == spoken
    assert said.slow == spoken.replace(", ", " ... ")


def test_a_number_phonenumbers_cannot_read_is_said_in_threes_and_fours():
    assert say_number("12345", "US").spoken == "one two three, four five"


def test_an_extension_is_accepted():
    assert check_phone(EXT) == EXT
    assert check_phone("+1 555 010 0199 x204") == "+1 555 010 0199 x204"


def test_digits_are_timed_at_two_a_second_written_or_said():
    said = "Hi, it's Ana Lima, plus four four, two zero, seven nine four six, zero nine five eight."
    measured = measure_speech(said, phone_forms(UK))
    assert measured["phone_numbers"] == 1 and measured["words"] == 5  # Hi it's Ana Lima plus
    assert measured["estimated_seconds"] == pytest.approx(5 * 0.4 + 12 * 0.5)
    written = measure_speech("Call me on +44 20 7946 0958, thanks.")
    assert written["estimated_seconds"] == pytest.approx(4 * 0.4 + 12 * 0.5)
    assert measure_speech("one or two things")["estimated_seconds"] == pytest.approx(4 * 0.4)
    slow = "Again, Ana Lima, plus four four ... two zero ... seven nine four six ... zero nine five eight."
    assert measure_speech(slow, phone_forms(UK))["estimated_seconds"] == pytest.approx(4 * 0.4 + 12 * 0.5)
    national = measure_speech("It's zero two zero, seven nine four six, zero nine five eight.", phone_forms(UK))
    assert national["estimated_seconds"] == pytest.approx(1 * 0.4 + 11 * 0.5)


def _voicemail(writer, profile_phone, contact):
    from followup_script import History, Outcome, Situation

    history = History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT, Situation.APPLICATION)
    plan = writer.plan(history, dt.date(2026, 11, 23))
    profile = {"name": "Ana Lima", "phone": profile_phone, "email": "ana@example.com"}
    return writer.write("voicemail", plan, contact, profile, today=plan.due)


def test_a_voicemail_abroad_says_plus_and_the_country_code(writer):
    """Finding 4: "+55 11 98765-4321" was said "five five one, one nine eight...", the
    "+49 (0)30" trunk zero was read out, and the "plus" was lost."""
    to_us = _voicemail(writer, BR, {"name": "Dana Reyes", "phone": "+1 555 123 4567"}).text
    assert "plus five five, one one, nine eight seven six five, four three two one" in to_us
    to_berlin = _voicemail(writer, DE, {"name": "Dana Reyes", "phone": "+1 555 123 4567"}).text
    assert "plus four nine, three zero, one two three four five six" in to_berlin
    at_home = _voicemail(writer, DE, {"name": "Jonas Weber", "phone": "+49 30 7654321"}).text
    assert "zero three zero, one two three four five six" in at_home and "plus" not in at_home


def test_a_voicemail_with_an_extension_says_it(writer):
    text = _voicemail(writer, EXT, {"name": "Dana Reyes"}).text
    assert "extension two zero four" in text


def test_every_builtin_voicemail_fits_30_seconds_with_a_long_international_number_and_a_long_name(writer):
    """Finding 4: a 12-digit UK number said twice pushed voicemails to 30.4-36.4 s once timed
    honestly. Every built-in voicemail, every stage and situation, a few weeks of nudges."""
    from followup_script import History, Outcome, Situation

    me = {"name": "Ana Lima", "phone": UK, "email": "ana@example.com"}  # to a US contact: "plus four four, ..."
    contact = {"name": "María José López García", "first_name": "María José", "company": "Compañía Grande S.A.",
               "role": "Senior Data Engineer", "phone": "+1 555 123 4567"}
    last = dt.date(2026, 11, 16)
    histories = [History(last, Outcome.NO_COMMITMENT, s) for s in Situation]
    histories += [History(last, Outcome.NO_TIME, s) for s in Situation]
    histories += [History(last, Outcome.SCHEDULED, s, dt.datetime(2026, 11, 20, 15, 0)) for s in Situation]
    histories += [History(last, Outcome.SCHEDULED, s, dt.datetime(2026, 11, 17, 10, 30)) for s in Situation]
    histories += [History(last, Outcome.NO_ANSWER, s, None, n) for s in Situation for n in range(1, 9)]
    longest = 0.0
    for history in histories:
        planned = writer.plan(history, dt.date(2026, 11, 19))
        message = writer.write("voicemail", planned, contact, me, today=planned.due)
        assert "plus four four, two zero, seven nine four six, zero nine five eight" in message.text
        longest = max(longest, message.metrics["estimated_seconds"])
        assert message.metrics["estimated_seconds"] <= 30, (message.template, message.metrics, message.text)
    assert longest > 20  # the number really is timed: 24 digits alone are 12 s
