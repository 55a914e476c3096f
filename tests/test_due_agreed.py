"""`due` lists what an agreed call asks before it (#15 finding 3; FIX-15 gap 1): the written
confirmation on the day the time was agreed and the reminder on the weekday before the call.
Before, on those days `due` said "nothing is due today"; only the Why: sentence said to do them."""

from __future__ import annotations

import json

from .conftest import ok

AGREED = ("log", "Dana Reyes", "--outcome", "scheduled", "--via", "call", "--date", "2026-11-20",
          "--next", "2026-11-27 15:00", "--today", "2026-11-20")


def test_due_lists_the_confirmation_and_the_reminder_on_their_days(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics")
    ok(cli, *AGREED)
    agreed_day = ok(cli, "due", "--today", "2026-11-20")
    assert "confirm the call by email" in agreed_day.stdout and "2026-11-20" in agreed_day.stdout
    assert "due today" in agreed_day.stdout and "nothing is due" not in agreed_day.stderr
    before = ok(cli, "due", "--today", "2026-11-26").stdout  # Thursday, the weekday before the call
    assert "remind them" in before and "2026-11-26" in before and "confirm" not in before
    between = ok(cli, "due", "--today", "2026-11-24")
    assert between.stdout == "" and "nothing is due today" in between.stderr
    week = ok(cli, "due", "--today", "2026-11-20", "--within", "7").stdout.splitlines()[1:]
    assert [" ".join(line.split()[4:]) for line in week] == [
        "confirm the call by email 2026-11-20 due today", "remind them 2026-11-26 in 6 days",
        "scheduled-call 2026-11-27 15:00 in 7 days"]
    listed = json.loads(ok(cli, "due", "--today", "2026-11-20", "--json").stdout)
    assert [(r["task"], r["task_due"], r["stage"]) for r in listed] == [
        ("confirm the call by email", "2026-11-20", "scheduled-call")]


def test_due_render_writes_the_confirmation_on_the_day_agreed(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--email", "dana@acme.example")
    ok(cli, *AGREED)
    out = ok(cli, "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "due", "--render",
             "--channel", "email", "--today", "2026-11-20").stdout
    assert out.startswith("== Dana Reyes (Acme Analytics) · confirm the call by email ==\n")
    assert "Subject: Our call about my application at Acme Analytics" in out and "Friday 27 November" in out


def test_a_confirmation_or_reminder_logged_leaves_the_queue(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics")
    ok(cli, *AGREED)
    ok(cli, "log", "Dana", "--via", "email", "--outcome", "no-answer", "--date", "2026-11-20", "--today", "2026-11-20")
    assert "confirm" not in ok(cli, "due", "--today", "2026-11-20").stdout  # it was sent
    assert "remind them" in ok(cli, "due", "--today", "2026-11-26").stdout
    ok(cli, "log", "Dana", "--via", "sms", "--outcome", "no-answer", "--date", "2026-11-26", "--today", "2026-11-26")
    assert ok(cli, "due", "--today", "2026-11-26").stdout == ""
    assert "scheduled-call" in ok(cli, "due", "--today", "2026-11-27").stdout  # the call itself stays
