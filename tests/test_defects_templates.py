"""Issue 16, defects 15 (template bombs), 3 (planted compiled templates), 12 (a value as
a javascript: link) and 23 (future last contacts): each test is named after its defect."""

from __future__ import annotations

import datetime as dt
import json
import os
import time

import pytest

from followup_script import History, Scriptwriter, TemplateError
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager
from followup_script.writing import limits

TODAY = dt.date(2026, 11, 25)
PROFILE = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
FROM = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com"]
ONE = [*FROM, "--name", "Dana Reyes", "--company", "Acme", "--role", "Data Engineer", "--today", "2026-11-25",
       "--last-contact", "2026-11-20", "--channel", "voicemail"]
NAME = "voicemail/three-day-check.txt.j2"


def writer_with(tmp_path) -> Scriptwriter:
    return Scriptwriter(Config(tmp_path / "config.toml", {"profile": dict(PROFILE)}),
                        build_plugin_manager(load_entrypoints=False))


def plant(folder, body: str, name: str = NAME) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Thank you for your time. " + body + "\n", encoding="utf-8")


def write(writer, channel="voicemail"):
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), TODAY)
    return writer.write(channel, plan, {"name": "Dana Reyes", "company": "Acme", "role": "Analyst",
                                        "email": "dana@acme.example"}, today=TODAY)


@pytest.fixture
def quick_clock(monkeypatch):
    """The render deadline at 0.3 s, so a hang is shown in a fraction of a second."""
    monkeypatch.setattr(limits, "RENDER_SECONDS", 0.3)  # raising=False: also on old code
    return 0.3


# -- defect 15: template bombs ------------------------------------------------------------------

NESTED = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
BOMBS = {
    "nested-range": NESTED,
    "nested-range-with-output": "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}",
    "string-times-huge": '{{ "x" * 10**10 }}',
    "list-times-huge": "{{ [1] * 10**9 }}",
    "recursive-macro": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "branching-macro": "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    "huge-range": "{% for i in range(10**9) %}{% endfor %}",
    "self-include": '{% include "voicemail/three-day-check.txt.j2" %}',
    "center-huge": '{{ "x" | center(10**9) }}',
    "method-ljust": '{{ "x".ljust(10**9) }}',
    "format-width": '{{ "{:>999999999}".format(1) }}',
    "percent-width": '{{ "%0999999999d" % 1 }}',
    "percent-star": '{{ "%*d" % (10**9, 1) }}',
    "power-tower": "{{ 10 ** (10 ** (10 ** 10)) }}",
    "lipsum-flood": "{{ lipsum(10**6) }}",
    "output-flood": '{% set s = "x" * 100000 %}{% for i in range(100000) %}{{ s }}{% endfor %}',
    "macro-flood": '{% set s = "x" * 100000 %}{% macro m() %}{% for i in range(100000) %}{{ s }}'
                   "{% endfor %}{% endmacro %}{{ m() }}",
    "concat-doubling": '{% set ns = namespace(s="x" * 1000000) %}{% for i in range(40) %}'
                       "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "plus-doubling": '{% set ns = namespace(s="x" * 1000000) %}{% for i in range(40) %}'
                     "{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "recursive-loop": "{% for x in [1, 2] recursive %}{{ loop([1, 2]) }}{% endfor %}",
    "replace-flood": '{{ ("x" * 100000) | replace("", "y" * 100000) }}',
}


@pytest.mark.parametrize("speedups", ["on", "off"])
@pytest.mark.parametrize("body", BOMBS.values(), ids=BOMBS.keys())
def test_defect_15_template_bombs_end_in_a_template_error(tmp_path, monkeypatch, quick_clock, body, speedups):
    """Each bomb hung, ran out of memory or ended in an internal error at 704ab3d."""
    if speedups == "off":
        monkeypatch.setenv("FOLLOWUP_SCRIPT_NO_SPEEDUPS", "1")
    plant(tmp_path / "templates", body)
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        write(writer_with(tmp_path))
    took = time.monotonic() - started
    message = str(caught.value)
    assert "\n" not in message and NAME in message and "was stopped" in message, message
    assert took < quick_clock + 1.5, f"took {took:.1f} s"


def test_defect_15_the_one_shot_reports_a_bomb_on_one_line_with_exit_2(cli, isolated_home, quick_clock):
    plant(isolated_home / "templates", NESTED)  # the user's templates folder, beside the config file
    started = time.monotonic()
    ran = cli(*ONE)
    assert time.monotonic() - started < quick_clock + 3
    assert ran.returncode == 2, (ran.returncode, ran.stderr)
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and NAME in lines[0] and "took longer than" in lines[0], ran.stderr
    assert "Traceback" not in ran.stderr and "internal error" not in ran.stderr


@pytest.mark.parametrize("body", [NESTED, '{{ "x" * 10**10 }}', "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
                                  "{% for i in range(10**9) %}{% endfor %}"],
                         ids=["nested-range", "string-times-huge", "recursive-macro", "huge-range"])
def test_defect_15_templates_check_dir_ends_and_names_the_bomb(cli, tmp_path, quick_clock, body):
    """``templates check --dir`` renders each template for every channel, stage, situation
    and sample: a template stopped once is not rendered again, so a hang costs one deadline."""
    pack = tmp_path / "pack"
    plant(pack, body)
    started = time.monotonic()
    ran = cli("templates", "check", "--dir", pack, "--json")
    took = time.monotonic() - started
    assert took < 3 * quick_clock + 5, f"took {took:.1f} s"
    assert ran.returncode != 0 and "Traceback" not in ran.stderr
    report = json.loads(ran.stdout)
    errors = [p for p in report["problems"] if p.get("template") == NAME and not p.get("warning")]
    assert errors and all("was stopped" in p["detail"] for p in errors), report["problems"]
    assert len(errors) == 1, "reported once, not once per sample"


def test_defect_15_the_limits_leave_ordinary_loops_and_arithmetic_alone(tmp_path):
    plant(tmp_path / "templates",
          "{% for i in range(3) %}{{ i }}{% endfor %} {{ 'ab' * 3 }} {{ 2 ** 8 }} {{ '%5d' % 3 }}"
          " {{ 'a' | center(5) }} {{ 'a' ~ 'b' }} {{ [1, 2] + [3] }} {{ '{:>4}'.format(7) }}"
          " {% for x in [1, 2] %}{{ loop.index }}/{{ loop.length }}{% endfor %} {{ 12345678 }}")
    text = write(writer_with(tmp_path)).text
    assert "012 ababab 256     3   a   ab [1, 2, 3]    7 1/22/2 12345678" in text


def test_defect_15_the_deadline_is_finite_and_each_render_gets_its_own(tmp_path, quick_clock):
    assert 0 < limits.RENDER_SECONDS <= 5 and limits.MAX_TEXT >= 100_000
    plant(tmp_path / "templates", "{% for i in range(50) %}{% endfor %}")
    writer = writer_with(tmp_path)
    for _ in range(3):  # one render's clock does not run on into the next
        write(writer)
        time.sleep(quick_clock / 2)


# -- defect 3: planted compiled templates -----------------------------------------------------

def _plant_entry(tmp_path, marker, mode=0o600, folder_mode=0o700, owner=None, link=False):
    """Render once (which fills the compiled-template cache), then replace the user
    template's entry with code that creates ``marker`` when loaded."""
    plant(tmp_path / "templates", "plain words")
    writer = writer_with(tmp_path)
    write(writer)
    env = writer.renderer.env
    cache = env.bytecode_cache
    assert cache is not None, "the speed trick keeps compiled templates"
    source, filename, _ = env.loader.get_source(env, NAME)
    bucket = cache.get_bucket(env, NAME, filename, source)
    evil = f"open({str(marker)!r}, 'w').close()\n" + env.compile(source, NAME, filename, raw=True)
    bucket.code = compile(evil, filename, "exec")
    path = cache._file(bucket)
    assert os.path.exists(path), "the first render stored its entry"
    os.unlink(path)
    if link:
        target = tmp_path / "elsewhere.bin"
        target.write_bytes(bucket.bytecode_to_string())
        os.chmod(target, 0o600)
        os.symlink(target, path)
    else:
        with open(path, "wb") as out:
            out.write(bucket.bytecode_to_string())
        os.chmod(path, mode)
        if owner is not None:
            os.chown(path, owner, -1)
    os.chmod(os.path.dirname(path), folder_mode)
    return path


def test_defect_3_control_a_private_entry_is_what_runs(tmp_path):
    """The planting works: an entry this user wrote, 0600 in a 0700 folder, is loaded
    (so the cases below fail if the checks are taken away)."""
    marker = tmp_path / "ran"
    _plant_entry(tmp_path, marker)
    write(writer_with(tmp_path))
    assert marker.exists()


@pytest.mark.parametrize("how", ["folder-0777", "folder-0770", "file-0644", "file-0666", "other-owner", "symlink"])
def test_defect_3_a_planted_compiled_template_is_never_loaded(tmp_path, how):
    marker = tmp_path / "ran"
    kwargs = {"folder-0777": dict(folder_mode=0o777), "folder-0770": dict(folder_mode=0o770),
              "file-0644": dict(mode=0o644), "file-0666": dict(mode=0o666),
              "other-owner": dict(owner=4242), "symlink": dict(link=True)}[how]
    if how == "other-owner" and os.geteuid() != 0:
        pytest.skip("needs root to give a file away")
    _plant_entry(tmp_path, marker, **kwargs)
    message = write(writer_with(tmp_path))
    assert not marker.exists(), "planted code ran"
    assert "plain words" in message.text


# -- defect 12: a value as a javascript: link -----------------------------------------------------

@pytest.mark.parametrize("speedups", ["on", "off"])
@pytest.mark.parametrize("value", ["javascript:alert(document.domain)", "JAVASCRIPT:alert(1)",
                                   "data:text/html,<script>alert(1)</script>"])
def test_defect_12_a_value_in_a_link_target_is_never_a_script_link(tmp_path, monkeypatch, speedups, value):
    if speedups == "off":
        monkeypatch.setenv("FOLLOWUP_SCRIPT_NO_SPEEDUPS", "1")
    folder = tmp_path / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "three-day-check.md.j2").write_text(
        "Subject: Thank you\n\nThank you for your time. See [our page]({{ contact.company }}).\n", encoding="utf-8")
    writer = writer_with(tmp_path)
    plan = writer.plan(History(dt.date(2026, 11, 20), "no-commitment"), TODAY)
    message = writer.write("email", plan, {"name": "Dana Reyes", "company": value, "role": "Analyst",
                                           "email": "dana@acme.example"}, today=TODAY)
    html = message.html.lower()
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert "<script" not in html


# -- defect 23: future last contacts ------------------------------------------------------------

@pytest.mark.parametrize("day", ["2026-11-26", "2027-01-01"])
def test_defect_23_the_one_shot_refuses_a_future_last_contact(cli, day):
    args = [a if a != "2026-11-20" else day for a in ONE]
    ran = cli(*args)
    assert ran.returncode == 2 and ran.stdout == "", (ran.returncode, ran.stdout)
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and day in lines[0] and "after today" in lines[0], ran.stderr


def test_defect_23_batch_refuses_a_future_last_contact_row_and_keeps_the_others(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("name,company,role,last_contact,outcome\n"
                    "Dana Reyes,Acme,Analyst,2026-11-20,no-commitment\n"
                    "Sam Lee,Beta,Engineer,2026-12-24,no-commitment\n"
                    "Ana Diaz,Gamma,Designer,2026-11-19,no-commitment\n", encoding="utf-8")
    ran = cli(*FROM, "batch", rows, "--today", "2026-11-25")
    results = [json.loads(line) for line in ran.stdout.splitlines()]
    assert ran.returncode != 0 and "Traceback" not in ran.stderr
    assert "2026-12-24" in ran.stderr and "after today" in ran.stderr, ran.stderr
    assert len(results) == 2, "the other rows are written"
    assert "Sam Lee" not in ran.stdout
