"""Attacks on round 3's speed changes (helper verify3): each test is a way a user, a plugin
author or a library caller could tell the new paths from the old ones."""

import datetime as dt
import gc

import jinja2
import pytest

from followup_script import History, Outcome, Scriptwriter, Situation, _speedups
from followup_script.compose.prepared import reading_day
from followup_script.plugins.manager import build_plugin_manager
from followup_script.writing.context import build_context, names_read
from followup_script.writing.render import Renderer

from .conftest import PROFILE, TODAY

LAST = dt.date(2026, 11, 20)
CONTACT = {"name": "Dana Reyes", "company": "Acme", "update": "I finished a course in SQL"}


# -- a context name read through a global's method -------------------------------------------------
# docs/plugins.md: a plugin's prepare hook adds "filters, tests and globals". A helper object (or a
# dict, a class, a module) whose method is given the context reads a context name the template never
# spells: names_read asked only the global itself and its __call__, so the name was not made.


class _Helpers:
    @jinja2.pass_context
    def news(self, context):
        return context.get("update", "(no update)")

    @classmethod
    @jinja2.pass_context
    def when(cls, context):
        return context.get("last_contact_words", "(never)")


def _said(context):
    return context.get("update", "(no update)")


def _method_object(env):
    env.globals["helpers"] = _Helpers()


def _a_class(env):
    env.globals["Helpers"] = _Helpers


def _a_dict(env):
    env.globals["helpers"] = {"news": jinja2.pass_context(_said)}


def _attribute(env):
    def tools():
        return ""

    tools.news = jinja2.pass_context(_said)  # type: ignore[attr-defined]
    env.globals["helpers"] = tools


READERS = {
    "a method of an object": (_method_object, "{{ helpers.news() }}"),
    "a classmethod of a class": (_a_class, "{{ Helpers.when() }}"),
    "a function in a dict": (_a_dict, "{{ helpers.news() }}"),
    "a function's attribute": (_attribute, "{{ helpers.news() }}"),
}


@pytest.mark.parametrize("reader", READERS.values(), ids=list(READERS))
def test_a_global_whose_parts_are_given_the_context_makes_every_name_needed(reader):
    prepare, source = reader
    assert names_read(Renderer(prepare=prepare).env.from_string(source)) is None


def _returns_a_reader():
    return _Helpers()  # a plain function whose result has a method given the context


@pytest.mark.parametrize("change", [
    lambda env: env.globals.update(extra="Acme"),
    lambda env: env.globals.update(extra=len),
    lambda env: env.globals.update(helpers=_returns_a_reader),
    lambda env: env.filters.update(helpers=lambda value: _Helpers()),
    lambda env: env.tests.update(odd=lambda value: True),
    lambda env: env.filters.update(upper=str.upper),  # one of Jinja's own, replaced
], ids=["data", "a builtin", "a function returning a reader", "a filter returning a reader", "a test",
        "a replaced filter"])
def test_anything_a_plugin_adds_makes_every_name_needed(change):
    """No static reading can tell what a plugin's function returns ("{{ helpers().news() }}"
    reads update): with anything added to what the renderer made, the whole context is made."""
    assert names_read(Renderer(prepare=change).env.from_string("{{ helpers().news() }}")) is None
    assert names_read(Renderer().env.from_string("{{ hello }}")) == {"hello"}


def test_a_function_whose_result_reads_the_context_gets_the_whole_context(config, tmp_path, speedups):
    folder = tmp_path / "templates"
    (folder / "voicemail").mkdir(parents=True)
    (folder / "voicemail" / "three-day-check.txt.j2").write_text(
        "Hi, news: {{ tools().news() }}. Thank you for your time.\n")

    class Plugin:
        import followup_script as _fs

        @_fs.hookimpl
        def prepare_jinja2_environment(self, env):
            env.globals["tools"] = _returns_a_reader

    writer = Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=[Plugin()]), templates_dir=folder)
    plan = writer.plan(History(LAST, Outcome.NO_COMMITMENT, Situation.APPLICATION), TODAY)
    assert "news: I finished a course in SQL." in writer.write("voicemail", plan, CONTACT, today=TODAY).text


class _HelperPlugin:
    """A plugin (docs/plugins.md's prepare hook) with a helper object for templates."""

    import followup_script as _fs

    @_fs.hookimpl
    def prepare_jinja2_environment(self, env):
        env.globals["helpers"] = _Helpers()


def test_a_message_from_a_helper_plugin_says_what_the_whole_context_says(config, tmp_path, speedups):
    folder = tmp_path / "templates"
    (folder / "voicemail").mkdir(parents=True)
    (folder / "voicemail" / "three-day-check.txt.j2").write_text("Hi, news: {{ helpers.news() }} "
                                                                 "Last spoke {{ helpers.when() }}. "
                                                                 "Thank you for your time.\n")
    writer = Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=[_HelperPlugin()]),
                          templates_dir=folder)
    plan = writer.plan(History(LAST, Outcome.NO_COMMITMENT, Situation.APPLICATION), TODAY)
    message = writer.write("voicemail", plan, CONTACT, today=TODAY)
    template = writer.prepare("voicemail", today=TODAY).template(plan)
    whole = writer.renderer.render(template, build_context(plan, PROFILE, CONTACT, reading_day(plan, TODAY)))
    assert "I finished a course in SQL." in whole and "on Friday" in whole
    assert message.text == whole


# -- the collector and a plugin's command ----------------------------------------------------------


def test_a_plugin_command_run_by_the_console_script_runs_with_the_collector_on(tmp_path, monkeypatch, capsys):
    """``run`` holds the collector until the writer or the tracker is ready (``cli.started``); a
    plugin's command that asks for neither did all its work with the collector off (a long job that
    makes reference cycles kept every one of them until the process ended)."""
    from followup_script.cli import main

    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    (folder / "probe.py").write_text(
        "import gc, click, followup_script\n"
        "@followup_script.hookimpl\n"
        "def register_commands(cli):\n"
        "    @cli.command(name='gc-probe')\n"
        "    def gc_probe():\n"
        "        click.echo(f'collector on: {gc.isenabled()}')\n")
    monkeypatch.delenv("FOLLOWUP_SCRIPT_NO_SPEEDUPS", raising=False)
    frozen = gc.get_freeze_count()
    _speedups.hold_collector()  # as run() does, before main()
    try:
        assert not gc.isenabled()
        code = main(["--plugins-dir", str(folder), "gc-probe"])
    finally:
        _speedups.release_collector()  # as run() does, after main()
        if gc.get_freeze_count() > frozen:
            gc.unfreeze()
    assert gc.isenabled()
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "collector on: True" in out.out
