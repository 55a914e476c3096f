"""docs/reference.md is generated from the click commands and must not drift from them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
REFERENCE = ROOT / "docs" / "reference.md"


def clidoc(*args, env=None):
    full = dict(os.environ)
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "followup_script.cli.doc", *map(str, args)],
                          capture_output=True, text=True, env=full, timeout=60)


def test_the_reference_matches_the_commands():
    # with every installed plugin allowed: the page must still list core commands only
    result = clidoc("--check", env={"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-sms,followup-script-gmail"})
    assert result.returncode == 0, (
        "docs/reference.md is out of date with the commands; regenerate it with: "
        f"python -m followup_script.cli.doc\n{result.stderr}")


def test_every_core_command_and_option_is_in_the_reference():
    result = clidoc("-o", "-")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text == REFERENCE.read_text()
    for heading in ("## `followup-script`", "## `followup-script templates check`",
                    "## `followup-script config set`", "## `followup-script contact add`",
                    "## `followup-script wizard`", "## `followup-script batch`"):
        assert heading in text
    assert "| `--allow-tone` |" in text and "| `--dir DIR` |" in text
    assert "gmail login" not in text and "## `followup-script gmail" not in text


def test_the_check_fails_and_names_the_command_when_the_page_drifts(tmp_path):
    stale = tmp_path / "reference.md"
    stale.write_text(REFERENCE.read_text().replace("Lint every template", "Lint some templates"))
    result = clidoc("--check", "-o", stale)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{stale} is out of date; run: python -m followup_script.cli.doc"

    assert clidoc("-o", stale).returncode == 0
    assert stale.read_text() == REFERENCE.read_text()
    assert clidoc("--check", "-o", stale).returncode == 0
