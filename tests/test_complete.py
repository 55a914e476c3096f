"""Shell completion (docs/cli.md): values of --channel, --outcome, --situation, --via and
the contacts' NAMEs, as the shell asks for them (click's _FOLLOWUP_SCRIPT_COMPLETE protocol),
run in process like every command. A completion is read only and never fails."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import COMMAND, ok


def complete(cli, line: str, shell: str = "bash", **env) -> list[str]:
    """What the shell offers for the last word of ``line`` (a trailing space: a new word)."""
    words = line.split(" ")
    result = cli(env={"_FOLLOWUP_SCRIPT_COMPLETE": f"{shell}_complete", "COMP_WORDS": line,
                      "COMP_CWORD": str(len(words) - 1), **env})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    if shell == "bash":
        return [item.split(",", 1)[1] for item in result.stdout.splitlines() if item]
    lines = result.stdout.splitlines()  # zsh: type, value, help, one line each
    return lines[1::3]


def test_channel_values_are_every_loaded_channel(cli):
    assert complete(cli, "followup-script --channel ") == ["call", "email", "voicemail"]
    assert complete(cli, "followup-script next Dana --channel e") == ["email"]
    with_postcard = complete(cli, "followup-script --channel p",
                             FOLLOWUP_SCRIPT_LOAD_PLUGINS="followup-script-postcard")
    assert with_postcard == ["postcard"]


def test_outcome_situation_and_via_values(cli):
    assert complete(cli, "followup-script --outcome no") == ["no-time", "no-commitment", "no-answer"]
    assert complete(cli, "followup-script --situation ") == ["application", "interview", "networking", "info"]
    assert complete(cli, "followup-script log Dana --outcome r") == ["replied"]
    assert "voicemail" in complete(cli, "followup-script log Dana --via ")


def test_contact_names_come_from_the_tracker(cli, tmp_path):
    for name in ("Dana Reyes", "Zoë Müller", "Sam Lee"):
        ok(cli, "contact", "add", name)
    assert complete(cli, "followup-script next ") == ["'Dana Reyes'", "'Sam Lee'", "'Zoë Müller'"]
    # a part of the name is enough, accents and case aside, as in the commands
    assert complete(cli, "followup-script contact show mul") == ["'Zoë Müller'"]
    assert complete(cli, "followup-script why da", shell="zsh") == ["Dana Reyes"]
    assert complete(cli, "followup-script contact add D") == [], "a new contact is not an old one"


def test_a_completion_never_fails_and_never_writes(cli, tmp_path):
    missing = tmp_path / "nowhere" / "tracker.sqlite3"
    assert complete(cli, "followup-script next ", FOLLOWUP_SCRIPT_DB=str(missing)) == []
    assert not missing.parent.exists()
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    assert complete(cli, "followup-script next ", FOLLOWUP_SCRIPT_DB=str(broken)) == []


@pytest.mark.e2e
def test_the_documented_bash_line_completes_in_a_real_shell(isolated_home):
    """docs/cli.md's eval line, then bash's own completion function, as a terminal runs it."""
    script = ('eval "$(_FOLLOWUP_SCRIPT_COMPLETE=bash_source followup-script)"\n'
              "COMP_WORDS=(followup-script --outcome no-); COMP_CWORD=2\n"
              "_followup_script_completion followup-script\n"
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    env = {**os.environ, "PATH": f"{os.path.dirname(COMMAND)}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["no-time", "no-commitment", "no-answer"]
