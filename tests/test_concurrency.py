"""Two processes log 400 touches each into one tracker file at the same time.

Both open the tracker first and then start together (each says "ready" and waits for a line
on stdin), and each reports when its first write began and its last one ended: the test
checks that the two spans overlap (a writer that had finished before the other began would
prove nothing). SQLite lets one writer in at a time: the other waits on the busy timeout,
often through most of the first one's run, and must still end without a "database is
locked" error."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

EACH = 400

WRITER = r"""
import datetime as dt, sys, time
from followup_script.tracker.service import Tracker
tracker = Tracker.open(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # both writers go at once
day = dt.date(2020, 1, 1)
print(time.time(), flush=True)
for n in range(int(sys.argv[2])):
    tracker.log("Dana Reyes", "no-answer", "voicemail", day + dt.timedelta(days=n % 3000),
                note=f"{sys.argv[3]}-{n}", today=dt.date(2030, 1, 1))
print(time.time(), flush=True)
"""


def test_two_writers_at_once_no_lock_errors(tmp_path):
    from followup_script.tracker.service import Tracker

    db = tmp_path / "tracker.sqlite3"
    with Tracker.open(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "company": "Acme"})
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(EACH), tag], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    for proc in procs:
        assert proc.stdout.readline() == "ready\n", proc.communicate(timeout=60)[1]
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outs, errors = zip(*(p.communicate(timeout=300) for p in procs))
    assert [p.returncode for p in procs] == [0, 0], errors
    (start_a, end_a), (start_b, end_b) = ([float(t) for t in out.split()] for out in outs)
    assert max(start_a, start_b) < min(end_a, end_b), "the two writers did not write at the same time"
    assert not any("locked" in e for e in errors), errors
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM touches").fetchone()[0] == 2 * EACH
        for tag in ("a", "b"):
            assert conn.execute("SELECT count(*) FROM touches WHERE note LIKE ?", (f"{tag}-%",)).fetchone()[0] == EACH
        assert conn.execute("SELECT touch_count FROM contacts").fetchone()[0] == 2 * EACH
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
