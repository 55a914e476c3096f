"""Write docs/reference.md, the command reference, from the click commands themselves.

    python -m followup_script.cli.doc                 # rewrite docs/reference.md
    python -m followup_script.cli.doc --check         # exit 1 if it is out of date
    python -m followup_script.cli.doc -o FILE         # write elsewhere ("-" for stdout)

Only the core commands are documented (installed plugins are not loaded), so
the page is the same on every machine. tests/test_reference.py fails when the
committed page drifts from the commands.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import click

WIDTH = 100
DEFAULT_OUTPUT = Path(__file__).resolve().parents[3] / "docs" / "reference.md"
REGENERATE = "python -m followup_script.cli.doc"

HEADER = f"""# Command reference

Every command and option of `followup-script`, generated from the commands
themselves by `{REGENERATE}` (do not edit by hand; a test fails when
this page and the commands disagree). Commands that plugins add are listed by
`followup-script --help` once the plugin is installed, and in the plugin's own
documentation. The guides explain when to use what: [the one-shot command](cli.md),
[the tracker](tracker.md), [the wizard](wizard.md) and [templates](templates.md).
"""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _help(text: str) -> list[str]:
    """click help text as Markdown: ``\\b`` paragraphs stay as they are, in a text block."""
    out: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b"):
            body = paragraph[1:].strip("\n")
            out += ["```text", body, "```", ""]
        else:
            out += [" ".join(paragraph.split()), ""]
    return out


def _command(cmd: click.Command, ctx: click.Context) -> list[str]:
    lines = [f"## `{ctx.command_path}`", ""]
    usage = cmd.get_usage(ctx).removeprefix("Usage: ").strip()
    lines += ["```text", usage, "```", ""]
    lines += _help(cmd.help or "")
    params = [p for p in cmd.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [p for p in params if isinstance(p, click.Argument)]
    options = [p for p in params if isinstance(p, click.Option)]
    if arguments:
        lines.append("Arguments: " + ", ".join(f"`{p.make_metavar(ctx)}`" for p in arguments) + ".")
        lines.append("")
    if options:
        lines += ["| option | meaning |", "| --- | --- |"]
        for option in options:
            record = option.get_help_record(ctx)
            if record is None:
                continue
            names, meaning = record
            lines.append(f"| `{_cell(names)}` | {_cell(meaning)} |")
        lines.append("")
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            lines += _command(sub, click.Context(sub, info_name=name, parent=ctx, terminal_width=WIDTH,
                                                 max_content_width=WIDTH))
    return lines


def reference() -> str:
    """The reference page, core commands only."""
    os.environ["FOLLOWUP_SCRIPT_LOAD_PLUGINS"] = ""
    from followup_script.plugins import manager as plugins

    plugins.reset()
    from followup_script.cli.app import cli

    ctx = click.Context(cli, info_name="followup-script", terminal_width=WIDTH, **cli.context_settings)
    return HEADER + "\n" + "\n".join(_command(cli, ctx)).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    output = DEFAULT_OUTPUT
    if "-o" in args:
        output = Path(args[args.index("-o") + 1])
    text = reference()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is out of date; run: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    if str(output) == "-":
        sys.stdout.write(text)
        return 0
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, output)
    print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
