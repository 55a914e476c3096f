"""Shell completion of values: ``--channel`` (every loaded channel), ``--outcome``,
``--situation``, ``--via`` and the contacts' NAMEs (from the tracker, read only).

click completes commands and options by itself (``_FOLLOWUP_SCRIPT_COMPLETE``, see
docs/cli.md); this module adds the values. It is imported only while the shell asks for
completions: :func:`attach` gives each matching parameter of a command its completer. A
completer never fails: a problem means no suggestions, never an error in the user's shell.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable

import click
from click.shell_completion import CompletionItem

COMPLETE_VAR = "_FOLLOWUP_SCRIPT_COMPLETE"  # as click names it for the followup-script command


def completing() -> bool:
    """Whether this run is the shell asking for completions (cli.app checks the same)."""
    return COMPLETE_VAR in os.environ


def _offer(values: Callable[[click.Context], Iterable[str]], quote: bool = False):
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            found = list(values(ctx))
        except Exception:  # a completion never breaks the user's shell
            return []
        same: Callable[[str], str] = str.casefold
        if quote:  # names compare as the commands compare them: no case, accents or punctuation
            from followup_script.tracker.names import fold

            same = fold
        typed = same(incomplete.strip("'\""))
        matches = [v for v in found if same(v).startswith(typed)]
        if not matches and typed:  # a part of a name is enough, as in the commands themselves
            matches = [v for v in found if typed in same(v)]
        bash = os.environ.get(COMPLETE_VAR, "").startswith("bash")
        # bash puts the word in as it is: a name with a space goes in quoted
        return [CompletionItem(shlex.quote(v) if quote and bash else v) for v in matches]

    return complete


def _channels(ctx: click.Context) -> list[str]:
    from followup_script.plugins.manager import get_plugins

    return sorted(get_plugins().channels)


def _outcomes(ctx: click.Context) -> list[str]:
    from followup_script.engine.stages import Outcome

    return [o.value for o in Outcome]


def _situations(ctx: click.Context) -> list[str]:
    from followup_script.engine.stages import Situation

    return [s.value for s in Situation]


def _vias(ctx: click.Context) -> list[str]:
    from followup_script.input.validate import VIAS

    return list(VIAS)


def _names(ctx: click.Context) -> list[str]:
    from pathlib import Path

    from followup_script.tracker.database import default_path
    from followup_script.tracker.store import contact_names

    given = ctx.params.get("db_path")
    return contact_names(Path(given).expanduser() if given else default_path())


#: option name -> its completer
OPTIONS = {"channel": _offer(_channels), "outcome": _offer(_outcomes),
           "situation": _offer(_situations), "via": _offer(_vias)}
#: NAME arguments that are not an existing contact (a new one)
NEW_NAMES = {("contact", "add")}


def attach(command: click.Command, path: tuple[str, ...] = ()) -> None:
    """Give ``command``'s parameters (and its subcommands') their value completers."""
    for param in command.params:
        if getattr(param, "_custom_shell_complete", None) is not None:
            continue
        if isinstance(param, click.Option) and param.name in OPTIONS:
            param._custom_shell_complete = OPTIONS[param.name]
        elif isinstance(param, click.Argument) and param.name == "name" and path not in NEW_NAMES:
            param._custom_shell_complete = _offer(_names, quote=True)
    for name, sub in getattr(command, "commands", {}).items():
        attach(sub, (*path, name))
