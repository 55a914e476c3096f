"""The ``sync`` benchmark (#18), called by bench/run.py.

A real IMAP server (pymap: ``python -m tests.inbox_server``, the suite's own) runs
in a process of its own on 127.0.0.1, seeded with N unrelated messages and one
reply from each of C tracked contacts. Measured: ``followup-script sync --dry-run``
(each run does the whole work; a real run would find the messages recorded the
second time) against ``bench/floor_imap.py``, a hand-written imaplib script doing
one SEARCH and one header FETCH for the same addresses; then the same sync over a
mailbox ten times larger, for its peak memory.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent


def _tracker(db: Path, contacts: int) -> list[str]:
    from followup_script.tracker.service import Tracker

    addresses = [f"person{n}@company{n}.example" for n in range(contacts)]
    if db.exists():
        db.unlink()
    with Tracker.open(db) as tracker:
        for n, address in enumerate(addresses):
            tracker.add_contact({"name": f"Person {n} Sample", "email": address, "company": f"Company {n}"})
            tracker.log(f"Person {n} Sample", "no-answer", "email", dt.date(2026, 11, 16), today=dt.date(2026, 11, 27))
    return addresses


def _server(noise: int, replies: Path) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.inbox_server", "--noise", str(noise), "--replies",
                             str(replies)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return proc, int(proc.stdout.readline())


def bench_sync(measure, compare, command: str, env: dict, work: Path, tiny: bool, runs: int) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from tests.inbox_server import PASSWORD, USER

    small, big, contacts = (20, 200, 5) if tiny else (10_000, 100_000, 200)
    addresses = _tracker(work / "sync.sqlite3", contacts)
    replies = work / "sync-addresses.txt"
    replies.write_text("\n".join(addresses) + "\n", encoding="utf-8")
    results, ours_small = [], None
    for size in (small, big):
        proc, port = _server(size, replies)
        try:
            config = work / "sync.toml"
            config.write_text(f'[imap]\nhost = "127.0.0.1"\nport = {port}\nuser = "{USER}"\n'
                              f'password_env = "BENCH_IMAP_PASSWORD"\nsecurity = "none"\n'
                              "timeout = 3600\n",  # pymap has no index: one SEARCH of 100,000 takes minutes
                              encoding="utf-8")
            run_env = dict(env, FOLLOWUP_SCRIPT_CONFIG=str(config), BENCH_IMAP_PASSWORD=PASSWORD)
            sync = [command, "sync", "--dry-run", "--since", "2026-11-01", "--today", "2026-11-27",
                    "--db", str(work / "sync.sqlite3")]
            floor = [sys.executable, str(HERE / "floor_imap.py"), str(port), USER, PASSWORD, "2026-11-01",
                     str(replies)]
            measure(floor, 1, run_env)  # the server reads every message once: neither side pays for that
            if size == small:
                ours_small = measure(sync, runs, run_env)
                results.append(compare(f"sync: {small} messages / {contacts} contacts vs imaplib SEARCH + FETCH",
                                       ours_small, measure(floor, runs, run_env), 2.0))
            else:
                ours_big = measure(sync, max(1, runs // 3), run_env)
                ratio = ours_big["peak_kib"] / ours_small["peak_kib"]
                results.append({"name": f"sync: peak memory at {big} vs {small} messages", "ours": ours_big,
                                "floor": ours_small, "ratio": round(ratio, 3), "target": 1.2,
                                "met": ratio <= 1.2, "measures": "peak_kib"})
            print(f"sync bench: {results[-1]}", file=sys.stderr, flush=True)
        finally:
            proc.terminate()
            proc.wait(30)
    return results
