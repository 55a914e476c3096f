"""A batch writing JSON Lines to stdout imports only what those rows use (#13, its fixed cost):
the text report, the file names and the file writer are loaded for --format text and
--out-dir alone, and those still work."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

ONLY_FOR_TEXT_OR_FILES = ("followup_script.present.files", "followup_script.present.message",
                          "followup_script.present.plan", "followup_script.present.slug")

PROBE = (
    "import sys\n"
    "from followup_script.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(repr([code, sorted(m for m in {names!r} if m in sys.modules)]), file=sys.stderr)\n"
)


def _batch(tmp_path, *options: str) -> tuple[subprocess.CompletedProcess, int, list[str]]:
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,last_contact,outcome\nDana Reyes,Acme,2026-11-20,no-commitment\n"
                    "Lee Park,Globex,2026-11-20,replied\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_SCRIPT_")}
    env.update(FOLLOWUP_SCRIPT_LOAD_PLUGINS="builtin", FOLLOWUP_SCRIPT_CONFIG=str(tmp_path / "none.toml"),
               XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(names=ONLY_FOR_TEXT_OR_FILES), "--from-name", "Ana Lima",
         "--from-phone", "+1 555 123 4567", "batch", "--today", "2026-11-25", *options, str(rows)],
        capture_output=True, text=True, env=env, timeout=60)
    code, loaded = ast.literal_eval(done.stderr.strip().splitlines()[-1])
    return done, code, loaded


def test_json_lines_rows_load_no_text_report_and_no_file_writer(tmp_path):
    done, code, loaded = _batch(tmp_path)
    assert code == 0 and '"script": "Hi Dana' in done.stdout, done.stderr
    assert loaded == []


def test_text_rows_and_files_still_get_what_they_use(tmp_path):
    done, code, loaded = _batch(tmp_path, "--format", "text")
    assert code == 0 and "# Dana Reyes · Acme · three-day-check\nStage:   three-day-check" in done.stdout
    assert loaded == ["followup_script.present.message", "followup_script.present.plan"]
    done, code, loaded = _batch(tmp_path, "--out-dir", str(tmp_path / "out"))
    assert code == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dana-reyes.txt"]
    assert (tmp_path / "out" / "dana-reyes.txt").read_text().startswith("# Dana Reyes · Acme · three-day-check\n")
    assert loaded == list(ONLY_FOR_TEXT_OR_FILES)
