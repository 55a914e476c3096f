"""Two processes log 1,000 touches each into one tracker file at the same time."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from tests.test_crash import LOGGER


def test_two_writers_2000_touches_no_lock_errors(tmp_path):
    db = tmp_path / "tracker.sqlite3"
    setup = subprocess.run([sys.executable, "-c", LOGGER, str(db), "0", "setup"], capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr
    procs = [subprocess.Popen([sys.executable, "-c", LOGGER, str(db), "1000", tag], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert not any("locked" in e for e in errors), errors
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM touches").fetchone()[0] == 2000
        for tag in ("a", "b"):
            assert conn.execute("SELECT count(*) FROM touches WHERE note LIKE ?", (f"{tag}-%",)).fetchone()[0] == 1000
        assert conn.execute("SELECT touch_count FROM contacts").fetchone()[0] == 2000
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
