"""``followup-script batch``: rows in, one result per row out, streaming."""

import email
import email.policy
import itertools
import json
from pathlib import Path

import pytest

from followup_script.compose.batch import Row, generate, read_rows

from .conftest import TODAY

CSV = (
    "name,company,role,situation,last_contact,outcome,scheduled_for,attempts,email\n"
    "Dana Reyes,Acme,Data Engineer,interview,2026-11-20,no-commitment,,0,dana@acme.example\n"
    "Lee Park,Initech,Analyst,application,2026-11-31,no-answer,,2,\n"
    "Sam Ortiz,Globex,,networking,2026-11-18,scheduled,2026-11-27 10:00,,sam@globex.example\n"
    "Kim Lo,Hooli,,application,2026-11-18,no-answer,,-3,\n"
    "Ray Diaz,Umbrella,,info,2026-11-19,stop,,,\n"
)
PROFILE = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(CSV)
    return path


def test_jsonl_output_and_bad_rows(cli, csv_file):
    result = cli(*PROFILE, "batch", csv_file, "--today", "2026-11-25")
    assert result.returncode == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [2, 4, 6]
    assert [r["stage"] for r in records] == ["three-day-check", "scheduled-call", "stopped"]
    assert records[1]["due_time"] == "10:00"
    assert records[2]["script"] is None
    errors = result.stderr.strip().splitlines()
    assert errors[0].endswith("line 3: last_contact '2026-11-31' is not a date; use YYYY-MM-DD (e.g. 2026-11-20), today or yesterday")
    assert "line 5: attempts -3 is negative" in errors[1]
    assert errors[-1] == "followup-script: 3 row(s) written, 2 failed"
    assert "Traceback" not in result.stderr


def test_same_fields_as_one_shot_json(cli, csv_file):
    row = json.loads(cli(*PROFILE, "batch", csv_file, "--today", "2026-11-25").stdout.splitlines()[0])
    single = json.loads(cli(*PROFILE, "--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer",
                            "--situation", "interview", "--last-contact", "2026-11-20",
                            "--email", "dana@acme.example", "--outcome", "no-commitment",
                            "--today", "2026-11-25", "--format", "json").stdout)
    row.pop("line")
    assert row == single


def test_strict_stops_at_the_first_bad_row(cli, csv_file):
    result = cli(*PROFILE, "batch", csv_file, "--today", "2026-11-25", "--strict")
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 1
    assert "--strict" in result.stderr.strip().splitlines()[-1]


def test_rows_made_before_a_fatal_error_are_all_written(cli, tmp_path):
    """Output goes out in chunks; a file that breaks off mid-way (a field over the
    CSV size limit at row 101) still gets every row before it, then the error."""
    path = tmp_path / "rows.csv"
    good = "".join(f"Person{n} Reyes,Acme,Analyst,2026-11-20\n" for n in range(100))
    path.write_text("name,company,role,last_contact\n" + good + 'Huge Row,"' + "x" * 200_000 + '",,2026-11-20\n')
    result = cli(*PROFILE, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2
    assert [json.loads(line)["line"] for line in result.stdout.splitlines()] == list(range(2, 102))
    assert "line 102" in result.stderr and "field larger than field limit" in result.stderr


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_row_that_is_not_utf8_is_reported_with_its_line(cli, tmp_path, suffix):
    path = tmp_path / f"rows{suffix}"
    if suffix == ".csv":
        body = "".join(f"Person{n} Reyes,Acme,2026-11-20\n" for n in range(100)).encode()
        cut = body.index(b"\n", 1000) + 1
        data = b"name,company,last_contact\n" + body[:cut] + b"Bad \xff Row,Acme,2026-11-20\n" + body[cut:]
        bad_line = 2 + body[:cut].count(b"\n")
    else:
        rows = [json.dumps({"name": f"Person{n} Reyes", "last_contact": "2026-11-20"}).encode()
                for n in range(100)]
        rows.insert(40, b'{"name": "Bad \xff Row", "last_contact": "2026-11-20"}')
        data = b"\n".join(rows) + b"\n"
        bad_line = 41
    path.write_bytes(data)
    result = cli(*PROFILE, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 100, "the rows around it go on"
    assert f"line {bad_line}: the row is not UTF-8 text; save the file as UTF-8" in result.stderr


def test_errors_interleave_with_rows_in_file_order(cli, tmp_path):
    path = tmp_path / "rows.csv"
    rows = [f"Person{n} Reyes,Acme,2026-11-{'31' if n % 50 == 7 else '20'}" for n in range(200)]
    path.write_text("name,company,last_contact\n" + "\n".join(rows) + "\n")
    # output: stdout and stderr as written, each stream through its own buffered writer,
    # so a row still sitting in stdout's buffer when an error goes out shows up late
    merged = cli(*PROFILE, "batch", path, "--today", "2026-11-25").output.splitlines()
    lines = [json.loads(x)["line"] if x.startswith("{") else int(x.split(" line ")[1].split(":")[0])
             for x in merged[:-1]]
    assert lines == list(range(2, 202)), "each error right after the row before it"


def test_out_dir_writes_one_file_per_row(cli, csv_file, tmp_path):
    out = tmp_path / "drafts"
    result = cli(*PROFILE, "batch", csv_file, "--today", "2026-11-25", "--channel", "email", "--out-dir", out)
    assert result.returncode == 2
    names = sorted(p.name for p in out.iterdir())
    assert names == ["dana-reyes.eml", "sam-ortiz.eml"]  # Ray Diaz said stop: no file
    msg = email.message_from_bytes((out / names[0]).read_bytes(), policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative" and msg["To"].addresses[0].addr_spec == "dana@acme.example"
    assert result.stderr.splitlines()[-1] == "followup-script: 2 row(s) written, 1 need nothing (1 stopped), 2 failed"


ACCENTED = (
    "name,company,role,last_contact,outcome\n"
    "Zoë Müller,Acme,Data Engineer,2026-11-20,no-commitment\n"
    "Amélie Côté,Beta,Analyst,2026-11-20,replied\n"
    "Seán Murphy,Fabrikam,Engineer,2026-11-20,stop\n"
    "Zoë Müller,Globex,Data Engineer,2026-11-18,no-answer\n"
    "Łukasz Øster-Straße,Gamma,,2026-11-19,no-commitment\n"
)


def test_out_dir_names_keep_the_letters_and_replied_or_stopped_rows_get_no_file(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(ACCENTED, encoding="utf-8")
    out = tmp_path / "drafts"
    result = cli(*PROFILE, "batch", rows, "--today", "2026-11-25", "--out-dir", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["lukasz-oster-strasse.txt", "zoe-muller-2.txt", "zoe-muller.txt"]
    assert "Zoë Müller" in (out / "zoe-muller.txt").read_text() and "Acme" in (out / "zoe-muller.txt").read_text()
    assert "Globex" in (out / "zoe-muller-2.txt").read_text()  # the number only keeps the two apart
    assert result.stderr.splitlines()[-1] == (
        "followup-script: 3 row(s) written, 2 need nothing (1 replied, 1 stopped), 0 failed")


def test_text_headings_name_the_contact(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(ACCENTED, encoding="utf-8")
    result = cli(*PROFILE, "batch", rows, "--today", "2026-11-25", "--format", "text")
    assert result.returncode == 0, result.stderr
    headings = [line for line in result.stdout.splitlines() if line.startswith("# ")]
    assert headings == ["# Zoë Müller · Acme · three-day-check", "# Zoë Müller · Globex · weekly-nudge",
                        "# Łukasz Øster-Straße · Gamma · three-day-check"]
    assert "No script" not in result.stdout  # replied and stopped rows are only counted
    assert "2 need nothing (1 replied, 1 stopped)" in result.stderr


def test_jsonl_input(cli, tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"name": "Dana", "last_contact": "2026-11-20"}\n\nnot json\n[1]\n'
                    '{"name": "Lee", "last_contact": "2026-11-20", "attempts": 4, "outcome": "no-answer"}\n')
    result = cli(*PROFILE, "batch", path, "--today", "2026-11-25", "--format", "text")
    assert result.returncode == 2
    assert result.stdout.count("# Dana · three-day-check") == 1 and "# Lee · weekly-nudge" in result.stdout
    assert "line 3: not valid JSON" in result.stderr and "line 4: each line must be a JSON object" in result.stderr


@pytest.mark.parametrize("content,suffix,needle", [
    ("name,when\nDana,2026-11-20\n", ".csv", "unknown column(s) 'when'"),
    ("name\nDana\n", ".csv", "no last_contact column"),
    ("x", ".txt", "must end in .csv or .jsonl"),
])
def test_bad_files_are_one_line_errors(cli, tmp_path, content, suffix, needle):
    path = tmp_path / f"rows{suffix}"
    path.write_text(content)
    result = cli(*PROFILE, "batch", path)
    assert result.returncode == 2 and needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_missing_file(cli, tmp_path):
    result = cli("batch", tmp_path / "nope.csv")
    assert result.returncode == 2 and "cannot be read" in result.stderr


def test_generation_streams(writer):
    """An endless source still yields results one by one: nothing is read ahead."""
    consumed = []

    def endless():
        for n in itertools.count(2):
            consumed.append(n)
            yield Row(n, {"name": f"Person {n}", "last_contact": "2026-11-20"})

    results = generate(writer, endless(), "voicemail", TODAY)
    first = list(itertools.islice(results, 3))
    assert [r.line for r in first] == [2, 3, 4] and all(r.message.text for r in first)
    assert consumed == [2, 3, 4]


def test_read_rows_reports_csv_line_numbers(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('name,last_contact\n"Dana\nReyes",2026-11-20\nLee,2026-11-21\n')
    assert [r.line for r in read_rows(path)] == [2, 4]
    # blank lines are skipped without shifting the numbers; nameless and extra cells are ignored
    path.write_text('name,,last_contact\n\nDana,x,2026-11-20\n\n\nLee,y,2026-11-21,extra\nSam\n')
    rows = list(read_rows(path))
    assert [r.line for r in rows] == [3, 6, 7]
    assert [r.values for r in rows] == [{"name": "Dana", "last_contact": "2026-11-20"},
                                        {"name": "Lee", "last_contact": "2026-11-21"}, {"name": "Sam"}]
    path.write_text('name,last_contact\nDana,2026-11-20,extra\n\nLee\n')
    assert [(r.line, r.values) for r in read_rows(path)] == [
        (2, {"name": "Dana", "last_contact": "2026-11-20"}), (4, {"name": "Lee"})]


def _batch_in_a_terminal(tmp_path, rows: int, redirect: bool, bad_every: int = 0, fifo: bool = False,
                         timeout: float = 120):
    """Run batch with stderr (and stdin) on a real pseudo-terminal; stdout to a file or not.
    With ``fifo`` the rows come through a named pipe, written once by a thread."""
    import os
    import shlex
    import shutil
    import sys
    import threading

    pexpect = pytest.importorskip("pexpect")
    path = tmp_path / "rows.csv"
    lines = [f"Person{n} Reyes,Acme,{'2026-13-01' if bad_every and n % bad_every == 5 else '2026-11-20'}"
             for n in range(rows)]
    text = "name,company,last_contact\n" + "\n".join(lines) + "\n"
    if fifo:
        os.mkfifo(path)
        threading.Thread(target=path.write_text, args=(text,), daemon=True).start()  # waits for a reader
    else:
        path.write_text(text)
    command = shutil.which("followup-script", path=str(Path(sys.executable).parent))
    line = " ".join(map(shlex.quote, [command, *PROFILE, "batch", str(path), "--today", "2026-11-25"]))
    if redirect:
        line += f" > {shlex.quote(str(tmp_path / 'out.jsonl'))}"
    env = dict(os.environ, TERM="xterm-256color")
    child = pexpect.spawn("bash", ["-c", line], env=env, cwd=str(tmp_path), dimensions=(40, 120),
                          encoding="utf-8", timeout=timeout)
    try:
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return child.before, child.exitstatus


@pytest.mark.e2e
def test_a_long_batch_shows_a_progress_bar_on_the_terminal(tmp_path):
    seen, code = _batch_in_a_terminal(tmp_path, 3000, redirect=True, bad_every=1000)
    assert code == 2
    assert "followup-script: rows" in seen and "100%" in seen and "[####" in seen
    assert seen.count("is not a date") == 3  # each error on a line of its own, over the bar
    assert "\r\x1b[Kfollowup-script:" in seen and seen.rstrip().endswith("2997 row(s) written, 3 failed")
    out = (tmp_path / "out.jsonl").read_text().splitlines()
    assert len(out) == 2997 and all(line.startswith("{") for line in out), "nothing of the bar in the rows"


@pytest.mark.e2e
def test_no_progress_bar_when_the_rows_go_to_the_terminal_or_the_file_is_short(tmp_path):
    seen, code = _batch_in_a_terminal(tmp_path, 800, redirect=False)
    assert code == 0 and "followup-script: rows" not in seen and seen.count('{"stage"') == 800
    seen, code = _batch_in_a_terminal(tmp_path, 100, redirect=True)
    assert code == 0 and "followup-script: rows" not in seen and "100 row(s) written" in seen


def blocked_in_a_write(pid: int, longest: float = 3.0) -> None:
    """Wait until the process sleeps in a pipe write (the kernel's wait channel says so),
    or ``longest`` seconds, by which time the pipe is full and it waits inside a write."""
    import time

    wchan = f"/proc/{pid}/wchan"
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        try:
            with open(wchan) as handle:
                if "pipe" in handle.read():
                    time.sleep(0.05)
                    with open(wchan) as again:  # still there: not a write passing by
                        if "pipe" in again.read():
                            return
        except OSError:
            pass
        time.sleep(0.05)


@pytest.mark.e2e
def test_ctrl_c_while_the_output_is_blocked_writes_no_row_twice(tmp_path):
    """Interrupted inside a write (nobody reads the pipe), the rows that went out
    are each whole and each once; the command says it was interrupted (130)."""
    import os
    import signal
    import subprocess
    import sys

    path = tmp_path / "rows.csv"
    path.write_text("name,company,last_contact\n"
                    + "".join(f"Person{n} Reyes,Acme,2026-11-20\n" for n in range(5000)))
    command = str(Path(sys.executable).parent / "followup-script")
    read, write = os.pipe()
    proc = subprocess.Popen([command, *PROFILE, "batch", str(path), "--today", "2026-11-25"],
                            stdout=write, stderr=subprocess.PIPE)
    os.close(write)
    blocked_in_a_write(proc.pid)
    proc.send_signal(signal.SIGINT)
    with os.fdopen(read, "rb") as handle:
        data = handle.read()
    assert proc.wait(timeout=30) == 130
    assert b"interrupted" in proc.stderr.read()
    lines = data.decode().split("\n")
    whole = [json.loads(line)["line"] for line in lines[:-1]]
    assert whole == list(range(2, 2 + len(whole))) and len(whole) >= 32, "in order, none twice"
    assert lines[-1] == "" or not lines[-1].endswith("}"), "at most the last one cut short"


def test_a_jsonl_value_that_is_half_a_surrogate_pair_is_that_rows_error(cli, tmp_path):
    path = tmp_path / "rows.jsonl"
    rows = [json.dumps({"name": f"Person{n} Reyes", "last_contact": "2026-11-20"}) for n in range(10)]
    rows.insert(5, '{"name": "X", "company": "Ac\\ud800me", "last_contact": "2026-11-20"}')
    path.write_text("\n".join(rows) + "\n")
    result = cli(*PROFILE, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2 and len(result.stdout.splitlines()) == 10
    assert "line 6: a value holds half of a \\u surrogate pair" in result.stderr


def test_a_header_that_is_not_utf8_says_so(cli, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"name,comp\xe9ny,last_contact\nDana,Acme,2026-11-20\n")
    result = cli(*PROFILE, "batch", path, "--today", "2026-11-25")
    assert result.returncode == 2 and "line 1 is not UTF-8" in result.stderr


@pytest.mark.e2e
def test_no_progress_bar_for_a_fifo(tmp_path):
    """A FIFO can be read only once: counting its lines for a bar would leave no rows (or
    wait forever for another writer), so a long batch from a FIFO shows no bar and writes
    every row."""
    seen, code = _batch_in_a_terminal(tmp_path, 600, redirect=True, fifo=True, timeout=30)
    assert code == 0, seen
    assert "followup-script: rows" not in seen and "600 row(s) written, 0 failed" in seen
    out = (tmp_path / "out.jsonl").read_text().splitlines()
    assert [json.loads(line)["line"] for line in out] == list(range(2, 602))
