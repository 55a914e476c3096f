"""``why`` from the library: Tracker.why's facts and forecast, worded by present.why."""

import datetime as dt

import pytest

from followup_script.engine.stages import Stage
from followup_script.present.why import why_text
from followup_script.tracker.service import Tracker

TODAY = dt.date(2026, 11, 25)  # a Wednesday
D = dt.date.fromisoformat


@pytest.fixture
def tracker(tmp_path):
    with Tracker.open(tmp_path / "tracker.sqlite3") as opened:
        yield opened


def test_an_overdue_step_is_done_today_and_said_once(tracker):
    tracker.add_contact({"name": "Dana Reyes", "company": "Acme"})
    tracker.log("Dana", "no-commitment", "call", D("2026-11-20"), note="said next week", today=TODAY)
    found = tracker.why("Dana", dt.date(2026, 11, 24), weeks=3)  # the check was due Monday 23
    text = why_text(found, dt.date(2026, 11, 24))
    lines = text.splitlines()
    assert lines[0] == "Dana Reyes (Acme)"
    assert "Stage:  three-day-check (attempt 1)" in lines
    assert "  last conversation  Friday 20 November 2026, call, no-commitment (said next week)" in lines
    assert ("   1. Tuesday 24 November 2026: three-day-check (attempt 1) "
            "(due Monday 23 November 2026, 1 day overdue: do it today)") in lines
    assert "   2. Tuesday 1 December 2026: weekly-nudge (attempt 2)" in lines
    assert "   3. Tuesday 8 December 2026: weekly-nudge (attempt 3)" in lines
    assert len([line for line in lines if line.startswith("   ")]) == 3


def test_a_contact_without_touches_gets_a_hint_to_paste(tracker):
    tracker.add_contact({"name": "O'Brien Lee"})
    text = why_text(tracker.why("Brien", TODAY), TODAY)
    assert "followup-script log 'O'\"'\"'Brien Lee' --outcome no-commitment --date 2026-11-25" in text


def test_a_stopped_contact_has_nothing_ahead(tracker):
    tracker.add_contact({"name": "Dana Reyes"})
    tracker.log("Dana", "no-answer", "voicemail", D("2026-11-20"), today=TODAY)
    tracker.stop("Dana", TODAY, "asked by email")
    found = tracker.why("Dana", TODAY)
    assert found["plan"].stage is Stage.STOPPED and found["simulation"] == []
    text = why_text(found, TODAY)
    assert "stop flag          set on 2026-11-25 (asked by email)" in text
    assert text.endswith("Next 8 weeks: nothing to send.\n")
