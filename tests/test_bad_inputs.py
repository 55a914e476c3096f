"""The bad-input matrix: one table, one row per bad value, each run through the command
line (in process, as the installed command runs it: ``cli``, see conftest). Every row must end with its documented exit code, one line on stderr naming the
value, no traceback, no stray temp file and no half-written tracker rows."""

from __future__ import annotations

import sqlite3

import pytest

PROFILE = '[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\nemail = "ana@example.com"\n'
ONE = ["--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer", "--today", "2026-11-25"]
LAST = ["--last-contact", "2026-11-20"]

PLUGIN = '''
import time
import followup_script
from followup_script import Channel, Receipt

def bad_receipt(message, context):
    return 42

def boom(message, context):
    raise RuntimeError("plugin exploded")

def slow(message, context):
    time.sleep(30)
    return Receipt(channel=message.channel, id="late")

def empty(message, job):
    message.text = None

@followup_script.hookimpl
def register_channels(register):
    register(Channel("wrongtype", "returns 42", "voicemail", deliver=bad_receipt))
    register(Channel("raises", "raises", "voicemail", deliver=boom))
    register(Channel("slowpoke", "sleeps", "voicemail", deliver=slow))
    register(Channel("emptied", "empties the text", "voicemail", finish=empty))
'''

BAD_PREPARE = '''
import followup_script

@followup_script.hookimpl
def prepare_jinja2_environment(env):
    env.filters["shout"] = lambda value: value.upper()
'''

CSV_HEAD = "name,company,role,last_contact,outcome,attempts\n"

# (id, argv, files {relative path: text}, exit code, needle in the one stderr line)
# In argv, "{tmp}" becomes the test's folder. A file "config.toml" is used with --config.
MATRIX = [
    # -- command-line options and dates
    ("no-args", [], {}, 2, "nothing to do"),
    ("bad-outcome", [*ONE, *LAST, "--outcome", "maybe"], {}, 2, "'maybe'"),
    ("bad-situation", [*ONE, *LAST, "--situation", "party"], {}, 2, "'party'"),
    ("bad-channel", [*ONE, *LAST, "--channel", "carrier-pigeon"], {}, 2, "'carrier-pigeon'"),
    ("bad-date", [*ONE, "--last-contact", "2026-13-45"], {}, 2, "'2026-13-45'"),
    ("words-date", [*ONE, "--last-contact", "last tuesday"], {}, 2, "'last tuesday'"),
    ("bad-today", ["--name", "Dana", *LAST, "--today", "someday"], {}, 2, "'someday'"),
    ("feb-30", [*ONE, "--last-contact", "2026-02-30"], {}, 2, "'2026-02-30'"),
    ("bad-scheduled", [*ONE, *LAST, "--outcome", "scheduled", "--scheduled-for", "2026-11-30 25:99"], {}, 2,
     "'2026-11-30 25:99'"),
    ("scheduled-before", [*ONE, *LAST, "--outcome", "scheduled", "--scheduled-for", "2026-11-01 10:00"], {}, 2,
     "2026-11-01"),
    ("scheduled-missing", [*ONE, *LAST, "--outcome", "scheduled"], {}, 2, "scheduled"),
    ("scheduled-before-no-answer", [*ONE, *LAST, "--outcome", "no-answer", "--scheduled-for", "2026-11-01"], {}, 2,
     "--scheduled-for '2026-11-01' is before the last contact on 2026-11-20"),
    ("last-contact-future", [*ONE, "--last-contact", "2026-12-01"], {}, 2,
     "--last-contact '2026-12-01' is after today (2026-11-25)"),
    ("last-contact-9999", [*ONE, "--last-contact", "9999-12-31"], {}, 2, "'9999-12-31' is outside the years"),
    ("today-0001", ["--name", "Dana", *LAST, "--today", "0001-01-01"], {}, 2, "--today '0001-01-01'"),
    ("scheduled-9999", [*ONE, *LAST, "--outcome", "scheduled", "--scheduled-for", "9999-12-31 23:59"], {}, 2,
     "'9999-12-31 23:59' is outside the years"),
    ("log-next-9999", ["log", "Dana", "--outcome", "scheduled", "--next", "9999-01-01"], {}, 2,
     "--next '9999-01-01' is outside the years"),
    ("log-date-1999", ["log", "Dana", "--outcome", "no-answer", "--date", "1999-11-20"], {}, 2,
     "--date '1999-11-20' is outside the years"),
    ("snooze-9999", ["snooze", "Dana", "--until", "9999-01-01"], {}, 2, "--until '9999-01-01' is outside the years"),
    ("negative-attempts", [*ONE, *LAST, "--attempts", "-3"], {}, 2, "-3"),
    ("text-attempts", [*ONE, *LAST, "--attempts", "three"], {}, 2, "'three'"),  # was 3 lines
    ("unknown-option", [*ONE, *LAST, "--colour", "red"], {}, 2, "--colour"),
    ("bad-email", [*ONE, *LAST, "--email", "dana-at-acme"], {}, 2, "'dana-at-acme'"),
    ("bad-phone", [*ONE, *LAST, "--phone", "call me maybe"], {}, 2, "'call me maybe'"),
    ("blank-log-name", ["log", "   ", "--outcome", "no-answer"], {}, 2, "empty"),
    ("long-name", ["--name", "x" * 300, *LAST], {}, 2, "300 characters"),
    ("bad-from-email", [*ONE, *LAST, "--from-email", "ana@@x"], {}, 2, "'ana@@x'"),
    ("eml-for-voicemail", [*ONE, *LAST, "--format", "eml"], {}, 2, "voicemail"),
    ("output-is-dir", [*ONE, *LAST, "--output", "{tmp}"], {}, 2, "is a directory"),
    ("output-no-folder", [*ONE, *LAST, "--output", "{tmp}/nope/x.txt"], {}, 2, "does not exist"),
    ("deliver-voicemail", [*ONE, *LAST, "--deliver", "--yes"], {}, 2, "'voicemail' only prints"),
    ("deliver-no-yes", [*ONE, *LAST, "--channel", "email", "--email", "d@acme.example", "--deliver"],
     {"config.toml": PROFILE + '[email]\nhost = "smtp.example.com"\n'}, 2, "--yes"),  # set up: it asks
    ("stopped-deliver", [*ONE, *LAST, "--outcome", "stop", "--channel", "email", "--deliver", "--yes"], {}, 4,
     "asked not to be contacted"),
    ("no-profile", ["--config", "{tmp}/empty.toml", *ONE, *LAST], {"empty.toml": ""}, 2, "profile.name"),
    # -- config TOML
    ("toml-syntax", [*ONE, *LAST], {"config.toml": "[profile\nname = 'Ana'"}, 2, "not valid TOML"),
    ("toml-not-table", [*ONE, *LAST], {"config.toml": 'name = "Ana"\n'}, 2, "'name' must be a [table]"),
    ("toml-profile-number", [*ONE, *LAST], {"config.toml": "[profile]\nphone = 5551234\n"}, 2, "5551234"),
    ("toml-not-utf8", [*ONE, *LAST], {"config.toml": b"[profile]\nname = \"\xff\xfe\"\n"}, 2, "cannot be read"),
    ("toml-timeout-text", [*ONE, *LAST, "--channel", "email", "--email", "d@acme.example", "--deliver", "--yes"],
     {"config.toml": PROFILE + '[email]\nhost = "127.0.0.1"\n[delivery]\ntimeout_seconds = "soon"\n'}, 2, "'soon'"),
    ("toml-password", [*ONE, *LAST, "--channel", "email", "--email", "d@acme.example", "--deliver", "--yes"],
     {"config.toml": PROFILE + '[email]\nhost = "127.0.0.1"\npassword = "hunter2"\n'}, 2, "password_env"),
    ("config-set-no-section", ["config", "set", "phone", "123"], {}, 2, "'phone'"),
    ("config-set-bad-phone", ["config", "set", "profile.phone", "not-a-phone"], {}, 2, "'not-a-phone'"),
    ("config-unset-missing", ["config", "unset", "profile.nickname"], {}, 2, "'profile.nickname'"),
    # -- batch files and rows
    ("batch-missing", ["batch", "{tmp}/nope.csv"], {}, 2, "nope.csv"),
    ("batch-suffix", ["batch", "{tmp}/rows.xlsx"], {"rows.xlsx": "x"}, 2, "rows.xlsx"),
    ("batch-unknown-column", ["batch", "{tmp}/rows.csv"], {"rows.csv": "name,last_contact,salary\nA,2026-11-20,9\n"},
     2, "'salary'"),
    ("batch-no-last-contact", ["batch", "{tmp}/rows.csv"], {"rows.csv": "name,company\nA,B\n"}, 2, "last_contact"),
    ("batch-tracker-column", ["batch", "{tmp}/rows.csv"], {"rows.csv": "name,last_contact,stopped\nA,2026-11-20,\n"},
     2, "the column 'stopped' is for import only"),
    ("batch-same-column-twice", ["batch", "{tmp}/rows.csv"],
     {"rows.csv": "Name;Date;Last Contact\nA;2026-11-20;2026-11-20\n"}, 2, "'Date' and 'Last Contact' are both"),
    ("batch-row-future", ["batch", "{tmp}/rows.csv", "--today", "2026-11-25", "--out-dir", "{tmp}/out"],
     {"rows.csv": CSV_HEAD + "Dana,Acme,DE,2026-12-20,no-commitment,0\n"}, 2,
     "line 2: last_contact '2026-12-20' is after today", 2),
    ("batch-out-dir-is-file", ["batch", "{tmp}/rows.csv", "--out-dir", "{tmp}/rows.csv"],
     {"rows.csv": CSV_HEAD + "Dana,Acme,DE,2026-11-20,no-commitment,0\n"}, 2, "is a file"),
    ("batch-not-utf8", ["batch", "{tmp}/rows.csv", "--out-dir", "{tmp}/out"],
     {"rows.csv": CSV_HEAD.encode() + b"D\xe9na,Acme,DE,2026-11-20,no-commitment,0\n"}, 2,
     "line 2: the row is not UTF-8 text", 2),  # the row's own error, then the summary
    ("batch-strict-bad-date", ["batch", "{tmp}/rows.csv", "--strict", "--out-dir", "{tmp}/out"],
     {"rows.csv": CSV_HEAD + "Dana,Acme,DE,20/11/2026,no-commitment,0\n"}, 2, "'20/11/2026'", 2),
    ("batch-row-bad-outcome", ["batch", "{tmp}/rows.jsonl", "--out-dir", "{tmp}/out"],
     {"rows.jsonl": '{"name": "Dana", "last_contact": "2026-11-20", "outcome": "ghosted"}\n'}, 2, "'ghosted'", 2),
    ("batch-row-not-json", ["batch", "{tmp}/rows.jsonl", "--out-dir", "{tmp}/out"],
     {"rows.jsonl": '{"name": "Dana", \n'}, 2, "line 1", 2),
    ("batch-row-array", ["batch", "{tmp}/rows.jsonl", "--out-dir", "{tmp}/out"],
     {"rows.jsonl": '["Dana", "2026-11-20"]\n'}, 2, "JSON object", 2),
    ("batch-row-attempts", ["batch", "{tmp}/rows.csv", "--out-dir", "{tmp}/out"],
     {"rows.csv": CSV_HEAD + "Dana,Acme,DE,2026-11-20,no-answer,-1\n"}, 2, "-1", 2),
    # -- tracker import (CSV and JSON) and tracker commands
    ("import-bad-csv-date", ["import", "{tmp}/c.csv"], {"c.csv": "name,date,outcome\nDana,2026-99-01,no-answer\n"},
     2, "'2026-99-01'"),
    ("import-csv-unknown-col", ["import", "{tmp}/c.csv"], {"c.csv": "name,shoe_size\nDana,9\n"}, 2, "shoe_size"),
    ("import-json-broken", ["import", "{tmp}/c.json"], {"c.json": '{"contacts": [}'}, 2, "not valid JSON"),
    ("import-json-version", ["import", "{tmp}/c.json"], {"c.json": '{"format": "followup-script", "version": 99, '
                                                          '"contacts": []}'}, 2, "99"),
    ("import-json-bad-email", ["import", "{tmp}/c.json"],
     {"c.json": '{"contacts": [{"name": "Dana", "email": "nope"}]}'}, 2, "'nope'"),
    ("import-future-touch", ["import", "{tmp}/c.csv", "--today", "2026-11-25"],
     {"c.csv": "name,date,outcome\nDana,2027-01-01,no-answer\n"}, 2, "2027-01-01"),
    ("import-wrong-suffix", ["import", "{tmp}/c.txt"], {"c.txt": "x"}, 2, "c.txt"),
    ("import-csv-attempts", ["import", "{tmp}/c.csv"],
     {"c.csv": "Name;Last Contact;Outcome;Attempts\nDana;2026-11-20;no-answer;3\n"}, 2, "Attempts '3' cannot be imported"),
    ("import-csv-next-before", ["import", "{tmp}/c.csv", "--today", "2026-11-25"],
     {"c.csv": "name,last_contact,outcome,scheduled_for\nDana,2026-11-20,scheduled,2026-11-19\n"}, 2,
     "scheduled_for '2026-11-19' is before the touch on 2026-11-20"),
    ("log-unknown-contact", ["log", "Nobody Here", "--outcome", "no-answer"], {}, 2, "'Nobody Here'"),
    ("log-bad-via", ["log", "Dana", "--outcome", "no-answer", "--via", "pigeon"], {}, 2, "'pigeon'"),
    ("contact-bad-tz", ["contact", "add", "Lee", "--timezone", "Mars/Olympus"], {}, 2, "'Mars/Olympus'"),
    ("contact-bad-window", ["contact", "add", "Lee", "--call-window", "25:00-26:00"], {}, 2, "'25:00-26:00'"),
    ("contact-duplicate", ["contact", "add", "dana reyes"], {}, 2, "'dana reyes'"),
    ("due-negative", ["due", "--within", "-2"], {}, 2, "-2"),
    ("db-is-dir", ["due", "--db", "{tmp}"], {}, 2, "is a directory"),
    ("db-not-sqlite", ["due", "--db", "{tmp}/junk.sqlite3"], {"junk.sqlite3": "this is not a database" * 50}, 2,
     "junk.sqlite3"),
    # -- user templates
    ("template-syntax", [*ONE, *LAST], {"templates/voicemail/three-day-check.txt.j2": "Hi {{ contact.name "}, 2,
     "three-day-check.txt.j2"),
    ("template-undefined", [*ONE, *LAST],
     {"templates/voicemail/three-day-check.txt.j2": "Thanks {{ contact.nickname }}"}, 2, "nickname"),
    ("template-unknown-filter", [*ONE, *LAST],
     {"templates/voicemail/three-day-check.txt.j2": "Thanks {{ contact.name | shout }}"}, 2, "shout"),
    ("template-dunder", [*ONE, *LAST],
     {"templates/voicemail/three-day-check.txt.j2": "{{ contact.__class__.__mro__ }} thanks"}, 2, "__class__"),
    ("template-zero-div", [*ONE, *LAST], {"templates/voicemail/three-day-check.txt.j2": "{{ 1 // 0 }} thanks"}, 2,
     "ZeroDivisionError"),
    ("template-rude", [*ONE, *LAST],
     {"templates/voicemail/three-day-check.txt.j2": "Why haven't you called me back? CALL NOW. Thanks."}, 4,
     "courtesy guard"),
    ("email-no-subject", [*ONE, *LAST, "--channel", "email"],
     {"templates/email/three-day-check.md.j2": "Hello, thanks for your time."}, 2, "Subject:"),
    # -- plugin outputs
    ("plugin-wrong-type", [*ONE, *LAST, "--plugins-dir", "{tmp}/plug", "--channel", "wrongtype", "--deliver",
                           "--yes"], {"plug/p.py": PLUGIN}, 5, "returned 42"),
    ("plugin-raises", [*ONE, *LAST, "--plugins-dir", "{tmp}/plug", "--channel", "raises", "--deliver", "--yes"],
     {"plug/p.py": PLUGIN}, 5, "plugin exploded"),
    ("plugin-slow", [*ONE, *LAST, "--plugins-dir", "{tmp}/plug", "--channel", "slowpoke", "--deliver", "--yes"],
     {"plug/p.py": PLUGIN, "config.toml": PROFILE + "[delivery]\ntimeout_seconds = 0.5\n"}, 3, "'slowpoke'"),
    ("plugin-empties-text", [*ONE, *LAST, "--plugins-dir", "{tmp}/plug", "--channel", "emptied"],
     {"plug/p.py": PLUGIN}, 5, "'emptied'"),
    ("plugin-dir-missing", [*ONE, *LAST, "--plugins-dir", "{tmp}/no-such-dir", "--strict-plugins"], {}, 5,
     "no-such-dir", 2),
    ("plugin-bad-filter-use", [*ONE, *LAST, "--plugins-dir", "{tmp}/plug"],
     {"plug/p.py": BAD_PREPARE, "templates/voicemail/three-day-check.txt.j2": "Thanks {{ 5 | shout }}"}, 2,
     "AttributeError"),
]


def test_matrix_is_big_enough():
    assert len(MATRIX) >= 50
    assert len({row[0] for row in MATRIX}) == len(MATRIX)


def counts(db):
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        return [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("contacts", "touches")]


@pytest.mark.parametrize("row", MATRIX, ids=[row[0] for row in MATRIX])
def test_bad_input(row, cli, tmp_path, isolated_home):
    name, argv, files, code, needle = row[:5]
    lines = row[5] if len(row) > 5 else 1
    work = tmp_path / "work"
    work.mkdir()
    config = isolated_home / "config.toml"
    config.write_text(PROFILE, encoding="utf-8")
    db = isolated_home / "tracker.sqlite3"
    seeded = cli("contact", "add", "Dana Reyes", "--company", "Acme")
    assert seeded.returncode == 0, seeded.stderr
    for rel, text in files.items():
        target = (isolated_home if rel == "config.toml" or rel.startswith("templates/") else work) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode())
    before = counts(db)
    args = [a.replace("{tmp}", str(work)) for a in argv]
    result = cli(*args)
    err = [line for line in result.stderr.splitlines() if line.strip()]
    if name == "no-args":  # the help goes first, then the one error line
        err = err[-1:]
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(err) == lines, result.stderr
    assert any(needle in line for line in err), result.stderr
    assert all(line.startswith("followup-script: ") for line in err), result.stderr
    stray = [p for p in list(work.rglob("*")) + list(isolated_home.rglob("*")) if p.name.endswith(".tmp")]
    assert stray == []
    assert counts(db) == before
    out = work / "out"
    if out.exists():  # batch: whole files only, and none for a failed row
        assert all(p.stat().st_size > 0 for p in out.iterdir())
