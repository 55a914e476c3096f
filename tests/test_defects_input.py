"""Issue 16, defects 6, 13, 14, 16 and 22: hostile input and damaged files.

Each test is named after the defect it attacks and failed on the code at commit 704ab3d.
"""

from __future__ import annotations

import sqlite3

import pytest

ME = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]


def one_error_line(result, *needles, code: int = 2):
    """Exit ``code``, one line on stderr naming the value: no internal error, no traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("followup-script: error: "), lines[0]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# -- defect 13: far dates ------------------------------------------------------------------------


@pytest.mark.parametrize("args, needle", [
    (["due", "--within", "100000000"], "--within"),
    (["due", "--within", "-1"], "--within"),
    (["calendar", "--weeks", "99999999999"], "--weeks 99999999999 is out of range; use 1 to 520"),
    (["calendar", "--weeks", "0"], "--weeks 0 is out of range"),
    (["calendar", "--reminder", "99999999999"], "--reminder 99999999999 is out of range; use 0 to 40320"),
    (["calendar", "--reminder", "-5"], "--reminder -5 is out of range"),
    (["why", "Dana", "--weeks", "100000"], "--weeks"),
    (["log", "Dana", "--outcome", "scheduled", "--next", "9999-12-31 10:00"], "outside the years"),
    (["--name", "Dana", *ME, "--last-contact", "9999-12-31"], "outside the years"),
    (["--name", "Dana", *ME, "--last-contact", "2026-11-20", "--today", "0001-01-01"], "outside the years"),
])
def test_defect_13_far_numbers_and_dates_are_one_line_exit_2(cli, args, needle):
    cli("contact", "add", "Dana")
    cli("log", "Dana", "--outcome", "no-answer", "--today", "2026-11-25")
    one_error_line(cli(*args), needle)


def _far_agreed_call(cli, tmp_path):
    """A tracker as an older version could leave it: an agreed call on 9999-12-31 10:00
    (its derived state thrown away, so this version derives it again at open)."""
    db = tmp_path / "home" / "tracker.sqlite3"
    cli("contact", "add", "Dana Reyes")
    cli("contact", "add", "Lee Park")
    cli("log", "Dana Reyes", "--outcome", "scheduled", "--next", "2026-12-01 10:00", "--today", "2026-11-25")
    cli("log", "Lee Park", "--outcome", "no-answer", "--today", "2026-11-25")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE touches SET next_at = '9999-12-31T10:00' WHERE next_at IS NOT NULL")
        conn.execute("DELETE FROM meta WHERE key = 'engine'")
    conn.close()


def test_defect_13_a_stored_far_date_does_not_break_calendar_or_why(cli, tmp_path):
    _far_agreed_call(cli, tmp_path)
    result = cli("calendar", "--today", "2026-11-25")
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    # the far contact keeps its next follow-up (no weekly series past year 9999); the others are whole
    assert "DTSTART:99991231T100000" in result.stdout
    assert "Follow up with Dana Reyes" in result.stdout
    assert "Weekly nudge: Lee Park" in result.stdout and "Weekly nudge: Dana Reyes" not in result.stdout
    why = cli("why", "Dana Reyes", "--today", "2026-11-25", "--weeks", "520")
    assert why.returncode == 0 and "internal error" not in why.stderr, why.stderr
