"""--update reaches every surface that writes a weekly nudge (#15 "What to build", FIX-15 gap 3):
the one-shot, a batch row and `next` had it; `due --render` and the wizard did not."""

from __future__ import annotations

import datetime as dt

from followup_script.wizard import questions
from followup_script.wizard.flow import Wizard

from .conftest import PROFILE, TODAY, ok, one_error_line
from .test_wizard import ENTER, drive, new_writer, tracker_at

ME = ("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567")
NEWS = "I just finished the AWS certification."


def test_due_render_places_the_news_in_each_weekly_nudge_only(cli):
    ok(cli, "contact", "add", "Dana Reyes", "--company", "Acme Analytics")
    ok(cli, "log", "Dana Reyes", "--via", "voicemail", "--outcome", "no-answer", "--date", "2026-11-18",
       "--today", "2026-11-25")  # a weekly nudge, due today
    ok(cli, "contact", "add", "Lee Park", "--company", "Globex")
    ok(cli, "log", "Lee Park", "--via", "call", "--outcome", "no-commitment", "--date", "2026-11-20",
       "--today", "2026-11-25")  # a three-day check: no slot for news
    out = ok(cli, *ME, "due", "--render", "--update", NEWS, "--today", "2026-11-25").stdout
    sections = out.split("== ")[1:]
    dana = next(s for s in sections if s.startswith("Dana Reyes"))
    lee = next(s for s in sections if s.startswith("Lee Park"))
    assert "weekly-nudge" in dana and NEWS in dana
    assert "three-day-check" in lee and "AWS" not in lee
    jsonl = ok(cli, *ME, "due", "--render", "--format", "jsonl", "--update", NEWS, "--today", "2026-11-25").stdout
    assert jsonl.count("AWS") == 1
    assert "AWS" not in ok(cli, *ME, "due", "--render", "--today", "2026-11-25").stdout  # not kept
    one_error_line(cli("due", "--update", NEWS, "--today", "2026-11-25"), "--update", "add --render")
    one_error_line(cli(*ME, "due", "--render", "--update", "x" * 300, "--today", "2026-11-25"),
                   "update", "keep it under 280")


def test_the_update_question_is_optional_and_checked():
    q = questions.news_update()
    assert q.message == "Anything new to mention? (enter to skip)" and q.default == ""
    assert q.check("") is True and q.answer("   ") is None
    assert q.answer(f"  {NEWS}  ") == NEWS
    assert "keep it under 280" in q.check("x" * 300)


def test_the_wizard_asks_for_news_for_a_weekly_nudge_only(tmp_path, capsys):
    db = tmp_path / "t.sqlite3"
    with tracker_at(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "company": "Acme Analytics", "situation": "interview"})
        tracker.log("Dana Reyes", "no-answer", via="voicemail", at=dt.date(2026, 11, 18), today=TODAY)
        tracker.add_contact({"name": "Lee Park", "company": "Globex"})
        tracker.log("Lee Park", "no-commitment", via="call", at=dt.date(2026, 11, 20), today=TODAY)
    writer = new_writer(tmp_path / "c.toml", {"profile": dict(PROFILE)})
    code = drive(Wizard(writer, TODAY, db, clipboard=None), "Dana Reyes", ENTER, ENTER,  # nothing new logged
                 NEWS, ENTER, "3", ENTER, "q", ENTER)  # the news, then the voicemail
    assert code == 0
    out = capsys.readouterr().out
    assert "Anything new to mention?" in out and NEWS in out.split("voicemail: about", 1)[1]
    code = drive(Wizard(writer, TODAY, db, clipboard=None), "Lee Park", ENTER, ENTER, "3", ENTER, "q", ENTER)
    assert code == 0
    out = capsys.readouterr().out
    assert "three-day-check" in out and "Anything new" not in out
