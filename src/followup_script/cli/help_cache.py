"""The command line's one speed trick: ``--help`` comes from a cache.

Listing every command the plain way imports each command module and loads
every plugin (pluggy and the installed distributions), which is most of what
``followup-script --help`` costs. The listing (name, short help, help of each
command) is kept in ``commands.marshal`` in the user cache dir, keyed on what
it depends on: the version, the command modules' files, ``sys.path`` with the
mtime of each folder (an install or uninstall changes it) and the plugin
allow-list. A key that differs, a file that does not load, ``--plugins-dir``
or a plugin problem all take the plain path, which reports plugin problems.
The format is marshal, like a ``.pyc``: reading it needs no import.

The root ``--help`` text itself, as click lays it out, is kept in the same
file beside the listing (:func:`root_help`): laying out its forty options and wrapping their
help is most of what a warm ``--help`` still did (about 6 ms, with 2 ms more
to import ``shutil`` for the terminal's width). Its key adds the width click
would pick, the program's name, and the file of every ``followup_script``
module loaded when it is asked for (the root group and its options are defined
in them), so an edited option or a resized terminal is never answered from it.

It is on unless ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1`` (:mod:`followup_script._speedups`);
docs/performance.md says what it buys.
"""

from __future__ import annotations

import os
import sys

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
    cached = _cached() if key is not None else None
    if cached is not None and cached.get("key") == key:
        try:
            return [tuple(row) for row in cached["commands"]]
        except (TypeError, KeyError):
            pass
    rows = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            rows.append((name, command.short_help, command.help))
    from followup_script.plugins.manager import get_plugins

    if key is not None and not get_plugins().errors:
        write_private(cache_path(FILE), marshal.dumps({"key": key, "commands": rows}))  # else only speed is lost
    return rows


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, worked out as it does, without importing
    shutil: ``COLUMNS`` when it is a positive number, else the terminal of standard
    output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns


def help_width(ctx) -> int:
    """The width click's ``HelpFormatter`` picks for ``ctx`` (see ``click.formatting``)."""
    from click import formatting

    if ctx.terminal_width is not None:
        return ctx.terminal_width
    if formatting.FORCED_WIDTH is not None:
        return formatting.FORCED_WIDTH
    return max(min(terminal_columns(), ctx.max_content_width or 80) - 2, 50)


def help_key(group, ctx) -> list | None:
    """What the root ``--help`` text depends on; None when it must not be cached."""
    listing = listing_key(group, ctx)
    if listing is None:
        return None
    files = []
    for name, module in sorted(sys.modules.items()):
        if name == "followup_script" or name.startswith("followup_script."):
            path = getattr(module, "__file__", None)
            try:
                files.append([name, os.stat(path).st_mtime_ns if path else None])
            except OSError:
                return None
    return [listing, files, help_width(ctx), ctx.info_name, ctx.color]


def _cached() -> dict | None:
    """The cache file's record, or None (absent, damaged, or a file someone else could plant)."""
    import marshal

    data = read_private(cache_path(FILE))
    if data is None:
        return None
    try:
        cached = marshal.loads(data)
    except (ValueError, TypeError, EOFError):
        return None
    return cached if isinstance(cached, dict) else None


def root_help(group, ctx, plain) -> str:
    """The root ``--help`` text: from the cache when its key matches, else ``plain(ctx)``
    (which lists the commands through :func:`command_rows`), kept beside the listing."""
    import marshal

    key = help_key(group, ctx)
    if key is None:
        return plain(ctx)
    cached = _cached()
    kept = cached.get("help") if cached is not None else None
    if isinstance(kept, dict) and kept.get("key") == key and isinstance(kept.get("text"), str):
        return kept["text"]
    text = plain(ctx)  # lists the commands: rewrites the listing when it was stale
    cached = _cached()
    # only beside the listing of this very key, which is written only when no plugin had a
    # problem: a kept text would answer without loading the plugins, so never report one
    if cached is not None and "commands" in cached and cached.get("key") == key[0]:
        cached["help"] = {"key": key, "text": text}
        write_private(cache_path(FILE), marshal.dumps(cached))  # if it cannot: only speed is lost
    return text


def format_commands(group, ctx, formatter) -> None:
    """The "Commands" section of ``--help``, laid out as click lays it out."""
    import click

    rows = [(name, click.Command(name, help=text, short_help=short)) for name, short, text in command_rows(group, ctx)]
    if rows:
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in rows])
