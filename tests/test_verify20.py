"""Gaps of #20 found when it was checked as its users would check it: the one-shot
command's own --deliver makes only honest offers, as the wizard and next --deliver do."""

from __future__ import annotations

import pytest

from .conftest import one_error_line

PROFILE = ("--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com")
ONE_SHOT = ("--name", "Seán Murphy", "--last-contact", "2026-11-20", "--today", "2026-11-25", *PROFILE)


@pytest.mark.parametrize(("args", "needles"), [
    (["--channel", "email"],
     ["cannot deliver by email: Seán Murphy has no email address", "pass --email name@example.com"]),
    (["--channel", "email", "--email", "sean@fabrikam.example"],
     ["cannot deliver by email: ", "followup-script config set email.host"]),
    (["--channel", "voicemail"], ["channel 'voicemail' only prints; it cannot deliver"]),
])
def test_the_one_shot_says_what_to_set_before_it_asks(cli, args, needles):
    """Without --yes and without a terminal, a delivery that could be made stops at the
    question (--yes is needed); one that cannot says what to set first, as it would on a
    terminal instead of asking 'Deliver this email to ...?' and failing after the yes."""
    one_error_line(cli(*ONE_SHOT, *args, "--deliver"), *needles)
    one_error_line(cli(*ONE_SHOT, *args, "--deliver", "--yes"), *needles)


def test_config_unset_of_a_mistyped_key_says_which_was_meant(cli, isolated_home):
    (isolated_home / "config.toml").write_text('[profile]\nname = "Ana Lima"\n')
    one_error_line(cli("config", "unset", "profile.nmae"), "setting 'profile.nmae' is not set; did you mean profile.name?")
    one_error_line(cli("config", "unset", "email.host"), "followup-script config shows what is set")
    assert 'name = "Ana Lima"' in (isolated_home / "config.toml").read_text()  # nothing removed


def test_touch_list_on_a_narrow_terminal_cuts_its_title_too(cli):
    """The title above the table (name and company) is cut with an ellipsis like the table's
    cells, not split in the middle of a word by the terminal."""
    import os

    import pexpect

    from .conftest import COMMAND

    company = "Fabrikam Worldwide Industrial Holdings International"
    assert cli("contact", "add", "Seán Murphy", "--company", company).returncode == 0
    assert cli("log", "Seán", "--outcome", "no-commitment", "--date", "2026-11-24",
               "--note", "phone screen with the hiring manager, then the team").returncode == 0
    child = pexpect.spawn(COMMAND, ["touch", "list", "Seán"], env={**os.environ, "COLUMNS": "", "TERM": "dumb"},
                          dimensions=(24, 60), encoding="utf-8", timeout=30)
    shown = child.read().replace("\r\n", "\n")
    child.close()
    assert child.exitstatus == 0, shown
    lines = shown.rstrip("\n").split("\n")
    assert lines[0].startswith("Seán Murphy (Fabrikam") and lines[0].endswith("…"), lines
    assert lines[1].split() == ["ID", "DATE", "VIA", "OUTCOME", "AGREED", "NOTE"], lines
    assert len(lines) == 3 and all(len(line) <= 60 for line in lines), lines


@pytest.mark.parametrize(("args", "needle"), [
    (["templates", "show", "email/three-day-chek.md.j2"], "did you mean email/three-day-check.md.j2?"),
    (["templates", "show", "voicemail/weekly-nudge"], "did you mean voicemail/weekly-nudge.txt.j2?"),
    (["templates", "show", "default:voicemail/weekly-nuge.txt.j2"],
     "did you mean default:voicemail/weekly-nudge.txt.j2?"),
    (["templates", "copy", "email/three-day-chek.md.j2"], "did you mean email/three-day-check.md.j2?"),
    (["templates", "show", "xyzzy"], "see followup-script templates list"),
    (["templates", "show", "voicemail/nope.txt.j2"], "see followup-script templates list"),  # no far guess
    (["sync", "--inbox", "imapp"], "did you mean imap?"),
])
def test_a_mistyped_template_or_inbox_gets_a_did_you_mean(cli, args, needle):
    one_error_line(cli(*args), needle)


def test_every_usage_synopsis_in_the_docs_names_every_option_of_its_command():
    """A usage block (```` ``` ```` whose first line is ``followup-script CMD [...``) in
    README.md or docs/ names every option click has for that command, so a synopsis
    cannot drift as options are added (the one-shot's lacked --resend; next's --update)."""
    import re
    from pathlib import Path

    import click

    from followup_script.cli.doc import _root, _walk

    cli, ctx = _root()
    options = {}
    for cmd, sub in _walk(cli, ctx):
        options[sub.command_path] = {o for p in cmd.get_params(sub) if isinstance(p, click.Option) and not p.hidden
                                     and p is not cmd.get_help_option(sub) for o in p.opts if o.startswith("--")}
    root = Path(__file__).parent.parent
    checked = 0
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        if doc.name == "reference.md":  # generated from click (tests/test_reference.py)
            continue
        for block in re.finditer(r"^```(?:text)?\n(followup-script(?: [a-z][a-z-]*)*) [\[A-Z].*?^```", doc.read_text(),
                                 re.M | re.S):
            path = block.group(1)
            while path not in options:
                path = path.rsplit(" ", 1)[0]
            missing = options[path] - set(re.findall(r"--[a-z][a-z-]*", block.group(0)))
            assert not missing, f"{doc.name}: the usage of {path} does not name {sorted(missing)}"
            checked += 1
    assert checked >= 12


@pytest.mark.parametrize(("args", "needle"), [
    (["--name", "Dana", "--last-contact", "2026-11-20", "--format", "jsn"], "; did you mean json? (see followup-script --help)"),
    (["import", "rows.csv", "--format", "jason"], "; did you mean json? (see followup-script import --help)"),
    (["--name", "Dana", "--last-contact", "2026-11-20", "--format", "zzz"],
     "is not one of 'text', 'json', 'eml'; see followup-script --help"),
])
def test_a_mistyped_choice_of_click_gets_a_did_you_mean_too(cli, args, needle):
    one_error_line(cli(*args), needle)


@pytest.mark.parametrize("width", [80, 60])
def test_templates_list_never_cuts_the_name_templates_show_takes(writer, width):
    """On a narrow terminal the stage and situation (which the name also says) give way,
    not the name: at 60 columns it was cut to 'sms/ask-for-t…'."""
    from followup_script.compose.catalog import template_files
    from followup_script.present.listing import template_table
    from followup_script.present.table import cells

    files = template_files(writer)
    lines = template_table(files, width=width).splitlines()
    assert all(cells(line) <= width for line in lines), lines
    assert [line.split()[0] for line in lines[1:]] == [f.name for f in files]  # every name whole
    assert lines[0].split()[:2] == ["TEMPLATE", "CHANNELS"] and lines[0].split()[-1] == "ORIGIN"


def test_the_one_shot_on_an_80_column_terminal_wraps_on_word_boundaries(tmp_path):
    """What `make run` shows first, on a real 80x24 terminal: the Why: line and the script's
    long lines wrap between words (the terminal split them: 'later / , on Monday', 'seven / .');
    a pipe still gets whole lines (the README sample is checked against one)."""
    import os

    import pexpect

    from .conftest import COMMAND

    args = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--name", "Dana Reyes", "--company",
            "Acme Analytics", "--role", "Data Engineer", "--last-contact", "2026-11-20", "--outcome",
            "no-commitment", "--today", "2026-11-25"]
    child = pexpect.spawn(COMMAND, args, env={**os.environ, "COLUMNS": "", "TERM": "dumb"},
                          dimensions=(24, 80), encoding="utf-8", timeout=30)
    shown = child.read().replace("\r\n", "\n")
    child.close()
    assert child.exitstatus == 0, shown
    lines = shown.rstrip("\n").split("\n")
    assert all(len(line) <= 80 for line in lines), lines
    why = next(i for i, line in enumerate(lines) if line.startswith("Why:     "))
    assert lines[why + 1].startswith("         ") and lines[why + 1].strip()[0].isalpha(), lines
    assert not any(line.strip() in (".", ",") or line.startswith((".", ",")) for line in lines), lines
