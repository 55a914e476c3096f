"""Issue 16, defects 6, 13, 14, 16 and 22: hostile input and damaged files.

Each test is named after the defect it attacks and failed on the code at commit 704ab3d.
"""

from __future__ import annotations

import json
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


# -- defect 14: hostile JSON imports -------------------------------------------------------------

_TOUCH = {"at": "2026-11-20", "via": "call", "outcome": "no-answer"}


def _contact(**extra):
    return {"name": "Dana Reyes", "touches": [dict(_TOUCH)], **extra}


def _touch(**extra):
    return {"name": "Dana Reyes", "touches": [{**_TOUCH, **extra}]}


@pytest.mark.parametrize("contact, needle", [
    (_contact(uid=["a"]), "uid is a list, not text"),
    (_contact(uid="u" * 5000), "uid is 5000 characters"),
    (_contact(created_at={"a": 1}), "created_at is an object, not text"),
    (_contact(created_at="yesterday-ish"), "created_at 'yesterday-ish' is not a date and time"),
    (_touch(via=5), "touches[0]: via '5' is a number, not text"),
    (_touch(note={"a": 1}), "touches[0]: note is an object, not text"),
    (_touch(uid=7), "touches[0]: uid '7' is a number, not text"),
    (_touch(created_at=[1]), "touches[0]: created_at is a list, not text"),
    (_touch(at=20261120), "touches[0]: at '20261120' is a number, not text"),
    (_touch(colour="red"), "touches[0]: unknown field(s) colour"),
    (_contact(stop={"on": "2026-11-20", "note": {"a": 1}}), "stop.note is an object, not text"),
    (_contact(snooze={"until": "2026-12-20", "note": [1]}), "snooze.note is a list, not text"),
    (_contact(stop={"on": "2026-11-20", "extra": 1}), "stop must be"),
    (_contact(revision=2**64), "revision 18446744073709551616 is out of range"),
    (_contact(revision=-1), "revision -1 is out of range"),
    (_contact(revision=True), "revision true is not a whole number"),
    ({"name": ["Dana"]}, "name is a list, not text"),
    ({"name": True}, "name 'true' is true or false, not text"),
    ({"name": "Dana", "phone": 5551234567}, "phone '5551234567' is a number, not text"),
    ({"name": "Dana", "notes": [1]}, "notes is a list, not text"),
])
def test_defect_14_a_wrongly_typed_field_is_a_bad_row(cli, tmp_path, contact, needle):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"format": "followup-script", "version": 2, "contacts": [contact]}))
    line = one_error_line(cli("import", path, "--today", "2026-11-25"), "has 1 bad row(s): contacts[0]",
                          needle, "(nothing was imported)")
    assert "Error binding" not in line
    assert cli("contact", "list").stdout == ""  # all or nothing: nothing


def test_defect_14_deep_nesting_is_a_bad_file_not_a_crash(cli, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"contacts": ' + "[" * 100_000 + "]" * 100_000 + "}")
    one_error_line(cli("import", path), "the JSON is nested too deeply")


def test_defect_14_an_export_still_imports_as_it_is(cli, tmp_path):
    cli("contact", "add", "Dana Reyes", "--email", "dana@acme.example", "--phone", "+1 555 123 4567")
    cli("log", "Dana Reyes", "--outcome", "scheduled", "--next", "2026-12-01 10:00", "--note", "ok",
        "--today", "2026-11-25")
    cli("stop", "Dana Reyes", "--today", "2026-11-26")
    exported = tmp_path / "out.json"
    assert cli("export", "--output", exported).returncode == 0
    other = tmp_path / "other.sqlite3"
    result = cli("import", exported, "--today", "2026-11-27", env={"FOLLOWUP_SCRIPT_DB": str(other)})
    assert result.returncode == 0, result.stderr
    again = cli("export", env={"FOLLOWUP_SCRIPT_DB": str(other)}).stdout
    assert json.loads(again)["contacts"] == json.loads(exported.read_text())["contacts"]


# -- defect 16: tracker faults said as they are, and a salvage -----------------------------------


def _tracker_with(path, count: int) -> None:
    import datetime as dt

    from followup_script.tracker.service import Tracker

    with Tracker.open(path) as tracker:
        for i in range(count):
            tracker.add_contact({"name": f"Person {i:03d}", "notes": "n" * 300})
            tracker.log(f"Person {i:03d}", "no-answer", "call", dt.date(2026, 11, 20), today=dt.date(2026, 11, 25))


def _damage_a_contacts_page(path) -> None:
    """Overwrite one leaf page of the contacts table (found by SQLite's dbstat) with junk."""
    with sqlite3.connect(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = [row[0] for row in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'contacts' AND pagetype = 'leaf' ORDER BY pageno")]
    conn.close()
    assert len(leaves) > 4
    with open(path, "r+b") as f:
        f.seek((leaves[len(leaves) // 2] - 1) * size)
        f.write(b"\xde\xad\xbe\xef" * (size // 4))


def test_defect_16_a_damaged_page_is_named_and_what_remains_is_salvaged(cli, tmp_path):
    db = tmp_path / "home" / "tracker.sqlite3"
    _tracker_with(db, 120)
    _damage_a_contacts_page(db)
    for args in (["contact", "list"], ["due"], ["export"], ["calendar"]):
        one_error_line(cli(*args), f"'{db}' is damaged (database disk image is malformed)",
                       "export --salvage")
    rescued = tmp_path / "rescued.json"
    result = cli("export", "--salvage", "--output", rescued)
    assert result.returncode == 0, result.stderr
    lost = int(result.stderr.split("could not read ")[1].split()[0])
    assert 0 < lost < 40, result.stderr
    contacts = json.loads(rescued.read_text())["contacts"]
    assert len(contacts) == 120 - lost and all(len(c["touches"]) == 1 for c in contacts)
    assert f"salvaged {120 - lost} contact(s) and {120 - lost} touch(es)" in result.stderr
    fresh = tmp_path / "new.sqlite3"
    imported = cli("import", rescued, "--db", fresh, "--today", "2026-11-25")
    assert imported.returncode == 0, imported.stderr
    assert f"{120 - lost} contacts added" in imported.stdout


def test_defect_16_the_salvage_of_a_healthy_file_is_its_export(cli, tmp_path):
    _tracker_with(tmp_path / "home" / "tracker.sqlite3", 5)
    cli("stop", "Person 002", "--note", "moved on")
    cli("snooze", "Person 003", "--until", "2099-01-01")
    salvaged = cli("export", "--salvage")
    assert salvaged.returncode == 0 and "every row could be read" in salvaged.stderr
    assert json.loads(salvaged.stdout) == json.loads(cli("export").stdout)


def _connect_as(monkeypatch, how):
    """The tracker's sqlite3.connect, made to behave as on a read-only file system or a full disk."""
    from followup_script.tracker import database

    original = sqlite3.connect

    def connect(path, *args, **kwargs):
        if how == "read-only":
            return original(f"file:{path}?mode=ro", *args, uri=True, **kwargs)
        conn = original(path, *args, **kwargs)
        conn.execute(f"PRAGMA max_page_count = {max(1, conn.execute('PRAGMA page_count').fetchone()[0])}")
        return conn

    monkeypatch.setattr(database.sqlite3, "connect", connect)


def test_defect_16_a_read_only_file_system_at_open_is_not_called_a_foreign_file(cli, tmp_path, monkeypatch):
    db = tmp_path / "home" / "tracker.sqlite3"
    _tracker_with(db, 2)
    with sqlite3.connect(db) as conn:  # a tracker not (yet) in WAL mode: opening it writes
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    _connect_as(monkeypatch, "read-only")
    line = one_error_line(cli("due"), "cannot be written: the file or its file system is read-only")
    assert "is not a followup-script tracker file" not in line and "move that file away" not in line


def test_defect_16_a_full_disk_at_open_is_said(cli, tmp_path, monkeypatch):
    _connect_as(monkeypatch, "full")
    line = one_error_line(cli("contact", "add", "Dana Reyes"), "cannot be written: the disk is full")
    assert "is not a followup-script tracker file" not in line


def test_defect_16_a_full_disk_in_a_command_is_said(cli, tmp_path, monkeypatch):
    db = tmp_path / "home" / "tracker.sqlite3"
    _tracker_with(db, 1)
    _connect_as(monkeypatch, "full")
    one_error_line(cli("contact", "add", "Dana Reyes", "--notes", "x" * 20000),
                   "cannot be written: the disk is full", "nothing was changed")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1
    conn.close()


def test_defect_16_each_fault_is_read_from_its_sqlite_code(tmp_path):
    from followup_script.tracker.database import fault

    def error(name):
        exc = sqlite3.OperationalError("boom")
        exc.sqlite_errorname = name
        return exc

    for name, words in [("SQLITE_CORRUPT", "is damaged"), ("SQLITE_CORRUPT_INDEX", "is damaged"),
                        ("SQLITE_NOTADB", "is not a followup-script tracker file"),
                        ("SQLITE_FULL", "the disk is full"), ("SQLITE_READONLY_DBMOVED", "read-only"),
                        ("SQLITE_CANTOPEN", "cannot be opened"), ("SQLITE_IOERR_WRITE", "the disk reported")]:
        found = fault(tmp_path / "t.sqlite3", error(name))
        assert found is not None and words in str(found) and found.code == name
    assert fault(tmp_path / "t.sqlite3", error("SQLITE_BUSY")) is None
    assert fault(tmp_path / "t.sqlite3", error("SQLITE_CONSTRAINT_UNIQUE")) is None


# -- defect 22: look-alikes do not get past the courtesy guard -----------------------------------

LOOK_ALIKES = [
    ("please reply A\u200bSAP", "pressure"),  # a zero-width space
    ("please reply \uff21\uff33\uff21\uff30", "pressure"),  # full-width
    ("please reply \u0410SAP", "pressure"),  # a Cyrillic A
    ("this is my fin\u00adal notice", "pressure"),  # a soft hyphen
    ("please reply \u0391\u0405\u0391\u0420", "pressure"),  # Greek and Cyrillic only
    ("you ign\u200dored my calls", "blame"),  # a zero-width joiner
    ("you ign\u043ered my calls", "blame"),  # a Cyrillic o
    ("this is my \ufb01nal notice", "pressure"),  # the fi ligature
    ("call me \u2060urgently", "pressure"),  # a word joiner
]


@pytest.mark.parametrize("phrase, rule", LOOK_ALIKES)
def test_defect_22_look_alikes_fail_the_guard(phrase, rule):
    from followup_script.writing.guard import check

    found = check(f"Hi Dana, thank you for your time. {phrase}.", data=["Dana"])
    assert rule in {v.rule for v in found}, (phrase, found)


@pytest.mark.parametrize("name", ["Jos\u00e9 N\u00fa\u00f1ez", "Zo\u00eb M\u00fcller", "\u0410\u043d\u043d\u0430 "
                                  "\u041f\u0435\u0442\u0440\u043e\u0432\u0430", "\u0141ukasz \u00d8rsted",
                                  "Fran\u00e7ois \u0391\u03b8\u03b7\u03bd\u03ac", "Jose\u0301 Nu\u0301n\u0303ez"])
def test_defect_22_accented_and_other_script_names_pass_in_the_text_and_as_values(name):
    from followup_script.writing.guard import check

    text = f"Hi {name}, thank you for your time on Tuesday; I hope {name} and the team are well."
    assert check(text) == []
    assert check(text, data=[name]) == []
    # a value with a look-alike in it is still masked as a value: the guard judges the template
    assert check("Hi \u0410SAP Consulting, thank you.", data=["\u0410SAP Consulting"]) == []


def test_defect_22_templates_check_fails_a_pack_with_look_alikes(cli, tmp_path):
    pack = tmp_path / "pack"
    (pack / "email").mkdir(parents=True)
    (pack / "email" / "weekly-nudge.md.j2").write_text(
        "Subject: Checking in\n\nHi, please reply \u0410S\u200bAP. Thanks, {{ me.name }}\n", encoding="utf-8")
    result = cli("templates", "check", "--dir", pack)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "courtesy-guard" in result.stdout and "pressure: 'ASAP'" in result.stdout, result.stdout


# -- defect 6: config set keeps secrets as text, comments in place, typos out --------------------


def _config(isolated_home):
    return isolated_home / "config.toml"


def _stored(isolated_home):
    import tomllib

    return tomllib.loads(_config(isolated_home).read_text())


def test_defect_6_digits_stay_text_for_secrets_and_keep_leading_zeros(cli, isolated_home):
    for key, value in (("sms.auth_token", "0012345678"), ("email.user", "0012345"),
                       ("gmail.client_secret", "9876543210"), ("profile.linkedin", "007")):
        result = cli("config", "set", key, value)
        assert result.returncode == 0, result.stderr
    stored = _stored(isolated_home)
    assert stored["sms"]["auth_token"] == "0012345678" and stored["email"]["user"] == "0012345"
    assert stored["gmail"]["client_secret"] == "9876543210" and stored["profile"]["linkedin"] == "007"
    assert "0012345678" not in cli("config").stdout  # and still masked
    # numbers and true/false where the setting is one
    assert cli("config", "set", "email.port", "465").returncode == 0
    assert cli("config", "set", "schedule.calendar_days", "true").returncode == 0
    stored = _stored(isolated_home)
    assert stored["email"]["port"] == 465 and stored["schedule"]["calendar_days"] is True


def test_defect_6_the_smtp_password_is_never_stored(cli, isolated_home):
    one_error_line(cli("config", "set", "email.password", "hunter2-\u00e4"),
                   "email.password", "never stored in the config file", "email.password_command", "keyring")
    assert not _config(isolated_home).exists()


def test_defect_6_comments_dates_and_arrays_of_tables_survive_config_set(cli, isolated_home):
    _config(isolated_home).write_text(
        "# my followup-script settings\n"
        "[profile]   # who I am\n"
        'name = "Ana Lima"  # said twice\n'
        "started = 2026-01-05\n\n"
        "[[sms.numbers]]\n"
        'number = "+1 555 000 1111"\n'
        "[[sms.numbers]]\n"
        'number = "+1 555 000 2222"\n'
    )
    for key, value in (("profile.phone", "+1 555 123 4567"), ("defaults.channel", "email"),
                       ("profile.email", "ana@example.com")):
        result = cli("config", "set", key, value)
        assert result.returncode == 0, result.stderr
    assert cli("config", "unset", "profile.email").returncode == 0
    text = _config(isolated_home).read_text()
    assert "# my followup-script settings" in text and "# who I am" in text and "# said twice" in text
    stored = _stored(isolated_home)
    assert str(stored["profile"]["started"]) == "2026-01-05"
    assert [n["number"] for n in stored["sms"]["numbers"]] == ["+1 555 000 1111", "+1 555 000 2222"]
    assert stored["profile"]["phone"] == "+1 555 123 4567" and stored["defaults"]["channel"] == "email"
    assert "email" not in stored["profile"]
    shown = cli("config")
    assert shown.returncode == 0 and "2026-01-05" in shown.stdout


@pytest.mark.parametrize("key, value, needle", [
    ("profile.nmae", "Ana Lima", "did you mean profile.name?"),
    ("defaults.chanel", "sms", "did you mean defaults.channel?"),
    ("defaults.channel", "emial", "defaults.channel 'emial' is not known; did you mean email?"),
    ("emial.host", "smtp.example.com", "did you mean email.host?"),
    ("email.hots", "smtp.example.com", "did you mean email.host?"),
    ("email.security", "tls", "email.security 'tls' is not known"),
    ("email.port", "abc", "email.port 'abc' is not a port number"),
    ("schedule.calendar_days", "maybe", "is not true or false"),
    ("delivery.timeout_seconds", "0", "is not a number of seconds"),
])
def test_defect_6_unknown_keys_and_bad_values_are_refused(cli, isolated_home, key, value, needle):
    one_error_line(cli("config", "set", key, value), needle)
    assert not _config(isolated_home).exists()
