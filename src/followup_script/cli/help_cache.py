"""The command line's one speed trick: ``--help`` lists the commands from a cache.

Listing every command the plain way imports each command module and loads
every plugin (pluggy and the installed distributions), which is most of what
``followup-script --help`` costs. The listing (name, short help, help of each
command) is kept in ``commands.marshal`` in the user cache dir, keyed on what
it depends on: the version, the command modules' files, ``sys.path`` with the
mtime of each folder (an install or uninstall changes it) and the plugin
allow-list. A key that differs, a file that does not load, ``--plugins-dir``
or a plugin problem all take the plain path, which reports plugin problems.
The format is marshal, like a ``.pyc``: reading it needs no import.

It is on unless ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1`` (:mod:`followup_script._speedups`);
docs/performance.md says what it buys.
"""

from __future__ import annotations

import os

from followup_script import __version__
from followup_script._cache import ENV_ALLOW, cache_path, path_key, read_private, write_private

FILE = "commands.marshal"


def listing_key(group, ctx) -> dict | None:
    """What the command listing depends on; None when it must not be cached."""
    if ctx.find_root().params.get("plugins_dir"):
        return None
    here = os.path.dirname(__file__)
    try:
        mtimes = [os.stat(os.path.join(here, f"{name}.py")).st_mtime_ns for name in group.core_modules()]
    except OSError:
        return None
    return {"version": __version__, "modules": mtimes, "paths": path_key(),
            "allow": os.environ.get(ENV_ALLOW)}


def command_rows(group, ctx) -> list[tuple[str, str | None, str | None]]:
    """``(name, short_help, help)`` of every visible command, sorted by name: from the
    cache when its key matches, else by loading every command (and rewriting the cache)."""
    import marshal

    key = listing_key(group, ctx)
    path = cache_path(FILE)
    data = read_private(path) if key is not None else None  # never a file someone else could plant
    if data is not None:
        try:
            cached = marshal.loads(data)
            if cached.get("key") == key:
                return [tuple(row) for row in cached["commands"]]
        except (ValueError, TypeError, KeyError, EOFError, AttributeError):
            pass
    rows = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            rows.append((name, command.short_help, command.help))
    from followup_script.plugins.manager import get_plugins

    if key is not None and not get_plugins().errors:
        write_private(path, marshal.dumps({"key": key, "commands": rows}))  # if it cannot: only speed is lost
    return rows


def format_commands(group, ctx, formatter) -> None:
    """The "Commands" section of ``--help``, laid out as click lays it out."""
    import click

    rows = [(name, click.Command(name, help=text, short_help=short)) for name, short, text in command_rows(group, ctx)]
    if rows:
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])
