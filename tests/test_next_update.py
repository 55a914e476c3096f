"""`next` takes --update, as the one-shot and a batch row do (#15 "What to build": the weekly
nudge's something-new slot; verification found it missing from the tracker's own command)."""

from __future__ import annotations

import json

from .conftest import ok

ME = ("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567")
NEWS = "I just finished the AWS certification."


def test_next_places_the_users_news_in_a_weekly_nudge_and_checks_it(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--email", "dana@acme.example")
    ok(cli, "log", "Dana Reyes", "--via", "call", "--outcome", "no-answer", "--date", "2026-11-20",
       "--today", "2026-11-20")
    for channel in ("voicemail", "email"):
        out = ok(cli, *ME, "next", "Dana Reyes", "--channel", channel, "--update", NEWS, "--today", "2026-11-27")
        assert NEWS in out.stdout, out.stdout
    plain = ok(cli, *ME, "next", "Dana Reyes", "--today", "2026-11-27").stdout
    assert "AWS" not in plain  # news for one message, not kept
    long = cli(*ME, "next", "Dana Reyes", "--update", "x" * 300, "--today", "2026-11-27")
    assert long.returncode == 2 and "--update" in long.stderr and "keep it under 280" in long.stderr
    pushy = cli(*ME, "next", "Dana Reyes", "--update", "Call me back ASAP.", "--today", "2026-11-27")
    assert pushy.returncode == 4 and "ASAP" in pushy.stderr  # the courtesy guard reads it
    assert "reword the news given with --update" in pushy.stderr  # not the template: the user's words


def test_the_due_line_says_an_agreed_time_as_the_script_does(cli):
    """#15 finding 3 beyond the script: the header said 'at 15:00' (a 24-hour clock, no zone)
    beside a script saying '3 pm London time'; a user reading the header could call at 3 pm
    their own time."""
    args = ("--name", "Dana Reyes", "--last-contact", "2026-11-20", "--outcome", "scheduled",
            "--scheduled-for", "2026-11-27 15:00", "--today", "2026-11-20")
    abroad = ok(cli, *ME, *args, "--timezone", "Europe/London", "--channel", "email").stdout
    assert "Due:     Friday 27 November 2026 at 3 pm London time\n" in abroad
    assert "talk again on Friday 27 November 2026 at 3 pm London time; call then" in abroad  # Why:
    assert "3 pm London time" in abroad.split("\n\n", 1)[1]  # the script says the same
    assert "Due:     Friday 27 November 2026 at 3 pm\n" in ok(cli, *ME, *args).stdout
    uk = ok(cli, "--from-name", "Ana Lima", "--from-phone", "+44 20 7946 0958", *args).stdout
    assert "Due:     Friday 27 November 2026 at 15:00\n" in uk  # a UK profile's clock is 24-hour


def test_a_missed_calls_why_and_json_say_the_agreed_time_on_the_profiles_clock(cli):
    """#15 finding 3 (FIX-15 gap 2): a missed call's Why: said 'agreed to talk on ... at 10:30'
    and --format json's reason the same (24-hour, no zone) beside a script saying '10:30 am'."""
    args = ("--name", "Dana Reyes", "--last-contact", "2026-11-20", "--outcome", "scheduled",
            "--scheduled-for", "2026-11-24 15:00", "--today", "2026-11-26")
    abroad = ok(cli, *ME, *args, "--timezone", "Europe/London").stdout
    assert "Stage:   missed-call" in abroad
    assert "agreed to talk on Tuesday 24 November 2026 at 3 pm London time, and nothing" in abroad
    assert "15:00" not in abroad
    assert "at 3 pm, and nothing" in ok(cli, *ME, *args).stdout  # a US profile: 12-hour, no zone to say
    data = json.loads(ok(cli, *ME, *args, "--timezone", "Europe/London", "--format", "json").stdout)
    data = data[0] if isinstance(data, list) else data
    assert "at 3 pm London time, and nothing" in data["reason"] and "15:00" not in data["reason"]
    assert data["agreed"] == "2026-11-24 15:00"  # the machine-readable fields stay as they were
    scheduled = json.loads(ok(cli, *ME, *args[:-1], "2026-11-20", "--timezone", "Europe/London",
                              "--format", "json").stdout)
    scheduled = scheduled[0] if isinstance(scheduled, list) else scheduled
    assert scheduled["due_time"] == "15:00" and "at 3 pm London time; call then" in scheduled["reason"]
