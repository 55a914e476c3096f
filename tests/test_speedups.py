"""Speed tricks (followup_script._speedups) give exactly what the plain path gives,
and what replaced the tricks that went gives exactly what they gave."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_script import Scriptwriter, _speedups
from followup_script.writing.markdown import bare_of

TODAY = dt.date(2026, 11, 25)
LAST = dt.date(2026, 11, 20)
SITUATIONS = ("application", "interview", "networking", "info")
PROFILES = {
    "plain": {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana.lima@example.com",
              "callback_window": "any weekday between 9 and 5"},
    "marked": {"name": "Ana *Lima* <i>", "phone": "+1 (555) 123-4567", "email": "ana_lima@example.com"},
}
CONTACTS = {
    "plain": {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
              "email": "dana@acme.example"},
    "marked": {"name": "QfsvTOKEN0Z <b>Q</b> & \"Co\"", "company": "1. [x](y) # ---",
               "role": "C++ / C# ~dev~ |pipe| *x* _y_ `z`", "email": "dana@acme.example"},
    "accented": {"name": "Zoë Müller-Lüdenscheidt", "company": "Société Générale", "role": "Analyste"},
    "empty": {},
}


def email_cases():
    """(id, history, profile, contact) for every built-in email template and variant."""
    from followup_script import History

    plans = [("scheduled-call", dict(outcome="scheduled", scheduled_for=dt.datetime(2026, 11, 27, 10, 0))),
             ("ask-for-time", dict(outcome="no-time")), ("three-day-check", dict(outcome="no-commitment"))]
    plans += [(f"weekly-nudge-{n}", dict(outcome="no-answer", attempts=n)) for n in (1, 2, 3, 4)]
    for (stage, kw), situation in ((p, s) for p in plans for s in SITUATIONS):
        history = History(LAST, situation=situation, **kw)
        for contact in CONTACTS:
            yield f"{stage}/{situation}/plain/{contact}", history, PROFILES["plain"], CONTACTS[contact]
        yield f"{stage}/{situation}/marked/plain", history, PROFILES["marked"], CONTACTS["plain"]


# -- the switch: every trick off gives the same messages ----------------------------------------

HOSTILE = {"name": "Zoë *O'Neil* <b>x</b>", "company": "[Acme](javascript:alert(1)) & Co. #1",
           "role": "`Data` _Engineer_ ~~ | === 1. - +", "email": "zoe@acme.example",
           "phone": "+44 20 7946 0958"}


def everything_written(writer) -> list[dict]:
    """Every built-in channel, stage, situation and variant, for plain, hostile and no values."""
    from followup_script import History

    out = []
    for _case, history, profile, contact in email_cases():
        plan = writer.plan(history, TODAY)
        for channel in ("voicemail", "call", "email"):
            for them in (contact, HOSTILE):
                out.append(writer.write(channel, plan, them, profile, today=TODAY).to_dict())
    for outcome in ("replied", "stop"):
        out.append(writer.write("email", writer.plan(History(LAST, outcome), TODAY), CONTACTS["plain"],
                                PROFILES["plain"], today=TODAY).to_dict())
    return out


def _write_all(config, builtin_plugins, monkeypatch, off: bool) -> list[dict]:
    if off:
        monkeypatch.setenv(_speedups.ENV_OFF, "1")
    else:
        monkeypatch.delenv(_speedups.ENV_OFF, raising=False)
    return everything_written(Scriptwriter(config, builtin_plugins))


def test_every_message_is_the_same_with_the_tricks_off(config, builtin_plugins, monkeypatch):
    from followup_script.writing import guard, render

    calls = []
    real = _speedups.plain_text_html
    monkeypatch.setattr(_speedups, "plain_text_html", lambda text, bare: calls.append(text) or real(text, bare))
    guard._remembered_verdict.cache_clear()

    on = _write_all(config, builtin_plugins, monkeypatch, off=False)
    assert type(Scriptwriter(config, builtin_plugins).renderer.env) is render._ShortPathSandbox
    # (a third, not a half: weekly nudges now vary with the contact, #15, so fewer texts repeat)
    assert guard._remembered_verdict.cache_info().hits > len(on) / 3, "the guard's verdicts are remembered"
    assert calls, "email HTML took the plain-Markdown path"

    calls.clear()
    guard._remembered_verdict.cache_clear()
    off = _write_all(config, builtin_plugins, monkeypatch, off=True)
    assert type(Scriptwriter(config, builtin_plugins).renderer.env) is render.BoundedSandbox  # limits are no trick
    assert guard._remembered_verdict.cache_info().currsize == 0 and calls == [], "no trick ran"

    assert len(on) == len(off) > 400
    assert on == off


def test_a_batch_is_the_same_with_the_tricks_off(cli, tmp_path):
    rows = tmp_path / "rows.csv"
    lines = ["name,company,role,email,phone,last_contact,outcome,attempts"]
    for n, (name, company) in enumerate([("Dana Reyes", "Acme"), (HOSTILE["name"], HOSTILE["company"]),
                                         ("Lee Park", "Globex <Labs>"), ("", ""), ("Chance Okafor", "URGENT Care")]):
        quoted = [f'"{v}"' for v in (name.replace('"', '""'), company, HOSTILE["role"])]
        lines.append(",".join([*quoted, f"p{n}@example.com", "+1 555 987 6543", "2026-11-2" + str(n),
                               ("no-answer", "no-commitment", "no-time")[n % 3], str(n)]))
    lines.append("Broken Row,Acme,Analyst,,,not-a-date,no-answer,1")
    rows.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for channel in ("voicemail", "call", "email"):
        args = ["--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com",
                "batch", "--today", "2026-11-25", "--channel", channel, rows]
        on = cli(*args)
        off = cli(*args, env={_speedups.ENV_OFF: "1"})
        assert on.stdout.count("\n") == 5 and "5 row(s) written, 1 failed" in on.stderr, on.output
        assert (on.returncode, on.stdout, on.stderr) == (off.returncode, off.stdout, off.stderr)


@pytest.mark.parametrize("value,on", [(None, True), ("", True), ("0", True), ("1", False), ("yes", False),
                                      (" 0", False)])
def test_the_switch(monkeypatch, value, on):
    if value is None:
        monkeypatch.delenv(_speedups.ENV_OFF, raising=False)
    else:
        monkeypatch.setenv(_speedups.ENV_OFF, value)
    assert _speedups.enabled() is on
    assert (os.environ.get(_speedups.ENV_OFF, "") in ("", "0")) is on


# -- Markdown that is only paragraphs -----------------------------------------------------------


def _markdown_it(text: str) -> str:
    from followup_script.writing import render

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(_speedups.ENV_OFF, "1")
        return render.markdown_to_html(text)


# Mostly text that is plain, with every kind of Markdown mixed in.
MARKDOWNISH = st.lists(st.sampled_from([
    "Dana", "é", "x9", "Zoë", " ", "  ", "\n", "  \n", "\n\n", " \n \n", ".", ",", "?", "'", '"', ":", "/",
    "(", ")", "#", "-", "+", "=", "!", "|", "~", ">", "1.", "2)", "\\*", "\\[", "\\\\", "\\&", "\\<", "\\#",
    "\\-", "\\`", "\\a", "*", "_", "`", "[", "]", "<", "&", "&amp;", "\\", "\t", "\u00a0", "\u2028", "\r",
    "    ", "```", "- ", "> ", "# ", "===", "---", "***", "[x](http://a.b)", "<http://a.b>", "\\\n", "555", "\n9",
    "\n12)", "\n3.", "\n42 x", "\n0"]),
    max_size=30).map("".join)
# Lines much like an email's, some of them not plain.
_PLAIN_BITS = [" ", "  ", "word", ".", ",", "?", "'", '"', ":", "/", "(", ")", "#", "-", "+", "=", "!", "|", "~",
               ">", "1.", "\\*", "\\[", "\\\\", "\\&", "\\<", "é", "9"]
_LINE = st.tuples(
    st.sampled_from(["Dana", "é", "Zoë", "I'd", "x9", "\\*", "\\#", "\\-", "\\1", "555", "5", "12", "٣", "1234567890"]),
    st.lists(st.sampled_from(_PLAIN_BITS * 4 + ["*", "&", "<", "`", "_", "\\", "\t"]), max_size=10),
).map(lambda parts: parts[0] + "".join(parts[1]))
EMAILISH = st.lists(st.one_of(_LINE, _LINE, st.sampled_from(["", "", " ", "  ", "    x", "- x", "1. x", "===", "> q"])),
                    max_size=8).map("\n".join)


def _rendered(markdown: str):
    """A render whose Markdown is ``markdown``: each backslash escape of a character that
    escaping a value escapes stands for that value; the rest is the template's own text."""
    import re

    from followup_script.writing.markdown import TemplateText, markdown_of
    from followup_script.writing.render import Rendered

    pieces = re.split(r"\\([\\`*_{}\[\]()#+\-.!<>|~&\"'=])", markdown)
    parts = [piece if n % 2 else TemplateText(piece) for n, piece in enumerate(pieces) if piece]
    assert markdown_of(parts) == markdown
    return Rendered(parts)


@settings(max_examples=max(200, settings.default.max_examples // 5))  # 200; make fuzz: 2,000
@given(st.one_of(MARKDOWNISH, EMAILISH))
def test_plain_text_html_is_what_markdown_it_gives(text):
    rendered = _rendered(text)
    html = _speedups.plain_text_html(rendered.text, bare_of(rendered.parts))
    if html is not None:
        assert html == _markdown_it(text)


@settings(max_examples=max(200, settings.default.max_examples // 5))  # 200; make fuzz: 2,000
@given(st.lists(st.sampled_from(["Dear Zoë,", "Thank you for your time.", "Ana Lima  ", "", "  ", "on Friday\\.",
                                 "\\+1 \\(555\\) 123\\-4567", "a \\*b\\* \\[c\\]\\(d\\) \\<e\\> \\& \\#",
                                 "I'd love to hear \"where\" things stand?", "x  ", "y ", "555-123-4567",
                                 "9 am to 5 pm"]), max_size=12))
def test_plain_text_html_takes_and_gets_right_plain_paragraphs(lines):
    text = "\n".join(lines)
    rendered = _rendered(text)
    assert _speedups.plain_text_html(rendered.text, bare_of(rendered.parts)) == _markdown_it(text)


def test_every_builtin_email_takes_the_plain_path(config, builtin_plugins, monkeypatch):
    """Else the trick buys nothing: every built-in email's Markdown is only paragraphs,
    and its HTML is what markdown-it makes of it."""
    from followup_script.writing.render import Rendered

    made = []
    real = _speedups.plain_text_html
    monkeypatch.setattr(_speedups, "plain_text_html", lambda text, bare: made.append(real(text, bare)) or made[-1])
    html_of = Rendered.html  # the real one, with the Markdown it is made from kept first
    monkeypatch.setattr(Rendered, "html", lambda self, start=0: made.append(self.markdown(start)) or
                        html_of(self, start))
    writer = Scriptwriter(config, builtin_plugins)
    for _, history, profile, contact in email_cases():
        for them in (contact, HOSTILE):
            message = writer.write("email", writer.plan(history, TODAY), them, profile, today=TODAY)
            markdown, html = made[-2:]
            assert html is not None and message.html == html == _markdown_it(markdown)
            made.clear()


# -- cache files no other user can plant --------------------------------------------------------


def test_a_cache_file_is_read_back_only_as_it_was_written(tmp_path):
    import stat

    from followup_script._cache import read_private, write_private

    folder = tmp_path / "cache" / "followup-script"
    path = str(folder / "commands.marshal")
    assert read_private(path) is None
    assert write_private(path, b"listing")
    assert read_private(path) == b"listing"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["commands.marshal"], "no temporary file left"


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757, 0o1777])
def test_a_folder_others_may_write_in_is_not_used(tmp_path, mode):
    from followup_script._cache import read_private, write_private

    folder = tmp_path / "shared"
    path = str(folder / "commands.marshal")
    assert write_private(path, b"mine")
    folder.chmod(mode)
    assert read_private(path) is None
    assert not write_private(path, b"again") and read_private(path) is None
    folder.chmod(0o700)
    assert read_private(path) == b"mine"


@pytest.mark.parametrize("mode", [0o644, 0o666, 0o660, 0o400, 0o700])
def test_a_file_that_is_not_0600_is_skipped(tmp_path, mode):
    from followup_script._cache import read_private, write_private

    path = tmp_path / "c" / "commands.marshal"
    assert write_private(str(path), b"mine")
    path.chmod(mode)
    assert read_private(str(path)) is None


def test_symlinks_and_other_files_are_skipped(tmp_path):
    from followup_script._cache import read_private, write_private

    elsewhere = tmp_path / "elsewhere"
    assert write_private(str(elsewhere / "planted"), b"planted")
    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    (folder / "commands.marshal").symlink_to(elsewhere / "planted")
    assert read_private(str(folder / "commands.marshal")) is None
    linked = tmp_path / "linked"
    linked.symlink_to(elsewhere)
    assert read_private(str(linked / "planted")) is None
    (folder / "a-folder").mkdir(mode=0o700)
    assert read_private(str(folder / "a-folder")) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_a_file_or_folder_of_another_user_is_skipped(tmp_path):
    from followup_script._cache import read_private, write_private

    path = tmp_path / "c" / "commands.marshal"
    assert write_private(str(path), b"mine")
    os.chown(path, 4242, 4242)
    assert read_private(str(path)) is None
    os.chown(path, os.getuid(), os.getgid())
    assert read_private(str(path)) == b"mine"
    os.chown(path.parent, 4242, 4242)
    assert read_private(str(path)) is None and not write_private(str(path), b"again")


def test_help_never_lists_commands_from_a_cache_someone_else_could_have_written(cli, isolated_home):
    import marshal

    assert cli("--help").returncode == 0
    folder = isolated_home / ".cache" / "followup-script"
    path = folder / "commands.marshal"
    planted = marshal.loads(path.read_bytes())
    assert "planted" not in planted["help"]["text"]
    del planted["help"]  # the listing alone: the root --help is laid out from it
    planted["commands"].append(("planted-command", "Planted.", "Planted."))
    path.write_bytes(marshal.dumps(planted))  # still ours and 0600: it is read
    assert "planted-command" in cli("--help").stdout
    path.chmod(0o644)
    assert "planted-command" not in cli("--help").stdout
    path.write_bytes(marshal.dumps(planted))
    path.chmod(0o600)
    folder.chmod(0o777)
    assert "planted-command" not in cli("--help").stdout
    folder.chmod(0o700)


def test_the_root_help_text_is_kept_only_where_no_one_else_could_plant_it(cli, isolated_home):
    import marshal

    cold = cli("--help").stdout
    folder = isolated_home / ".cache" / "followup-script"
    path = folder / "commands.marshal"
    kept = marshal.loads(path.read_bytes())
    assert kept["help"]["text"] + "\n" == cold, "the text click laid out, kept beside the listing"
    kept["help"]["text"] = kept["help"]["text"].replace("Options:", "Planted options:")
    path.write_bytes(marshal.dumps(kept))
    assert "Planted options:" in cli("--help").stdout, "a warm --help is the kept text"
    path.chmod(0o644)
    assert cli("--help").stdout == cold
    path.write_bytes(marshal.dumps(kept))
    path.chmod(0o600)
    folder.chmod(0o777)
    assert cli("--help").stdout == cold
    folder.chmod(0o700)


@pytest.mark.parametrize("columns", ["60", "200", "0", "wide"])
def test_the_root_help_text_is_kept_per_width_and_equals_the_plain_one(cli, isolated_home, columns):
    plain = cli("--help", env={"COLUMNS": columns, _speedups.ENV_OFF: "1"}).stdout
    for _ in range(2):  # cold, then from the cache
        assert cli("--help", env={"COLUMNS": columns}).stdout == plain
    other = "100" if columns != "100" else "70"
    assert cli("--help", env={"COLUMNS": other}).stdout == cli(
        "--help", env={"COLUMNS": other, _speedups.ENV_OFF: "1"}).stdout
    assert cli("--help", env={"COLUMNS": columns}).stdout == plain


@pytest.mark.parametrize("columns", [None, "1", "57", "200", "0", "-3", "wide", ""])
def test_terminal_columns_are_what_shutil_says(monkeypatch, columns):
    import shutil

    from followup_script.cli.help_cache import terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns


def test_the_root_help_key_follows_every_loaded_module_file(tmp_path, monkeypatch):
    """An edited option (a module of ours whose file changed) is never answered from the cache."""
    import sys
    import types

    import click

    from followup_script.cli import cli
    from followup_script.cli.help_cache import help_key

    source = tmp_path / "probe.py"
    source.write_text("")
    module = types.ModuleType("followup_script._help_key_probe")
    module.__file__ = str(source)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    ctx = click.Context(cli, info_name="followup-script", **cli.context_settings)
    before = help_key(cli, ctx)
    assert help_key(cli, ctx) == before
    os.utime(source, ns=(1, 1))
    assert help_key(cli, ctx) != before
    assert help_key(cli, click.Context(cli, info_name="other", **cli.context_settings)) != help_key(cli, ctx)


# -- compiled templates kept between runs -------------------------------------------------------


def _voicemail(config, builtin_plugins, compiled=None):
    """A voicemail from a new writer (a new run); ``compiled`` collects what Jinja compiles."""
    from followup_script import History

    writer = Scriptwriter(config, builtin_plugins)
    if compiled is not None:
        env = writer.renderer.env
        env.compile = lambda source, name=None, *rest, **kw: compiled.append(name) or type(env).compile(
            env, source, name, *rest, **kw)
    plan = writer.plan(History(LAST, "no-commitment"), TODAY)
    return writer, writer.write("voicemail", plan, CONTACTS["plain"], PROFILES["plain"], today=TODAY).text


def _compiled(isolated_home):
    folders = list((isolated_home / ".cache" / "followup-script").glob("templates-*"))
    return folders, sorted(f for folder in folders for f in folder.iterdir())


def test_compiled_templates_are_kept_privately_and_used_again(config, builtin_plugins, isolated_home):
    import stat

    compiled = []
    _, first = _voicemail(config, builtin_plugins, compiled)
    assert sorted(compiled) == ["_common.j2", "voicemail/three-day-check.txt.j2"]
    folders, files = _compiled(isolated_home)
    assert len(folders) == 1 and len(files) == 2
    assert stat.S_IMODE(folders[0].stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    compiled.clear()
    assert _voicemail(config, builtin_plugins, compiled)[1] == first and compiled == [], "loaded, not compiled"


@pytest.mark.parametrize("how", ["a file others may read", "a folder others may write in", "a damaged file"])
def test_a_compiled_template_someone_else_could_have_written_is_not_run(config, builtin_plugins, isolated_home,
                                                                        how):
    """An entry planted with the right key and the real template's checksum, whose code
    says something else, runs only while it is a private file of ours in a private folder."""
    import jinja2

    writer, expected = _voicemail(config, builtin_plugins)
    env, name = writer.renderer.env, "voicemail/three-day-check.txt.j2"
    cache, template = env.bytecode_cache, env.get_template(name)
    bucket = jinja2.bccache.Bucket(env, cache.get_cache_key(name, template.filename),
                                   cache.get_source_checksum(env.loader.get_source(env, name)[0]))
    bucket.code = env.compile("Planted for {{ contact.name }}. Thank you.\n", name, template.filename)
    folder = _compiled(isolated_home)[0][0]
    path = folder / (cache.pattern % bucket.key)
    assert path.exists(), "the planted entry replaces the real one"
    path.write_bytes(bucket.bytecode_to_string())  # ours and 0600: it is run
    assert _voicemail(config, builtin_plugins)[1].startswith("Planted for Dana Reyes.")
    if how == "a file others may read":
        path.chmod(0o644)
    elif how == "a folder others may write in":
        folder.chmod(0o777)
    else:
        path.write_bytes(path.read_bytes()[:60])
    assert _voicemail(config, builtin_plugins)[1] == expected
    folder.chmod(0o700)


def test_no_compiled_template_is_kept_for_a_changed_environment_or_with_the_switch_off(
        config, builtin_plugins, isolated_home, monkeypatch):
    from followup_script.writing.render import Renderer

    assert Renderer(prepare=lambda env: env.filters.update(shout=str.upper)).env.bytecode_cache is None
    assert Renderer(prepare=lambda env: setattr(env, "intercepted_binops", frozenset({"**"}))).env.bytecode_cache is None
    assert Renderer(prepare=lambda env: None).env.bytecode_cache is not None
    monkeypatch.setenv(_speedups.ENV_OFF, "1")
    assert Renderer().env.bytecode_cache is None
    _voicemail(config, builtin_plugins)
    assert _compiled(isolated_home) == ([], [])


def test_dates_are_named_once_while_the_switch_is_on(monkeypatch):
    import datetime as dt

    calls = []

    @_speedups.remember
    def name(day):
        calls.append(day)
        return day.isoformat()

    monkeypatch.delenv(_speedups.ENV_OFF, raising=False)
    assert [name(dt.date(2026, 11, 20)) for _ in range(3)] == ["2026-11-20"] * 3 and len(calls) == 1
    monkeypatch.setenv(_speedups.ENV_OFF, "1")
    assert name(dt.date(2026, 11, 20)) == "2026-11-20" and len(calls) == 2


# -- the regular expressions of the plain-Markdown path -------------------------------------------


def test_one_class_is_every_white_space_but_space_and_line_end():
    import re
    import sys

    one = re.compile(f"[{_speedups._ODD_SPACE}]")
    two = re.compile(r"[^\S \n]")
    # (every Unicode white space is in the Basic Multilingual Plane, the last at U+3000)
    assert [c for c in map(chr, range(0x10000)) if bool(one.match(c)) != bool(two.match(c))] == []
    assert not two.match(chr(sys.maxunicode)) and not one.match(chr(0x1D11E))


# -- what the courtesy guard reads in an email's HTML ----------------------------------------------


def _parsed_html_text(html: str) -> str:
    from followup_script.channels.email import html_text

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(_speedups.ENV_OFF, "1")
        return html_text(html)


def test_every_builtin_email_s_html_says_its_text_and_is_not_read_again(writer):
    """The guard skips reading an email's HTML made from the text it checks: what the HTML
    parser reads in it has the text's words, for every built-in email (plain and hostile
    values); one that did not would make the skip unsafe."""
    from followup_script.channels.email import html_said

    for _, history, profile, contact in email_cases():
        for them in (contact, HOSTILE):
            message = writer.write("email", writer.plan(history, TODAY), them, profile, today=TODAY)
            assert type(message.html) is _speedups.PlainHTML and html_said(message) == ""
            assert _parsed_html_text(message.html).split() == message.text.split()


# -- installed entry points, remembered ------------------------------------------------------------


def _distribution(folder: Path, name: str, module: str) -> None:
    """A real installed distribution with a followup_script entry point (a .dist-info folder)."""
    info = folder / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[followup_script]\n{name} = {module}\n", encoding="utf-8")
    (folder / f"{module}.py").write_text("from followup_script import hookimpl\n", encoding="utf-8")


def test_installed_entry_points_are_remembered_until_something_is_installed(tmp_path, monkeypatch):
    from followup_script import _cache

    site = tmp_path / "site"
    _distribution(site, "followup-script-alpha", "fs_alpha")
    monkeypatch.syspath_prepend(str(site))
    found = _cache.entry_points("followup_script")
    assert ("followup-script-alpha", "fs_alpha", "followup-script-alpha", "1.0") in found
    assert found == _cache._installed_entry_points("followup_script") == _cache.entry_points("followup_script", False)
    cached = Path(_cache.cache_path(_cache.ENTRY_POINTS_FILE))
    assert cached.is_file() and cached.stat().st_mode & 0o777 == 0o600
    assert _cache.entry_points("followup_script") == found  # read back from the cache

    _distribution(site, "followup-script-beta", "fs_beta")  # installed later: the folder's mtime moves
    later = site.stat().st_mtime_ns + 1_000_000_000
    os.utime(site, ns=(later, later))
    again = _cache.entry_points("followup_script")
    assert ("followup-script-beta", "fs_beta", "followup-script-beta", "1.0") in again
    assert again == _cache._installed_entry_points("followup_script")
    module = _cache.load_entry_point("fs_beta")
    assert module.__name__ == "fs_beta" and _cache.load_entry_point("fs_beta:hookimpl [extra]") is module.hookimpl


def test_an_installed_plugin_is_loaded_through_the_remembered_list(tmp_path, monkeypatch, speedups):
    from followup_script.plugins.manager import build_plugin_manager

    site = tmp_path / "site"
    _distribution(site, "followup-script-alpha", "fs_alpha")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "followup-script-alpha")
    for _ in range(2):  # found, then remembered
        plugins = build_plugin_manager(load_entrypoints=True)
        assert plugins.pm.get_plugin("followup-script-alpha").__name__ == "fs_alpha"
        assert plugins.versions["followup-script-alpha"] == "1.0" and not plugins.errors


# -- plain faster algorithms give what the slower ones gave ----------------------------------------


def _normalise_by_translation(text: str) -> str:
    """writing/guard.normalise as it was until #19's second pass: look-alikes found by
    translating the whole text (four times slower on a text that is not ASCII)."""
    import unicodedata

    from followup_script.writing import guard

    if text.isascii():
        return text
    hidden = {ord(c): None for c in set(text) if not c.isascii() and unicodedata.category(c) == "Cf"}
    if hidden:
        text = text.translate(hidden)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if text.translate(guard._CONFUSABLES) == text:
        return text
    return guard._LETTERS.sub(guard._in_latin, text)


@given(st.lists(st.sampled_from(["Chloé", "Zoë", "URGENT", "Uгgent", "ΑSAP", "\u200b", "\u00ad", "ﬁnal", "Ｒeply",
                                 "e\u0301", " ", "\n", "a", "р", "ο", "Ё", "—", "’", "ﾀ", "😀"]),
                max_size=12).map("".join))
def test_the_guard_reads_look_alikes_as_it_did(text):
    from followup_script.writing.guard import normalise

    assert normalise(text) == _normalise_by_translation(text)
