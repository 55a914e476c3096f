"""The root group: each core command is imported when it is asked for, plugin commands come
after the core ones and never replace them, and ``--help`` lists the same commands with its
listing cache (the command line's one speed trick) or without it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import click
import pytest

from followup_script import hookimpl
from followup_script.cli import cli, main
from followup_script.cli.app import COMMANDS
from followup_script.plugins import manager

PROBE = (
    "import sys\n"
    "from followup_script.cli import main\n"
    "main(sys.argv[1:])\n"
    "names = ('followup_script.cli.tracker', 'followup_script.cli.batch', 'followup_script.cli.wizard',\n"
    "         'followup_script.cli.contacts', 'followup_script.cli.templates', 'pluggy', 'jinja2',\n"
    "         'followup_script.engine.stages')\n"
    "print(repr(sorted(m for m in names if m in sys.modules)), file=sys.stderr)\n"
)


def probe(*args, **env) -> tuple[str, list[str]]:
    """Run the command line in a fresh interpreter: (stdout, the listed modules it imported)."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FOLLOWUP_SCRIPT_LOAD_PLUGINS": "", **env})
    assert done.returncode == 0, done.stderr
    return done.stdout, ast.literal_eval(done.stderr.strip().splitlines()[-1])


def test_every_core_command_is_where_the_map_says():
    ctx = click.Context(cli, info_name="followup-script")
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name, name
    assert cli.get_command(ctx, "no-such-command") is None


def test_a_command_imports_its_own_module_only():
    out, loaded = probe("log", "--help")
    assert "--outcome" in out
    assert loaded == ["followup_script.cli.tracker"], "no other command module, no plugins, no Jinja, no engine"
    out, loaded = probe("contact", "list", "--help")
    assert loaded == ["followup_script.cli.contacts"]


@pytest.mark.parametrize("switch", ["0", "1"])
def test_help_imports_no_engine_nor_jinja(switch):
    out, loaded = probe("--help", FOLLOWUP_SCRIPT_NO_SPEEDUPS=switch)
    assert "  due " in out and "  wizard " in out
    assert "jinja2" not in loaded and "followup_script.engine.stages" not in loaded


def test_help_lists_the_same_commands_with_or_without_its_cache(isolated_home):
    cache = isolated_home / ".cache" / "followup-script" / "commands.marshal"
    plain, plain_loaded = probe("--help", FOLLOWUP_SCRIPT_NO_SPEEDUPS="1")
    assert not cache.exists(), "with the switch off, nothing is cached"
    assert "followup_script.cli.tracker" in plain_loaded and "pluggy" in plain_loaded
    cold, _ = probe("--help")
    assert cache.exists()
    warm, warm_loaded = probe("--help")
    assert plain == cold == warm
    assert warm_loaded == [], "from the cache: no command module and no plugin is loaded"
    for name in COMMANDS:
        assert f"\n  {name} " in warm


class Intruder:
    """A plugin that adds a command, and one with a core command's name."""

    @hookimpl
    def register_commands(self, cli):
        @cli.command(name="due")
        def fake_due():
            """Not the real due."""
            click.echo("intruder")

        @cli.command(name="intruder-hello")
        def hello():
            """Say hello from a plugin."""
            click.echo("hello from the plugin")


def use_plugins(monkeypatch, *extra):
    monkeypatch.setattr(manager, "_plugins", manager.build_plugin_manager(load_entrypoints=False, extra=extra))


def test_plugin_commands_come_after_the_core_ones(monkeypatch, capsys, isolated_home):
    monkeypatch.setenv("FOLLOWUP_SCRIPT_NO_SPEEDUPS", "1")
    use_plugins(monkeypatch, Intruder())
    assert main(["intruder-hello"]) == 0
    assert capsys.readouterr().out == "hello from the plugin\n"
    assert main(["due", "--db", str(isolated_home / "t.sqlite3")]) == 0
    out, err = capsys.readouterr()
    assert "intruder" not in out and err == "nothing is due today\n"
    assert main(["--help"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("\n  due ") == 1 and "The follow-ups due today" in listing
    assert "\n  intruder-hello " in listing


def test_plugin_commands_follow_the_plugins_loaded(monkeypatch, capsys):
    use_plugins(monkeypatch, Intruder())
    assert main(["intruder-hello"]) == 0
    capsys.readouterr()
    use_plugins(monkeypatch)  # the plugins are loaded again, without it
    assert main(["intruder-hello"]) == 2
    assert "no such command 'intruder-hello'" in capsys.readouterr().err
