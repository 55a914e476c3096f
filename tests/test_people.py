"""Greetings (#15, finding 6): the name to address a contact by, never the first word."""

from __future__ import annotations

import datetime as dt

import pytest

from followup_script.writing.people import address, is_generic, name_to_greet


@pytest.mark.parametrize("name,first_name,greeting,expected", [
    ("Dr. Priya Natarajan", None, None, ("Dr. Natarajan", "Hi Dr. Natarajan", "Dear Dr. Natarajan")),
    ("Ms. Dana Reyes", None, None, ("Ms. Reyes", "Hi Ms. Reyes", "Dear Ms. Reyes")),
    ("Mr. O'Brien", None, None, ("Mr. O'Brien", "Hi Mr. O'Brien", "Dear Mr. O'Brien")),
    ("Prof. Dr. Hans Müller", None, None, ("Prof. Dr. Müller", "Hi Prof. Dr. Müller", "Dear Prof. Dr. Müller")),
    ("Dana Reyes", None, None, ("Dana", "Hi Dana", "Dear Dana")),
    ("Hiring Manager", None, None, (None, "Hello", "Dear Hiring Manager")),
    ("The Hiring Team", None, None, (None, "Hello", "Dear Hiring Team")),
    ("Recruiting", None, None, (None, "Hello", "Hello")),
    ("HR Department", None, None, (None, "Hello", "Hello")),
    (None, None, None, (None, "Hello", "Hello")),
    ("Nguyễn Văn An", "An", None, ("An", "Hi An", "Dear An")),
    ("María José López", "María José", None, ("María José", "Hi María José", "Dear María José")),
    ("Dr. Priya Natarajan", "Priya", None, ("Priya", "Hi Priya", "Dear Priya")),
    ("Nguyễn Văn An", None, "Chào anh An,", ("Nguyễn", "Chào anh An", "Chào anh An")),
])
def test_address(name, first_name, greeting, expected):
    assert tuple(address(name, first_name, greeting)) == expected


def test_generic_names_are_functions_not_people():
    assert is_generic("Hiring Manager") and is_generic("recruiting team") and is_generic("Talent Acquisition")
    assert not is_generic("Dana Manager") and not is_generic("Dr. Priya Natarajan")
    assert name_to_greet("Hiring Manager") is None


def test_templates_greet_by_title_and_surname_and_never_a_title_alone(writer):
    """Finding 6: "Hi Dr., this is", "Dear Mr.,", "Dear Hiring,", "Hi María" for María José."""
    from followup_script import History, Outcome, Situation

    history = History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT, Situation.APPLICATION)
    plan = writer.plan(history, dt.date(2026, 11, 23))
    cases = [({"name": "Dr. Priya Natarajan"}, "Dr. Natarajan"), ({"name": "Mr. Ken Ito"}, "Mr. Ito"),
             ({"name": "María José López", "first_name": "María José"}, "María José")]
    for contact, called in cases:
        for channel in ("voicemail", "email", "call"):
            text = writer.write(channel, plan, {**contact, "email": "x@example.com"}, today=plan.due).text
            assert called in text, (channel, text)
            for wrong in ("Dr.,", "Mr.,", "Hi María,", "Dear María,"):
                assert wrong not in text, (channel, wrong, text)
    generic = writer.write("email", plan, {"name": "Hiring Manager", "email": "x@example.com"}, today=plan.due)
    assert generic.text.startswith(("Hello,", "Dear Hiring Manager,")), generic.text
    spoken = writer.write("voicemail", plan, {"name": "Hiring Manager"}, today=plan.due).text
    assert spoken.startswith("Hello") and "Hi Hiring" not in spoken
