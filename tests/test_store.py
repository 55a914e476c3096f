"""The tracker file: real SQLite files in tmp dirs, migrations, transactions, two writers."""

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from followup_script.errors import InputError
from followup_script.tracker.service import Tracker
from followup_script.tracker.store import MIGRATIONS, SCHEMA_VERSION, Store


def test_open_creates_the_folder_and_sets_pragmas(tmp_path):
    path = tmp_path / "deep" / "er" / "tracker.sqlite3"
    with Store.open(path) as store:
        conn = store.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert store.version == SCHEMA_VERSION
    assert path.is_file()


def test_default_path_follows_the_env(tmp_path, monkeypatch):
    target = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("FOLLOWUP_SCRIPT_DB", str(target))
    Store.open().close()
    assert target.is_file()


def test_default_path_is_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("FOLLOWUP_SCRIPT_DB")
    from followup_script.input.config import data_dir

    with Store.open() as store:
        assert store.path == data_dir() / "tracker.sqlite3"
        assert str(store.path).startswith(str(tmp_path))  # the isolated home, never the real one


def _file_at_version(path, version):
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        step(conn)
    conn.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        conn.execute(
            "INSERT INTO contacts (uid, name, name_key, situation, created_at, updated_at) "
            "VALUES ('u-1', 'Dana Reyes', 'dana reyes', 'interview', 'x', 'x')"
        )
        if version >= 3:  # a version-3 file keeps each name as names are compared
            conn.execute("UPDATE contacts SET name_fold = 'dana reyes'")
        conn.execute(
            "INSERT INTO touches (uid, contact_id, at, via, outcome, created_at) "
            "VALUES ('t-1', 1, '2026-11-20', 'call', 'no-commitment', 'x')"
        )
    conn.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    _file_at_version(path, version)
    with Tracker.open(path) as tracker:
        assert tracker.store.version == SCHEMA_VERSION
        tables = {r[0] for r in tracker.store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"contacts", "touches", "meta"} <= tables
        if version >= 1:  # rows written by the older version survive, and get a plan
            dana = tracker.find("dana")
            assert dana.situation == "interview"
            assert tracker.plan(tracker.show("dana", dt.date(2026, 11, 25))["history"],
                                dt.date(2026, 11, 25)).stage.value == "three-day-check"


def test_a_version_zero_file_is_upgraded_in_place(tmp_path):
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    assert path.exists()
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION


def test_refuses_a_file_from_a_newer_version(tmp_path):
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(InputError, match=rf"newer followup-script .*schema {SCHEMA_VERSION + 1}.*upgrade"):
        Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1  # untouched
    conn.close()


def test_refuses_another_programs_database(tmp_path):
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(InputError, match="another program"):
        Store.open(path)


def test_refuses_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes, not a database\n" * 100)
    with pytest.raises(InputError, match="not a followup-script tracker file"):
        Store.open(path)


def test_refuses_a_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        Store.open(tmp_path)


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    path = tmp_path / "t.sqlite3"
    with Store.open(path) as store:
        with pytest.raises(RuntimeError):
            with store.write():
                store.add_contact({"name": "Dana Reyes"})
                raise RuntimeError("power cut")
        with store.read():
            assert list(store.contacts()) == []


def test_removing_a_contact_removes_its_touches(tmp_path):
    with Store.open(tmp_path / "t.sqlite3") as store:
        with store.write():
            dana = store.add_contact({"name": "Dana Reyes"})
            store.add_touch(dana.id, dt.date(2026, 11, 20), "call", "no-commitment")
            store.remove_contact(dana.id)
        assert store.conn.execute("SELECT count(*) FROM touches").fetchone()[0] == 0


def test_the_schema_rejects_unknown_outcomes(tmp_path):
    with Store.open(tmp_path / "t.sqlite3") as store:
        with pytest.raises(sqlite3.IntegrityError):
            with store.write():
                dana = store.add_contact({"name": "Dana Reyes"})
                store.add_touch(dana.id, dt.date(2026, 11, 20), "call", "maybe")


def test_the_due_query_uses_the_index(tmp_path):
    with Store.open(tmp_path / "t.sqlite3") as store:
        plan = store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE stopped_on IS NULL AND due_key IS NOT NULL "
            "AND due_key < ? ORDER BY due_key, name_key", ("2026-12-01",)
        ).fetchall()
        assert "contacts_by_due" in " ".join(str(row) for row in plan)
        history = store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM touches WHERE contact_id = ? ORDER BY at DESC, id DESC", (1,)
        ).fetchall()
        assert "touches_by_contact" in " ".join(str(row) for row in history)


WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from followup_script.tracker.service import Tracker

    path, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Tracker.open(path) as tracker:
        for i in range(count):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
            tracker.log(who, "no-answer", "voicemail", day, note=f"{who} {i}", today=dt.date(2026, 12, 31))
            tracker.log("Shared Contact", "no-answer", "email", day, note=f"{who} shared {i}",
                        today=dt.date(2026, 12, 31))
    print("ok")
""")


def test_two_processes_write_at_once(tmp_path):
    path = tmp_path / "shared.sqlite3"
    with Tracker.open(path) as tracker:
        for name in ("Writer One", "Writer Two", "Shared Contact"):
            tracker.add_contact({"name": name})
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    count = 150
    procs = [subprocess.Popen([sys.executable, str(script), str(path), who, str(count)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in ("Writer One", "Writer Two")]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert out.strip() == "ok"
    with Tracker.open(path) as tracker:
        conn = tracker.store.conn
        assert conn.execute("SELECT count(*) FROM touches").fetchone()[0] == 4 * count
        shared = tracker.find("Shared Contact")
        assert shared.touch_count == 2 * count
        assert shared.attempts == 2 * count  # the cache agrees with every touch written
        notes = {r[0] for r in conn.execute("SELECT note FROM touches")}
        assert len(notes) == 4 * count
