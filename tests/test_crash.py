"""Crash safety: SIGKILL in the middle of many tracker writes and of a batch with --out-dir
(only a real process can be killed: these start one).

Afterwards the tracker passes ``PRAGMA integrity_check``, holds every touch whose commit
was reported, and every output file is whole (written to a temp name, then renamed)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import COMMAND, run_cli

LOGGER = r"""
import datetime as dt, sys
from followup_script.tracker.service import Tracker
tracker = Tracker.open(sys.argv[1])
if not any(True for _ in tracker.contacts()):
    tracker.add_contact({"name": "Dana Reyes", "company": "Acme"})
day = dt.date(2020, 1, 1)
for n in range(int(sys.argv[2])):
    tracker.log("Dana Reyes", "no-answer", "voicemail", day + dt.timedelta(days=n % 3000),
                note=f"{sys.argv[3]}-{n}", today=dt.date(2030, 1, 1))
    print(n + 1, flush=True)   # reported only after the commit returned
"""


def test_sigkill_during_tracker_writes_loses_no_committed_touch(tmp_path):
    db = tmp_path / "tracker.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", LOGGER, str(db), "100000", "k"], stdout=subprocess.PIPE,
                            text=True)
    committed = 0
    for line in proc.stdout:
        committed = int(line)
        if committed >= 300:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    for line in proc.stdout:  # anything printed before the kill landed
        committed = int(line)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        notes = {row[0] for row in conn.execute("SELECT note FROM touches")}
        assert {f"k-{n}" for n in range(committed)} <= notes
        assert len(notes) in (committed, committed + 1)  # at most the one in flight, whole
        (count,) = conn.execute("SELECT touch_count FROM contacts").fetchone()
        assert count == len(notes)  # the cached state moved with the touches, in one transaction
    done = run_cli("contact", "show", "Dana", "--db", db)
    assert done.returncode == 0, done.stderr


@pytest.mark.e2e
def test_sigkill_during_batch_out_dir_leaves_only_whole_files(tmp_path, cli):
    rows = tmp_path / "rows.csv"
    with open(rows, "w", encoding="utf-8") as handle:
        handle.write("name,company,role,last_contact,outcome,attempts\n")
        for n in range(4000):
            handle.write(f"Contact {n},Acme {n},Data Engineer,2026-11-{1 + n % 20:02d},no-answer,{n % 30}\n")
    out = tmp_path / "out"
    profile = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567"]
    proc = subprocess.Popen([COMMAND, *profile, "batch", str(rows), "--out-dir", str(out), "--today", "2026-11-25"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists()  # 300 whole files (a temp one is not yet one)
                                           or sum(not n.endswith(".tmp") for n in os.listdir(out)) < 300):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    names = sorted(os.listdir(out))
    finals = [n for n in names if not n.endswith(".tmp")]
    assert 300 <= len(finals) < 4000, "the kill must land mid-batch"
    assert len(names) - len(finals) <= 1  # at most the file being written, under its temp name
    # the same rows, up to the last one that got a file, written again without a kill
    # "Contact 41" is on line 43 and its file is contact-41.txt
    last = max(int(name.split(".")[0].rsplit("-", 1)[1]) for name in finals) + 2
    head = tmp_path / "head.csv"
    head.write_text("".join(rows.read_text(encoding="utf-8").splitlines(keepends=True)[:last]), encoding="utf-8")
    reference = tmp_path / "reference"
    again = cli(*profile, "batch", str(head), "--out-dir", str(reference), "--today", "2026-11-25")
    assert again.returncode == 0, again.stderr
    for name in finals:  # every file that has its final name is complete and identical
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
