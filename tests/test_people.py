"""Greetings (#15, finding 6): the name to address a contact by, never the first word."""

from __future__ import annotations

import datetime as dt

import pytest

from followup_script import History, Outcome, Situation
from followup_script.engine.stages import plan
from followup_script.writing.context import build_context
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
    ("Nguyễn Văn An", None, "Chào anh An,", (None, "Chào anh An", "Chào anh An")),
    ("Nguyễn Văn An", "An", "Chào anh An,", ("An", "Chào anh An", "Chào anh An")),
])
def test_address(name, first_name, greeting, expected):
    assert tuple(address(name, first_name, greeting)) == expected


def test_generic_names_are_functions_not_people():
    assert is_generic("Hiring Manager") and is_generic("recruiting team") and is_generic("Talent Acquisition")
    assert not is_generic("Dana Manager") and not is_generic("Dr. Priya Natarajan")
    assert name_to_greet("Hiring Manager") is None


def test_templates_greet_by_title_and_surname_and_never_a_title_alone(writer):
    """Finding 6: "Hi Dr., this is", "Dear Mr.,", "Dear Hiring,", "Hi María" for María José."""
    history = History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT, Situation.APPLICATION)
    planned = writer.plan(history, dt.date(2026, 11, 23))
    cases = [({"name": "Dr. Priya Natarajan"}, "Dr. Natarajan"), ({"name": "Mr. Ken Ito"}, "Mr. Ito"),
             ({"name": "María José López", "first_name": "María José"}, "María José")]
    for contact, called in cases:
        for channel in ("voicemail", "email", "call"):
            text = writer.write(channel, planned, {**contact, "email": "x@example.com"}, today=planned.due).text
            assert called in text, (channel, text)
            for wrong in ("Dr.,", "Mr.,", "Hi María,", "Dear María,"):
                assert wrong not in text, (channel, wrong, text)
    generic = writer.write("email", planned, {"name": "Hiring Manager", "email": "x@example.com"}, today=planned.due)
    assert generic.text.startswith(("Hello,", "Dear Hiring Manager,")), generic.text
    spoken = writer.write("voicemail", planned, {"name": "Hiring Manager"}, today=planned.due).text
    assert spoken.startswith("Hello") and "Hi Hiring" not in spoken


ME = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]


def test_how_to_greet_a_contact_is_kept_by_the_tracker_and_used_by_next(cli):
    from .conftest import ok

    ok(cli, "contact", "add", "Nguyễn Văn An", "--first-name", "An", "--company", "Initech",
       "--email", "an@initech.example", "--timezone", "Asia/Ho_Chi_Minh")
    ok(cli, "contact", "add", "María José López", "--greeting", "Estimada María José,", "--email", "mj@example.com")
    for name in ("Nguyễn Văn An", "María José López"):
        ok(cli, "log", name, "--date", "2026-11-20", "--outcome", "no-commitment", "--today", "2026-11-25")
    an = ok(cli, *ME, "next", "Nguyễn Văn An", "--channel", "email", "--today", "2026-11-25").stdout
    assert "Dear An," in an and "Nguyễn," not in an
    mj = ok(cli, *ME, "next", "María José López", "--channel", "voicemail", "--today", "2026-11-25").stdout
    assert "Hi María," not in mj and "Hi María José" not in mj  # her greeting is the user's own
    from followup_script.tracker.service import Tracker

    with Tracker.open() as tracker, tracker.store.read():
        kept = {c.name: c for c in tracker.store.contacts()}
    assert kept["Nguyễn Văn An"].first_name == "An" and kept["Nguyễn Văn An"].timezone == "Asia/Ho_Chi_Minh"
    assert kept["María José López"].greeting == "Estimada María José,"
    context = build_context(plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT, Situation.APPLICATION),
                                 dt.date(2026, 11, 25)),
                            {"name": "Ana Lima"}, kept["María José López"].script_fields(), dt.date(2026, 11, 25))
    assert context["hello"] == context["dear"] == "Estimada María José"


def test_the_one_shot_and_a_batch_row_take_first_name_and_greeting(cli, tmp_path):
    from .conftest import ok

    one = ok(cli, *ME, "--name", "María José López", "--first-name", "María José", "--last-contact", "2026-11-20",
             "--today", "2026-11-25", "--channel", "email", "--email", "mj@example.com").stdout
    assert "Dear María José," in one
    rows = tmp_path / "rows.csv"
    rows.write_text("name,first_name,greeting,last_contact\nDr. Priya Natarajan,,,2026-11-20\n"
                    "Nguyễn Văn An,An,,2026-11-20\nHiring Manager,,,2026-11-20\n", encoding="utf-8")
    import json

    scripts = [json.loads(line)["script"] for line in
               ok(cli, *ME, "batch", str(rows), "--today", "2026-11-25").stdout.splitlines()]
    assert scripts[0].startswith("Hi Dr. Natarajan,") and scripts[1].startswith("Hi An,")
    assert scripts[2].startswith("Hello,")


def test_a_first_name_too_long_is_one_line(cli):
    from .conftest import one_error_line

    one_error_line(cli(*ME, "--name", "Dana", "--first-name", "x" * 101, "--last-contact", "2026-11-20",
                       "--today", "2026-11-25"), "--first-name", "101 characters", "keep it under 100")
