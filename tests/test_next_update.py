"""`next` takes --update, as the one-shot and a batch row do (#15 "What to build": the weekly
nudge's something-new slot; verification found it missing from the tracker's own command)."""

from __future__ import annotations

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
