"""Options several commands share."""

from __future__ import annotations

import click

#: ``--from-name``, ``--from-phone``, ``--from-email``: your profile for this run, on the
#: root (the one-shot) and on every command that writes a script (next, due, batch).
PROFILE_OPTIONS = {
    "from_name": "Your full name (else profile.name from the config).",
    "from_phone": "Your phone number (else profile.phone).",
    "from_email": "Your email address (else profile.email).",
}


def option_label(field: str) -> str:
    """How the command line names a value's field: ``last_contact`` is ``--last-contact``."""
    return "--" + field.replace("_", "-")


def db_option(func):
    """``--db PATH``: the tracker file."""
    return click.option(
        "--db", "db_path", metavar="PATH", envvar="FOLLOWUP_SCRIPT_DB",
        help="The tracker file [env FOLLOWUP_SCRIPT_DB; default tracker.sqlite3 in the user data dir].",
    )(func)


def today_option(func):
    """``--today DATE``: a command's own (the root's ``--today`` counts too)."""
    return click.option("--today", metavar="DATE", help="Pretend today is DATE (YYYY-MM-DD).")(func)


def root_profile_options() -> list:
    """The root group's ``--from-*`` options (its parameters, as the one-shot reads them)."""
    return [click.option("--" + name.replace("_", "-"), help=text) for name, text in PROFILE_OPTIONS.items()]


def _give_profile(ctx: click.Context, param: click.Parameter, value):
    if value is not None:
        from followup_script.cli.session import Session

        Session.of(ctx).give_profile(param.name, value)
    return value


def profile_options(func):
    """A command's own ``--from-name/--from-phone/--from-email``: handed to the Session,
    which resolves your profile once (a command's value wins over the root's)."""
    for name, text in reversed(PROFILE_OPTIONS.items()):
        func = click.option("--" + name.replace("_", "-"), name, help=text, expose_value=False,
                            callback=_give_profile)(func)
    return func
