"""``followup-script config``: show, set and unset what is in the config file."""

from __future__ import annotations

import click

from followup_script.cli.session import Session


@click.group(invoke_without_command=True)
@click.pass_context
def config(ctx):
    """Show where your config file is and what is set (secrets masked).

    \b
      followup-script config
      followup-script config set profile.name "Ana Lima"
      followup-script config set profile.phone "+1 555 123 4567"
      followup-script config unset profile.email
      followup-script config path
    """
    if ctx.invoked_subcommand is not None:
        return
    from followup_script.input.config import PROFILE_KEYS, dumps

    cfg = Session.of(ctx).config
    click.echo(f"# config file: {cfg.path}" + ("" if cfg.path.exists() else " (not created yet)"))
    missing = [k for k in ("name", "phone", "email") if k not in cfg.profile]
    if missing:
        click.echo("# not set: " + ", ".join(f"profile.{k} ({PROFILE_KEYS[k]})" for k in missing))
    if cfg.data:
        click.echo(dumps(cfg.display()), nl=False)


@config.command("path")
@click.pass_context
def config_path(ctx):
    """Print the path of the config file."""
    click.echo(Session.of(ctx).config.path)


@config.command("set")
@click.argument("key")
@click.argument("value")
@click.pass_context
def config_set(ctx, key, value):
    """Set KEY (section.name, e.g. profile.phone) to VALUE and save (comments kept).

    A setting that is a number or true/false is stored as one; anything else, and every
    secret, as text. Unknown keys and bad values are refused; email.password is never
    stored (use email.password_command or email.password_env).
    """
    from followup_script.input.config import Known, set_value

    session = Session.of(ctx)
    known = Known.of(session.plugins.channels)
    cfg = set_value(session.config, key, value, known=known)
    stored = cfg.data
    for part in key.split("."):
        stored = stored.get(part) if isinstance(stored, dict) else None
    shown = "'********'" if _is_secret(key, stored) else str(stored).lower() if isinstance(stored, bool) else repr(stored)
    click.echo(f"set {key} = {shown} in {cfg.path}")


def _is_secret(key: str, value=None) -> bool:
    from followup_script.input.config import is_secret

    return is_secret(key.rpartition(".")[2], value)


@config.command("unset")
@click.argument("key")
@click.pass_context
def config_unset(ctx, key):
    """Remove KEY from the config file."""
    from followup_script.input.config import unset_value

    cfg = unset_value(Session.of(ctx).config, key)
    click.echo(f"removed {key} from {cfg.path}")
