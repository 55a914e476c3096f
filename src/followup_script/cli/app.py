"""The ``followup-script`` command: the root group, its options, and the entry point.

Each command family lives in its own module and is imported the first time it
is used (:data:`COMMANDS`), so a command starts with only what it needs and
``--help`` imports neither Jinja nor the engine. Plugin commands are added
after the core ones, through the ``register_commands`` hook.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from followup_script import __version__
from followup_script.cli.oneshot import ONE_SHOT, one_shot, one_shot_options
from followup_script.cli.session import Session
from followup_script.errors import FollowupError, InputError

#: set by the shell when it asks for completions (click's ``_{PROG_NAME}_COMPLETE``)
COMPLETE_VAR = "_FOLLOWUP_SCRIPT_COMPLETE"

#: Every core command: its name and where it is defined (``module:attribute``).
COMMANDS = {
    "batch": "batch:batch",
    "calendar": "transfer:calendar",
    "channels": "plugins_cmd:channels",
    "config": "config_cmd:config",
    "contact": "contacts:contact",
    "due": "tracker:due",
    "export": "transfer:export",
    "import": "transfer:import_command",
    "install": "install:install",
    "log": "tracker:log",
    "next": "tracker:next_command",
    "plugin": "plugin_new:plugin",
    "plugins": "plugins_cmd:plugins",
    "snooze": "tracker:snooze",
    "stop": "tracker:stop",
    "sync": "sync:sync",
    "templates": "templates:templates",
    "touch": "touches:touch",
    "undo": "touches:undo",
    "unsnooze": "tracker:unsnooze",
    "uninstall": "install:uninstall",
    "unstop": "tracker:unstop",
    "why": "tracker:why",
    "wizard": "wizard:wizard",
}


class FollowupGroup(click.Group):
    """The root group: a core command is imported when it is asked for (see
    :data:`COMMANDS`); plugin commands are loaded only when a name is not a core
    one, or to list every command. A plugin cannot replace a core command."""

    _plugins_seen = None  # the Plugins whose commands are registered on this group
    _plugin_names: frozenset = frozenset()

    def core_modules(self) -> list[str]:
        """The modules the core commands are defined in (``followup_script.cli.<name>``)."""
        return sorted({target.partition(":")[0] for target in COMMANDS.values()})

    def core_command(self, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(f"followup_script.cli.{module}"), attribute)

    def load_plugin_commands(self, ctx: click.Context) -> None:
        """Register the commands of the loaded plugins (again, if the plugins were reloaded)."""
        plugins = Session.of(ctx).plugins
        if plugins is self._plugins_seen:
            return
        for name in self._plugin_names:
            self.commands.pop(name, None)
        before = set(self.commands)
        plugins.call_each("register_commands", lambda _plugin: self)
        self._plugin_names = frozenset(set(self.commands) - before)
        self._plugins_seen = plugins
        Session.of(ctx).report(plugins)

    def get_command(self, ctx, cmd_name):
        command = self.core_command(cmd_name)
        if command is None:
            self.load_plugin_commands(ctx)
            command = self.commands.get(cmd_name)
        if command is not None and COMPLETE_VAR in os.environ:  # the shell asks: values too
            from followup_script.cli.complete import attach

            attach(command, (cmd_name,))
        return command

    def list_commands(self, ctx):
        self.load_plugin_commands(ctx)
        return sorted({*COMMANDS, *self.commands})

    def get_help(self, ctx):
        from followup_script import _speedups

        if ctx.parent is None and _speedups.enabled():  # the root --help, from the cache
            from followup_script.cli.help_cache import root_help

            return root_help(self, ctx, super().get_help)
        return super().get_help(ctx)

    def format_commands(self, ctx, formatter):
        from followup_script import _speedups

        if _speedups.enabled():
            from followup_script.cli.help_cache import format_commands

            return format_commands(self, ctx, formatter)
        super().format_commands(ctx, formatter)


def _set_plugins_dir(ctx, param, value):
    if value:
        from followup_script.plugins.manager import set_plugins_dir

        set_plugins_dir(value)
    return value


@click.group(
    cls=FollowupGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@one_shot_options
@click.option("--config", "config_path", metavar="FILE", envvar="FOLLOWUP_SCRIPT_CONFIG",
              help="Config file to use [env FOLLOWUP_SCRIPT_CONFIG].")
@click.option("--plugins-dir", metavar="DIR", callback=_set_plugins_dir, is_eager=True, expose_value=True,
              help="Also load every .py plugin file in DIR.")
@click.option("--strict-plugins", is_flag=True, help="Treat any plugin problem as an error (exit 5).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, "--version", prog_name="followup-script")
@click.pass_context
def cli(ctx: click.Context, **opts):
    """Tell you when to follow up with an employer, and exactly what to say.

    \b
    One-shot: say what happened last and get the next step and its script:
      followup-script --name "Dana Reyes" --company Acme --role "Data Engineer" \\
        --last-contact 2026-11-20 --outcome no-commitment --channel voicemail

    Exit codes: 0 ok, 1 internal error, 2 bad input, 3 delivery failed,
    4 refused (stop, courtesy guard, veto), 5 plugin error, 130 interrupted.
    """
    session = Session.of(ctx)
    if ctx.invoked_subcommand is not None:
        if ctx.invoked_subcommand not in COMMANDS:  # a plugin's command: its work with the collector on
            from followup_script.cli import started  # (a core one says when its set-up is done)

            started()
        return
    given = [k for k in ONE_SHOT if opts.get(k) not in (None, 0)]
    if not given:
        if sys.stdin.isatty() and sys.stdout.isatty():
            return ctx.invoke(cli.get_command(ctx, "wizard"))
        click.echo(ctx.get_help(), err=True)
        raise InputError(
            "nothing to do: pass --last-contact DATE and --outcome O for a one-shot script, "
            "or run a command such as `followup-script channels`"
        )
    one_shot(session, opts)


# -- entry point ----------------------------------------------------------------------------------


def error_line(exc: FollowupError) -> str:
    """The error as this command line says it: a value the library names by its
    field (``next``) is named by the option that gives it (``--next``)."""
    if type(exc) is InputError and exc.field is not None:
        return exc.sentence("--" + exc.field.replace("_", "-"))
    return str(exc)


def usage_line(exc: click.UsageError) -> str:
    """click's usage error as one sentence in this command's voice, with where to look:
    ``no such option '--bogus'; see followup-script due --help``."""
    import re

    message = " ".join(exc.format_message().split())
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    # "No such option '--outcom'. (Did you mean one of: '--outcome', '--output'?)"
    message = re.sub(r"\.? \(?Did you mean ([^()]*\?)\)?$", r"; did you mean \1", message)
    choice, typed = getattr(getattr(exc, "param", None), "type", None), re.search(r"'([^']*)' is not one of", message)
    if isinstance(choice, click.Choice) and typed:  # --format jsn: did you mean json?
        from followup_script.engine.grammar import closest_word

        near = closest_word(typed.group(1), [str(c) for c in choice.choices])
        message = f"{message.rstrip('.')}; did you mean {near}?" if near else message
    if exc.ctx is None:
        return message.rstrip(".")
    where = f"{exc.ctx.command_path} --help"
    if message.endswith("?"):  # click's "Did you mean '--outcome'?"
        return f"{message} (see {where})"
    return f"{message.rstrip('.')}; see {where}"


def what_is_known(exc: BaseException) -> str | None:
    """What an error that ended a delivery knows about it (``what_is_known``, set by
    :mod:`followup_script.tracker.delivery` and the commands that deliver), also when
    click turned Ctrl-C into ``Abort``."""
    seen = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        known = getattr(cause, "what_is_known", None)
        if known:
            return known
        cause = cause.__cause__ or cause.__context__
    return None


def also_known(exc: BaseException) -> str:
    known = what_is_known(exc)
    return f"; note: {known}" if known else ""


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    if COMPLETE_VAR in os.environ:  # the shell asks for completions (docs/cli.md)
        from followup_script.cli.complete import attach

        attach(cli)
    debug = "--debug" in args or os.environ.get("FOLLOWUP_SCRIPT_DEBUG") == "1"
    try:
        code = cli.main(args=args, prog_name="followup-script", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except FollowupError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"followup-script: error: {error_line(exc)}{also_known(exc)}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:  # a bare group (`contact`): its help
        click.echo(exc.ctx.get_help())
        return 0
    except click.UsageError as exc:  # one line, like every other error
        click.echo(f"followup-script: error: {usage_line(exc)}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt) as exc:
        known = what_is_known(exc)  # during a delivery: what may have been sent, and what to do
        click.echo(f"followup-script: interrupted; {known or 'nothing was saved or sent'}", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            raise
        click.echo(
            f"followup-script: internal error: {type(exc).__name__}: {exc} "
            f"(rerun with --debug and report it){also_known(exc)}",
            err=True,
        )
        return 1
