"""The :class:`Session`: what every command needs from the root options, worked out once.

The root group puts one in ``ctx.obj``; a command takes it with
``Session.of(ctx)`` (or ``@click.pass_obj``). Each value is resolved on first
use and kept, so ``--help`` pays for nothing and a command pays only for what
it uses: the config file (``--config``), your profile with the ``--from-name``,
``--from-phone`` and ``--from-email`` overrides (the root's, or a command's own:
:func:`followup_script.cli.options.profile_options` hands them over with
:meth:`Session.give_profile`; the command's win), the plugins (their problems
reported once, fatal with ``--strict-plugins``), the Scriptwriter, the channel
(``--channel``, else the config's ``defaults.channel``, else voicemail),
whether weekends move to Monday (``--calendar-days`` or ``schedule.calendar_days``),
and today (``--today``).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

import click

from followup_script.cli import started
from followup_script.errors import InputError, PluginError

if TYPE_CHECKING:  # pragma: no cover
    from followup_script.compose.scriptwriter import Scriptwriter
    from followup_script.input.config import Config
    from followup_script.plugins.manager import Plugins
    from followup_script.tracker.service import Tracker

PROFILE_OVERRIDES = ("name", "phone", "email")  # --from-name, --from-phone, --from-email


class Session:
    """One run of the command line. ``params`` are the root group's options (the root
    context's own dict: an option parsed after the session was made is still seen)."""

    def __init__(self, params: Mapping, ctx: click.Context | None = None):
        self.params = params
        self._ctx = ctx
        self._config: Config | None = None
        self._profile: dict | None = None
        self._writer: Scriptwriter | None = None
        self._reported = 0
        self._given: dict[str, str] = {}  # a command's own --from-* values

    @classmethod
    def of(cls, ctx: click.Context) -> Session:
        """The session of this command line run, made from the root options on first use
        (a command's name is looked up before the root group's callback runs)."""
        root = ctx.find_root()
        if not isinstance(root.obj, cls):
            root.obj = cls(root.params, root)
        return root.obj

    # -- root flags ---------------------------------------------------------------------

    @property
    def allow_tone(self) -> bool:
        return bool(self.params.get("allow_tone"))

    @property
    def resend(self) -> bool:
        return bool(self.params.get("resend"))

    @property
    def strict_plugins(self) -> bool:
        return bool(self.params.get("strict_plugins"))

    def today(self, given: str | None = None) -> dt.date:
        """The command's ``--today``, else the root's, else the real date."""
        from followup_script.input.validate import parse_date

        return parse_date(given or self.params.get("today"), "today") or dt.date.today()

    # -- the config and the profile --------------------------------------------------------

    @property
    def config(self) -> Config:
        """The config file as it is on disk (``--config``, env FOLLOWUP_SCRIPT_CONFIG)."""
        if self._config is None:
            from followup_script.input.config import load

            self._config = load(self.params.get("config_path"))
        return self._config

    def give_profile(self, option: str, value: str) -> None:
        """A command's own ``--from-name`` (``option`` ``"from_name"``)... value: it wins
        over the root's. Given before the profile is first used (while the command's
        options are parsed); a profile or writer made before is made again."""
        self._given[option] = value
        self._profile = None
        self._writer = None

    @property
    def profile(self) -> dict:
        """Your profile: the config's, with ``--from-name/--from-phone/--from-email`` over it
        (a command's own, else the root's)."""
        if self._profile is None:
            from followup_script.input.validate import check_email, check_name, check_phone

            checks = {"name": check_name, "phone": check_phone, "email": check_email}
            profile = self.config.profile
            for key in PROFILE_OVERRIDES:
                value = self._given.get(f"from_{key}")
                if value is None:
                    value = self.params.get(f"from_{key}")
                if value is not None:
                    profile[key] = checks[key](value, f"from_{key}")
            self._profile = profile
        return dict(self._profile)

    def business_days(self, calendar_days: bool = False) -> bool:
        """Whether a weekend due date moves to the Monday: not with ``--calendar-days``
        (the command's or the root's) nor with ``schedule.calendar_days`` in the config."""
        if calendar_days or self.params.get("calendar_days"):
            return False
        return not self.config.section("schedule").get("calendar_days", False)

    def channel_name(self, given: str | None = None) -> str:
        """The command's ``--channel``, else the root's, else the writer's default
        (``defaults.channel`` in the config, else voicemail)."""
        return given or self.params.get("channel") or self.writer().default_channel

    # -- plugins and the writer ----------------------------------------------------------

    @property
    def plugins(self) -> Plugins:
        """The loaded plugins; their problems are reported on stderr once (see :meth:`report`)."""
        from followup_script.plugins.manager import get_plugins

        plugins = get_plugins()
        self.report(plugins)
        return plugins

    def report(self, plugins: Plugins) -> None:
        """Say each plugin problem not said yet: a warning, or an error with ``--strict-plugins``."""
        new = plugins.errors[self._reported:]
        self._reported = len(plugins.errors)
        if not new:
            return
        strict = self.strict_plugins
        for error in new:
            click.echo(f"followup-script: {'error' if strict else 'warning'}: {error}", err=True)
        if strict:
            raise PluginError(
                f"{len(new)} plugin problem(s), see above; fix or uninstall the plugin, "
                "or drop --strict-plugins"
            )

    def writer(self, allow_tone: bool | None = None) -> Scriptwriter:
        """The Scriptwriter over the config with your profile, made once; ``allow_tone``
        (when given) lets a message that fails the courtesy guard through with a warning."""
        if self._writer is None:
            from followup_script.compose.scriptwriter import Scriptwriter
            from followup_script.input.config import Config

            config = Config(self.config.path, {**self.config.data, "profile": self.profile})
            plugins = self.plugins
            writer = Scriptwriter(config, plugins)
            writer.renderer  # noqa: B018 - template dirs and environment hooks load (and report) here
            self.report(plugins)
            self._writer = writer
            started()  # the set-up of a command that writes is done
        if allow_tone is not None:
            self._writer.allow_tone = allow_tone
        return self._writer

    # -- the tracker -------------------------------------------------------------------------

    def tracker(self, db_path: str | None = None) -> Tracker:
        """The tracker file (``--db``, env FOLLOWUP_SCRIPT_DB, else the default), closed
        when the command ends."""
        from followup_script.tracker.service import Tracker

        tracker = Tracker.open(db_path or None, business_days=self.business_days())
        if self._ctx is not None:
            self._ctx.call_on_close(tracker.close)
        started()  # the set-up of a command that reads the tracker is done
        return tracker

    # -- asking before a delivery --------------------------------------------------------

    def confirm_delivery(self, message, yes: bool) -> None:
        """Ask before delivering (unless ``--yes``); without a terminal, ``--yes`` is required."""
        from followup_script.present.message import delivery_target

        if message.text is None or yes:
            return
        if not sys.stdin.isatty():
            raise InputError("--deliver without a terminal needs --yes to confirm; add --yes")
        if not click.confirm(f"Deliver this {message.channel} to {delivery_target(message)}?",
                             default=False, err=True):
            raise click.Abort()
