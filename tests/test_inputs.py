"""Problem 10 of issue 14: one set of inputs everywhere.

``--from-name/--from-phone/--from-email`` work on every command that writes a script
(the one-shot, ``next``, ``due --render``, ``batch``), resolved once by the Session;
``batch`` and ``import`` read the same CSV columns (``input/columns.py``, documented
once in docs/columns.md), with semicolons and ``Last Contact`` style headers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup_script.errors import InputError

ROOT = Path(__file__).parent.parent
TODAY = ["--today", "2026-11-25"]
ME = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]
APPLICATIONS = ("name,company,role,last_contact,outcome,scheduled_for,attempts\n"
                "Dana Reyes,Acme,Data Engineer,2026-11-20,,,\n"
                "Lee Park,Initech,Analyst,2026-11-11,no-answer,,\n"
                "Sam Ortiz,Globex,,2026-11-18,scheduled,2026-11-27 10:00,0\n")


def tracked(cli):
    assert cli("contact", "add", "Dana Reyes", "--company", "Acme", "--email", "dana@acme.example").returncode == 0
    assert cli("log", "dana", "--outcome", "no-commitment", "--date", "2026-11-20", *TODAY).returncode == 0


# -- the profile options on every command that renders -------------------------------------------


def test_problem_10_next_due_render_and_batch_take_the_from_options(cli, tmp_path):
    tracked(cli)  # no profile in the config: without --from-name no script can be written
    assert "needs your name" in cli("next", "dana", *TODAY).stderr

    shown = cli("next", "dana", *TODAY, *ME)
    assert shown.returncode == 0, shown.stderr
    assert "this is Ana Lima, at five five five, one two three, four five six seven" in shown.stdout

    rendered = cli("due", "--render", "--channel", "email", "--format", "jsonl", *TODAY, *ME)
    assert rendered.returncode == 0, rendered.stderr
    assert "Ana Lima" in json.loads(rendered.stdout)["script"]

    path = tmp_path / "rows.csv"
    path.write_text(APPLICATIONS)
    batch = cli("batch", path, *TODAY, *ME)
    assert batch.returncode == 0, batch.stderr
    assert all("Ana Lima" in json.loads(row)["script"] for row in batch.stdout.splitlines()[:2])


def test_a_commands_own_from_option_wins_over_the_roots(cli, tmp_path):
    tracked(cli)
    both = cli("--from-name", "Root Name", "--from-phone", "+1 555 000 1111",
               "next", "dana", "--from-name", "Own Name", *TODAY)
    assert both.returncode == 0, both.stderr
    assert "this is Own Name, at five five five, zero zero zero, one one one one" in both.stdout
    assert "Root Name" not in both.stdout
    path = tmp_path / "rows.csv"
    path.write_text("name,last_contact,from_name\nDana,2026-11-20,Row Name\nLee,2026-11-20,\n")
    rows = cli("--from-name", "Root Name", "batch", path, "--from-name", "Own Name", "--from-phone",
               "+1 555 000 1111", *TODAY)
    scripts = [json.loads(row)["script"] for row in rows.stdout.splitlines()]
    assert "Row Name" in scripts[0] and "Own Name" in scripts[1], "a row's column, then the command's"


def test_a_bad_from_option_on_a_command_is_one_line(cli):
    tracked(cli)
    result = cli("next", "dana", "--from-phone", "call me", *TODAY)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "followup-script: error: --from-phone 'call me' is not a phone number; use digits, e.g. '+1 555 123 4567'"]


def test_the_from_options_are_in_each_commands_help(cli):
    for command in (["next"], ["due"], ["batch"]):
        help_text = cli(*command, "--help").stdout
        for option in ("--from-name", "--from-phone", "--from-email"):
            assert option in help_text, (command, option)


# -- batch and import read the same columns ----------------------------------------------------------


def test_problem_10_import_reads_a_batch_csv_with_last_contact(cli, tmp_path):
    path = tmp_path / "applications.csv"
    path.write_text(APPLICATIONS)
    imported = cli("import", path, *TODAY)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[-1] == "imported: 3 contacts added, 3 touches added"
    assert "add touch Dana Reyes: 2026-11-20 application no-commitment" in imported.stdout
    # the tracker plans each contact as batch plans its row
    batch = [json.loads(row) for row in cli("batch", path, *TODAY, *ME).stdout.splitlines()]
    for row in batch:
        name = row["script"].split(",")[0].removeprefix("Hi ")
        tracker = json.loads(cli("next", name, "--format", "json", *TODAY, *ME).stdout)
        assert (tracker["stage"], tracker["due"], tracker["due_time"], tracker["attempt"]) == \
               (row["stage"], row["due"], row["due_time"], row["attempt"]), name


def test_problem_10_batch_reads_a_semicolon_csv_with_name_and_last_contact_headers(cli, tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("name,company,last_contact,outcome\nDana Reyes,Acme,2026-11-20,no-commitment\n"
                     "Lee Park,Initech,2026-11-11,no-answer\n")
    spreadsheet = tmp_path / "spreadsheet.csv"
    spreadsheet.write_text("Name;Company;Last Contact;Outcome\r\nDana Reyes;Acme;2026-11-20;no-commitment\r\n"
                           "Lee Park;Initech;2026-11-11;no-answer\r\n")
    expected = cli(*ME, "batch", plain, *TODAY)
    got = cli(*ME, "batch", spreadsheet, *TODAY)
    assert got.returncode == 0, got.stderr
    assert got.stdout == expected.stdout and len(got.stdout.splitlines()) == 2
    imported = cli("import", spreadsheet, *TODAY)
    assert imported.returncode == 0, imported.stderr
    assert "add touch Lee Park: 2026-11-11 call no-answer" in imported.stdout


def test_tabs_and_quoted_separators(tmp_path):
    from followup_script.input.columns import csv_rows

    rows = list(csv_rows(["name\tlast_contact\n", "Dana\t2026-11-20\n"]))
    assert rows == [["name", "last_contact"], ["Dana", "2026-11-20"]]
    rows = list(csv_rows(['name;note;last_contact\n', '"Reyes; Dana";"a, b";2026-11-20\n']))
    assert rows[1] == ["Reyes; Dana", "a, b", "2026-11-20"]
    rows = list(csv_rows(['name,note,last_contact\n', 'Dana,"x; y; z",2026-11-20\n'] * 1))
    assert rows[1] == ["Dana", "x; y; z", "2026-11-20"], "a separator in a value is not the file's"
    assert list(csv_rows(["last_contact\n", "2026-11-20\n"])) == [["last_contact"], ["2026-11-20"]]


@pytest.mark.parametrize("cell, column", [
    ("Last Contact", "last_contact"), ("last-contact", "last_contact"), (" LAST_CONTACT ", "last_contact"),
    ("Date", "last_contact"), ("Next", "scheduled_for"), ("Scheduled For", "scheduled_for"),
    ("E-mail", "email"), ("Phone Number", "phone"), ("Call Window", "call_window"), ("Name", "name"),
])
def test_headers_are_matched_loosely(cell, column):
    from followup_script.input import columns

    assert columns.column_of(cell).name == column


def test_an_unknown_header_names_the_closest_column(cli, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("name,Last Contct,salary\nDana,2026-11-20,9\n")
    result = cli("batch", path, *ME)
    assert result.returncode == 2 and result.stdout == ""
    line, = result.stderr.strip().splitlines()
    assert "unknown column(s) 'Last Contct' (did you mean 'last_contact'?), 'salary';" in line
    path.write_text("name,date,outcome,shoe_size\nDana,2026-11-20,no-answer,9\n")
    line, = cli("import", path).stderr.strip().splitlines()
    assert "line 1: unknown column(s) 'shoe_size'; use: name," in line


def test_each_reader_takes_ignores_or_refuses_a_column():
    from followup_script.input.columns import BATCH, IMPORT, read_header

    header = read_header(["Name", "Note", "Last Contact", "From Name"], BATCH)
    assert header.keys == ["name", None, "last_contact", "from_name"]  # a note changes no script
    assert header.label("last_contact") == "Last Contact"
    header = read_header(["Name", "Note", "Last Contact", "From Name"], IMPORT)
    assert header.keys == ["name", "note", "last_contact", None]  # the tracker keeps no sender
    with pytest.raises(InputError, match="the column 'stopped' is for import only"):
        read_header(["name", "last_contact", "stopped"], BATCH)
    with pytest.raises(InputError, match="the columns 'date' and 'Last Contact' are both last_contact; keep one"):
        read_header(["name", "date", "Last Contact"], IMPORT)


def test_a_batch_row_error_names_the_column_as_the_file_does(cli, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("Name;Last Contact;Outcome\nDana;2026-11-20;maybe\n")
    result = cli("batch", path, *TODAY, *ME)
    assert f"{path} line 2: Outcome 'maybe' is not known" in result.stderr
    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text('{"Name": "Dana", "Last Contact": "2026-11-20"}\n{"name": "Lee", "last_contact": "x"}\n'
                     '{"name": "Kim", "lastcontact": "2026-11-20"}\n')
    result = cli("batch", jsonl, *TODAY, *ME)
    assert [json.loads(row)["line"] for row in result.stdout.splitlines()] == [1]
    assert "line 2: last_contact 'x' is not a date" in result.stderr
    assert "line 3: unknown field(s) 'lastcontact' (did you mean 'last_contact'?)" in result.stderr


def test_import_takes_attempts_only_when_there_are_none(cli, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("name,last_contact,outcome,attempts,from_name\nDana,2026-11-20,no-answer,2,Ana\n")
    result = cli("import", path, *TODAY)
    assert result.returncode == 2
    assert "line 2: attempts '2' cannot be imported: the tracker counts the follow-ups you log" in result.stderr
    path.write_text("name,last_contact,outcome,attempts,from_name\nDana,2026-11-20,no-answer,0,Ana\n")
    assert cli("import", path, *TODAY).returncode == 0


def test_a_batch_via_application_needs_no_outcome(cli, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("name,situation,via,last_contact\nDana,interview,application,2026-11-20\n"
                    "Lee,interview,call,2026-11-20\n")
    result = cli("batch", path, *TODAY, *ME)
    assert [json.loads(row)["stage"] for row in result.stdout.splitlines()] == ["three-day-check"]
    assert "line 3: outcome is needed for an interview follow-up" in result.stderr


def test_the_columns_are_documented_once():
    from followup_script.input import columns

    page = (ROOT / "docs" / "columns.md").read_text()
    assert columns.table() in page, "docs/columns.md: paste followup_script.input.columns.table() again"
    assert "columns.md" in (ROOT / "mkdocs.yml").read_text()
    for doc in ("cli.md", "tracker.md"):
        assert "(columns.md)" in (ROOT / "docs" / doc).read_text(), doc
