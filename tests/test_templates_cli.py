"""`followup-script templates list|show|path|copy|check`, and user templates end to end
(the command line run in process: ``run_cli``, see conftest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup_script.compose.lint import SAMPLE_CONTACTS, WEEKLY_VARIANTS, check, template_files
from followup_script.writing.render import builtin_templates

from .conftest import run_cli

SMS = {"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-sms"}
ONE_SHOT = ["--name", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
            "--last-contact", "2026-11-20", "--outcome", "no-commitment", "--today", "2026-11-25",
            "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567"]


def builtin_names() -> set[str]:
    root = builtin_templates()
    return {str(p.relative_to(root)) for p in root.rglob("*.j2")}


def user_dir(home: Path) -> Path:
    return home / "templates"  # beside FOLLOWUP_SCRIPT_CONFIG (conftest: home/config.toml)


def put(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def listing(env=None) -> list[dict]:
    result = run_cli("templates", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def sms_installed() -> bool:
    try:
        import followup_script_sms  # noqa: F401
    except ImportError:
        return False
    return True


needs_sms = pytest.mark.skipif(not sms_installed(), reason="the followup-script-sms plugin is not installed")


# -- list ------------------------------------------------------------------------------------


def test_list_shows_every_builtin_template_with_origin_builtin():
    found = listing()
    assert {t["name"] for t in found if t["origin"] == "built-in"} == builtin_names()
    assert {t["origin"] for t in found} == {"built-in"}
    by_name = {t["name"]: t for t in found}
    nudge = by_name["email/weekly-nudge.md.j2"]
    assert (nudge["kind"], nudge["stage"], nudge["situation"], nudge["channels"]) == (
        "email", "weekly-nudge", "any", ["email"])
    assert by_name["_common.j2"]["partial"] is True and by_name["_common.j2"]["stage"] is None

    table = run_cli("templates", "list")
    assert table.returncode == 0
    rows = [line.split() for line in table.stdout.splitlines()]
    assert rows[0] == ["TEMPLATE", "CHANNELS", "STAGE", "SITUATION", "ORIGIN"]
    assert ["voicemail/three-day-check.txt.j2", "voicemail", "three-day-check", "any", "built-in"] in rows


def test_a_user_template_is_listed_as_user_and_the_builtin_as_overridden(isolated_home):
    put(user_dir(isolated_home), "voicemail/three-day-check.txt.j2", "Hi, thanks.\n")
    put(user_dir(isolated_home), "email/weekly-nudge.interview.md.j2", "Subject: Hi\n\nThanks.\n")
    found = listing()
    mine = [t for t in found if t["origin"] == "user"]
    assert {t["name"] for t in mine} == {"voicemail/three-day-check.txt.j2", "email/weekly-nudge.interview.md.j2"}
    interview = next(t for t in mine if t["name"].startswith("email/"))
    assert (interview["stage"], interview["situation"]) == ("weekly-nudge", "interview")
    builtin = next(t for t in found if t["name"] == "voicemail/three-day-check.txt.j2" and t["origin"] == "built-in")
    assert builtin["overridden_by"] == "user"
    assert found.index(mine[0]) < found.index(builtin)  # listed in search order

    table = run_cli("templates", "list").stdout
    assert "built-in (overridden by user)" in table


@needs_sms
def test_the_sms_plugin_templates_are_listed_with_origin_plugin():
    found = listing(SMS)
    sms = [t for t in found if t["kind"] == "sms"]
    assert {t["name"] for t in sms} >= {f"sms/{s}.txt.j2" for s in
                                        ("scheduled-call", "ask-for-time", "three-day-check", "weekly-nudge")}
    assert {t["origin"] for t in sms} == {"plugin followup-script-sms"}
    assert all(t["channels"] == ["sms"] for t in sms)
    assert not any(t["kind"] == "sms" for t in listing())  # not loaded: not listed


# -- show and path -------------------------------------------------------------------------------


def test_show_prints_the_template_used_and_default_prints_the_builtin(isolated_home):
    name = "voicemail/three-day-check.txt.j2"
    builtin = (builtin_templates() / name).read_text()
    shown = run_cli("templates", "show", name)
    assert shown.returncode == 0 and shown.stdout == builtin
    assert "built-in" in shown.stderr

    put(user_dir(isolated_home), name, "Hi {{ contact.first_name }}, thanks.\n")
    assert run_cli("templates", "show", name).stdout == "Hi {{ contact.first_name }}, thanks.\n"
    assert run_cli("templates", "show", "voicemail/three-day-check.txt").stdout.startswith("Hi {{")
    assert run_cli("templates", "show", "default:" + name).stdout == builtin

    missing = run_cli("templates", "show", "voicemail/nope.txt.j2")
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "followup-script: error: template 'voicemail/nope.txt.j2' is not in the user, plugin and built-in "
        "template folders; see followup-script templates list"]


def test_path_prints_the_search_path_in_order(isolated_home):
    before = run_cli("templates", "path")
    assert before.returncode == 0
    lines = [line.split(None, 1) for line in before.stdout.splitlines()]
    assert [origin for origin, _ in lines] == ["user", "built-in"]
    assert lines[0][1] == f"{user_dir(isolated_home)}  (not created yet)"
    assert Path(lines[1][1]) == builtin_templates()

    user_dir(isolated_home).mkdir()
    assert run_cli("templates", "path").stdout.splitlines()[0].split() == ["user", str(user_dir(isolated_home))]


@needs_sms
def test_path_puts_plugin_folders_between_user_and_builtin():
    import followup_script_sms

    lines = run_cli("templates", "path", env=SMS).stdout.splitlines()
    assert [line.split("  ")[0].strip() for line in lines] == ["user", "plugin followup-script-sms", "built-in"]
    assert str(followup_script_sms.TEMPLATES) in lines[1]


# -- copy, edit, use -------------------------------------------------------------------------------


def test_copy_then_edit_then_the_one_shot_command_uses_your_version(isolated_home):
    name = "voicemail/three-day-check.txt.j2"
    builtin = (builtin_templates() / name).read_text()
    copied = run_cli("templates", "copy", name)
    assert copied.returncode == 0, copied.stderr
    target = user_dir(isolated_home) / name
    assert copied.stdout.strip() == f"copied {name} to {target}"
    assert target.read_text() == builtin
    assert not list(target.parent.glob(".*.tmp"))

    target.write_text(builtin.replace("Could you call me", "Could you give me a ring"))
    result = run_cli(*ONE_SHOT)
    assert result.returncode == 0, result.stderr
    assert "Could you give me a ring on weekdays, 9 am to 5 pm?" in result.stdout
    assert "Could you call me" not in result.stdout

    again = run_cli("templates", "copy", name)
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert "give me a ring" in target.read_text()  # kept

    forced = run_cli("templates", "copy", name, "--force")
    assert forced.returncode == 0 and target.read_text() == builtin


def test_copy_as_a_version_for_one_situation(isolated_home):
    result = run_cli("templates", "copy", "default:voicemail/three-day-check.txt.j2",
                     "--as", "voicemail/three-day-check.interview.txt.j2")
    assert result.returncode == 0, result.stderr
    mine = user_dir(isolated_home) / "voicemail/three-day-check.interview.txt.j2"
    mine.write_text(mine.read_text().replace("Thank you again for our interview", "Many thanks for our interview"))
    interview = run_cli(*ONE_SHOT, "--situation", "interview")
    application = run_cli(*ONE_SHOT)
    assert "Many thanks for our interview" in interview.stdout
    assert "I'm calling about the Data Engineer role" in application.stdout

    for bad in ("voicemail/../../../evil.txt.j2", "three-day-check"):
        refused = run_cli("templates", "copy", "voicemail/three-day-check.txt.j2", "--as", bad)
        assert refused.returncode == 2 and "is not a template name" in refused.stderr
    unknown = run_cli("templates", "copy", "voicemail/nope.txt.j2")
    assert unknown.returncode == 2 and "is not a built-in or plugin template" in unknown.stderr


def test_a_rude_user_template_is_refused_unless_allow_tone(isolated_home):
    put(user_dir(isolated_home), "voicemail/three-day-check.txt.j2",
        "Hi {{ contact.first_name }}, this is {{ me.name }}. Please call me back ASAP. Thank you.\n")
    refused = run_cli(*ONE_SHOT)
    assert refused.returncode == 4
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert "voicemail/three-day-check.txt.j2" in line
    assert "pressure: 'ASAP'" in line and "no urgency" in line

    allowed = run_cli(*ONE_SHOT, "--allow-tone")
    assert allowed.returncode == 0, allowed.stderr
    assert "Please call me back ASAP." in allowed.stdout
    assert "warning: courtesy guard overridden: pressure: 'ASAP'" in allowed.stderr


def test_a_missing_variable_names_it_and_the_template(isolated_home):
    put(user_dir(isolated_home), "voicemail/three-day-check.txt.j2",
        "Hi {{ contact.first_name }}, about {{ contact.team_size }} people. Thanks.\n")
    result = run_cli(*ONE_SHOT)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "followup-script: error: template voicemail/three-day-check.txt.j2 needs the contact's "
        "team_size, which is not set; set it, or remove it from the template")


# -- check --------------------------------------------------------------------------------------------


def test_check_passes_on_the_builtin_templates(writer):
    report = check(writer)
    assert report.problems == []
    assert report.templates == len(builtin_names())
    situations, histories = 4, 5 + WEEKLY_VARIANTS  # a call agreed with a time, a day alone, missed
    assert report.renders == 3 * situations * histories * len(SAMPLE_CONTACTS)  # voicemail, call, email


def test_check_command_passes_on_the_builtins():
    result = run_cli("templates", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 problem(s)" in result.stderr


@needs_sms
def test_check_passes_with_the_sms_plugin_and_flags_a_long_text(tmp_path):
    ok = run_cli("templates", "check", env=SMS)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    pack = tmp_path / "pack"
    put(pack, "sms/ask-for-time.txt.j2", "Hi, it's {{ me.name }}. " + "I'm keen to talk about the role. " * 6
        + "Thank you.\n")
    result = run_cli("templates", "check", "--dir", pack, "--channel", "sms", env=SMS)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("sms/ask-for-time.txt.j2 (user; ask-for-time; every situation; channel sms): "
                               "sms-segments: 2 segments (")


BAD_PACK = {
    "voicemail/three-day-check.txt.j2": '{% if situation == "interview" %}\nHi. Thanks.\n',
    "voicemail/weekly-nudge.interview.txt.j2": "Hi {{ contact.first_name | default('there') }}, "
                                               "this is {{ me.name }}; {{ me.linkedin }}. Thank you.\n",
    "call/ask-for-time.networking.txt.j2": "Hello {{ situaton }}, thank you.\n",
    "email/weekly-nudge.md.j2": "Subject: Checking in\n\nHi, please reply ASAP. Thanks, {{ me.name }}\n",
    "voicemail/scheduled-call.txt.j2": "Hi, this is {{ me.name }} at {{ me.phone_spoken }}. "
                                       + "I am really very interested in this role and would love to talk. " * 6
                                       + "Thank you.\n",
    "voicemail/three-day-chek.txt.j2": "Hi, thanks.\n",
}


def test_check_fails_on_a_bad_pack_with_one_line_per_problem(tmp_path, isolated_home):
    pack = tmp_path / "pack"
    for name, text in BAD_PACK.items():
        put(pack, name, text)
    result = run_cli("templates", "check", "--dir", pack)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    expected = [
        ("voicemail/three-day-check.txt.j2 (user; three-day-check): syntax: line 2: Unexpected end of template"),
        ("voicemail/weekly-nudge.interview.txt.j2 (user; weekly-nudge; situation interview; channel voicemail): "
         "missing-variable: template voicemail/weekly-nudge.interview.txt.j2 needs your linkedin (profile.linkedin)"),
        ("call/ask-for-time.networking.txt.j2 (user; ask-for-time): undefined-variable: 'situaton' is not a "
         "template variable"),
        ("email/weekly-nudge.md.j2 (user; weekly-nudge; every situation; channel email): courtesy-guard: the "
         "email script (email/weekly-nudge.md.j2) failed the courtesy guard: pressure: 'ASAP' (no urgency"),
        ("voicemail/scheduled-call.txt.j2 (user; scheduled-call; every situation; channel voicemail): "
         "voicemail-length: about 39.4 s, over the 30 s budget"),
        ("voicemail/three-day-chek.txt.j2 (user; three-day-chek): unused: never picked"),
        # #15: a weekly nudge of yours with no place for --update loses it
        ("voicemail/weekly-nudge.interview.txt.j2 (user; weekly-nudge): no-update-slot: this weekly nudge "
         "never says the user's update (--update)"),
        ("email/weekly-nudge.md.j2 (user; weekly-nudge): no-update-slot: "),
    ]
    for start in expected:
        assert sum(line.startswith(start) for line in lines) == 1, (start, lines)
    assert len(lines) == len(expected), lines
    assert "8 problem(s), 0 warning(s)" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "followup-script: error: 8 template problem(s); fix them and run followup-script templates check again")

    # the same pack as the user's own folder gives the same report; --json has the fields
    for name, text in BAD_PACK.items():
        put(user_dir(isolated_home), name, text)
    as_json = run_cli("templates", "check", "--json")
    assert as_json.returncode == 2
    report = json.loads(as_json.stdout)
    assert report["ok"] is False
    assert sorted(p["rule"] for p in report["problems"]) == sorted(
        ["syntax", "missing-variable", "undefined-variable", "courtesy-guard", "voicemail-length", "unused",
         "no-update-slot", "no-update-slot"])
    guard = next(p for p in report["problems"] if p["rule"] == "courtesy-guard")
    assert guard["situations"] == ["application", "interview", "networking", "info"]
    assert guard["channels"] == ["email"] and guard["stage"] == "weekly-nudge"


def test_check_names_the_sample_a_missing_optional_value_breaks(tmp_path, config, builtin_plugins):
    from followup_script import Scriptwriter

    put(tmp_path / "pack", "call/three-day-check.txt.j2",
        "Hi {{ contact.first_name }}, about the {{ contact.role }} role. Thanks.\n")
    writer = Scriptwriter(config, builtin_plugins, templates_dir=tmp_path / "pack")
    report = check(writer, ["call"])
    lines = sorted(str(p) for p in report.errors)
    assert lines == [
        "call/three-day-check.txt.j2 (user; three-day-check; every situation; channel call): missing-variable: "
        "template call/three-day-check.txt.j2 needs the contact's name, which is not set; pass --name "
        "(with no contact details)",
        "call/three-day-check.txt.j2 (user; three-day-check; every situation; channel call): missing-variable: "
        "template call/three-day-check.txt.j2 needs the contact's role, which is not set; pass --role "
        "(with a contact with only a name)",
    ]
    assert [f.origin for f in template_files(writer) if f.name == "call/three-day-check.txt.j2"] == [
        "user", "built-in"]


def test_check_dir_must_be_a_folder(tmp_path):
    result = run_cli("templates", "check", "--dir", tmp_path / "nope")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"followup-script: error: --dir '{tmp_path / 'nope'}' is not a folder; give the folder that holds "
        "<kind>/*.j2")
    unknown = run_cli("templates", "check", "--channel", "fax")
    assert unknown.returncode == 2 and "channel 'fax' is not known" in unknown.stderr
