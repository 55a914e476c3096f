"""The ``templates`` commands: list, show, path, copy and check (a thin layer over
:mod:`followup_script.compose.lint`). Reference: docs/templates.md."""

from __future__ import annotations

import json
from pathlib import Path

import click

from followup_script.cli.session import Session


def _writer(ctx: click.Context, templates_dir: Path | None = None):
    writer = Session.of(ctx).writer()
    if templates_dir is not None:
        from followup_script.compose.scriptwriter import Scriptwriter

        writer = Scriptwriter(writer.config, writer.plugins, templates_dir=templates_dir)
    return writer


@click.group(invoke_without_command=True)
@click.pass_context
def templates(ctx):
    """List, show, copy and check the templates scripts are written from.

    Your own templates go in the templates folder beside your config file and
    override plugin and built-in ones with the same name. Without a
    subcommand, the same as `templates list`.

    \b
      followup-script templates list
      followup-script templates show voicemail/three-day-check.txt.j2
      followup-script templates path
      followup-script templates copy email/weekly-nudge.md.j2
      followup-script templates check
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_templates)


@templates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_templates(ctx, as_json=False):
    """Every template: its channels, stage, situation and origin (user, plugin, built-in).

    A template shadowed by one earlier on the search path is marked
    "overridden by user" (or the plugin); situation "any" serves every situation.
    """
    from followup_script.compose.catalog import template_files

    files = template_files(_writer(ctx))
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in files], indent=2))
        return
    from followup_script.present.listing import template_table

    click.echo(template_table(files), nl=False)


@templates.command()
@click.argument("name")
@click.pass_context
def show(ctx, name):
    """Print the template NAME as used (default:NAME for the built-in one).

    \b
      followup-script templates show email/weekly-nudge.md.j2
      followup-script templates show default:voicemail/three-day-check.txt.j2
    """
    from followup_script.compose.catalog import source

    text, origin, path = source(_writer(ctx), name)
    click.echo(f"followup-script: {origin} template {path}", err=True)
    click.echo(text, nl=False)


@templates.command()
@click.pass_context
def path(ctx):
    """Print the folders templates are looked up in, first match wins."""
    from followup_script.compose.catalog import search_path

    entries = search_path(_writer(ctx))
    width = max(len(origin) for origin, _, _ in entries)
    for origin, folder, exists in entries:
        click.echo(f"{origin:<{width}}  {folder}" + ("" if exists else "  (not created yet)"))


@templates.command()
@click.argument("name")
@click.option("--as", "as_name", metavar="NEW", help="Save it under another name, e.g. email/three-day-check.interview.md.j2.")
@click.option("--force", is_flag=True, help="Replace a template of yours with the same name.")
@click.pass_context
def copy(ctx, name, as_name, force):
    """Copy the built-in (or plugin) template NAME into your templates folder to edit.

    The copy then overrides the original. Give --as to make a version for one
    situation only.

    \b
      followup-script templates copy voicemail/three-day-check.txt.j2
      followup-script templates copy email/three-day-check.md.j2 --as email/three-day-check.interview.md.j2
    """
    from followup_script.compose.catalog import copy as copy_template

    target = copy_template(_writer(ctx), name, as_name=as_name, force=force)
    click.echo(f"copied {name} to {target}")


@templates.command()
@click.option("--dir", "pack", metavar="DIR", help="Check the template pack in DIR instead of your templates folder.")
@click.option("--channel", "channels", metavar="C", multiple=True, help="Only these channels (repeatable). Default: all.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def check(ctx, pack, channels, as_json):
    """Lint every template for every channel, stage and situation.

    Checks syntax, unknown and missing variables, the courtesy guard, the
    voicemail time budget and SMS segments, by rendering each with sample
    contacts through the real channels. Prints one line per problem (template,
    origin, stage, situations, channels, rule, detail). Exit 0 when clean
    (warnings allowed), 2 when any problem is found or DIR is not a folder.

    \b
      followup-script templates check
      followup-script templates check --dir my-template-pack
    """
    from followup_script.compose.lint import check as lint
    from followup_script.errors import InputError

    folder = None
    if pack is not None:
        folder = Path(pack)
        if not folder.is_dir():
            raise InputError(f"--dir {pack!r} is not a folder; give the folder that holds <kind>/*.j2")
    writer = _writer(ctx, folder)
    for name in channels:
        writer.channel(name)
    report = lint(writer, channels or None)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        click.echo(f"checked {report.templates} template file(s), {report.renders} render(s): "
                   f"{len(report.errors)} problem(s), {len(report.warnings)} warning(s)", err=True)
    if report.errors:
        raise InputError(f"{len(report.errors)} template problem(s); fix them and run "
                         "followup-script templates check again")
