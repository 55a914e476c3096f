"""``followup-script plugins`` and ``channels``: what is installed and what it adds."""

from __future__ import annotations

import json

import click

from followup_script.cli.session import Session


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Include the built-in default plugins.")
@click.pass_context
def plugins(ctx, show_all):
    """List installed plugins as JSON (name, version, hooks, channels, load errors).

    \b
      followup-script plugins
      followup-script plugins --all
    """
    click.echo(json.dumps(Session.of(ctx).plugins.listing(include_builtin=show_all), indent=2))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def channels(ctx, as_json):
    """List the channels you can use with --channel.

    \b
      followup-script channels
    """
    session = Session.of(ctx)
    loaded = session.plugins
    found = loaded.channels
    session.report(loaded)
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in found.values()], indent=2))
        return
    width = max((len(n) for n in found), default=4)
    for name, channel in sorted(found.items()):
        delivers = "delivers" if channel.deliver else "prints"
        click.echo(f"{name:<{width}}  {channel.kind:<9}  {delivers:<8}  {channel.description}")
