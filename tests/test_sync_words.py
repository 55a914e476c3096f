"""What sync's summary and due's "Replied:" line say when there is a lot to say (#18)."""

from __future__ import annotations

import datetime as dt

from followup_script.present.sync import replied_line


def test_due_names_the_newest_replies_and_counts_the_rest():
    found = [(f"Person {n} Sample", (dt.date(2026, 11, 27) - dt.timedelta(days=n % 7)).isoformat())
             for n in range(200)]
    line = replied_line(found)
    assert line.startswith("Replied: Person 0 Sample on Friday 27 November 2026 (found by sync), "
                           "Person 1 Sample on Thursday 26 November 2026 (found by sync), ")
    assert line.endswith(", and 197 more")
    assert "Person 3 Sample" not in line and len(line) < 240  # one readable line, not 200 names


def test_three_replies_are_all_named():
    found = [("Dana Reyes", "2026-11-23"), ("Lee Park", "2026-11-22"), ("Sam Ortiz", "2026-11-21")]
    assert replied_line(found) == ("Replied: Dana Reyes on Monday 23 November 2026 (found by sync), "
                                   "Lee Park on Sunday 22 November 2026 (found by sync), "
                                   "Sam Ortiz on Saturday 21 November 2026 (found by sync)")
