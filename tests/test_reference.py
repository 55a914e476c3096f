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


# -- docs/cli.md names every option of every command (#20) -----------------------------------------

GUIDE = ROOT / "docs" / "cli.md"


def guide_rows() -> dict[str, str]:
    """The options index of docs/cli.md: command path -> its row."""
    import re

    return {m.group(1): m.group(2) for m in re.finditer(r"^\| `(followup-script[^`]*)` \| (.*) \|$",
                                                         GUIDE.read_text(), re.M)}


def test_every_option_of_every_command_is_in_docs_cli_md():
    import click

    from followup_script.cli.doc import _root, _walk

    rows = guide_rows()
    cli, ctx = _root()
    seen = 0
    for cmd, sub in _walk(cli, ctx):
        assert sub.command_path in rows, f"docs/cli.md does not list {sub.command_path}"
        for param in cmd.get_params(sub):  # click's own list, subcommands included
            if not isinstance(param, click.Option) or param.hidden or param is cmd.get_help_option(sub):
                continue
            for name in [*param.opts, *param.secondary_opts]:
                assert f"`{name}`" in rows[sub.command_path], (
                    f"{sub.command_path} {name} is not in docs/cli.md; run: python -m followup_script.cli.doc")
                seen += 1
    assert seen > 100


def test_the_options_index_is_made_again_when_an_option_is_added():
    from followup_script.cli.doc import with_index

    current = GUIDE.read_text()
    assert with_index(current) == current  # up to date
    stale = current.replace("`--resend`, ", "", 1)
    assert stale != current and with_index(stale) == current


def test_resend_is_explained_in_the_guide():
    prose = GUIDE.read_text().split("<!-- options index")[0]
    assert "`--resend`" in prose and "next Dana --channel email\n--deliver --yes --resend" in prose
