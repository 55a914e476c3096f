"""Writing and delivering follow-ups: the library calls every front end uses.

>>> from followup_script import Scriptwriter, History
>>> writer = Scriptwriter.from_config()          # doctest: +SKIP
>>> plan = writer.plan(History(date(2026, 11, 20), "no-commitment"), today=date(2026, 11, 25))
>>> message = writer.write("email", plan, contact={"name": "Dana Reyes"}, today=date(2026, 11, 25))

Every relative word a script says ("today", "yesterday", "on Friday") is worked out
from the day the message will be read, :func:`reading_day`: the day it is due, or
today when it is delivered now or is due today or already late.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

from followup_script.channels import email
from followup_script.channels.base import Channel, DeliveryContext, Message, Receipt
from followup_script.compose.prepared import Prepared, reading_day  # noqa: F401 (reading_day: re-exported)
from followup_script.engine.stages import History, Plan
from followup_script.engine.stages import plan as decide
from followup_script.errors import FollowupError, InputError, PluginError, StoppedError
from followup_script.input.config import Config, load
from followup_script.plugins.manager import Plugins, get_plugins
from followup_script.writing import guard as tone
from followup_script.writing.context import names_read
from followup_script.writing.render import Renderer


class Scriptwriter:
    """Plans, renders, guards and delivers follow-ups for one user config."""

    def __init__(self, config: Config, plugins: Plugins | None = None, allow_tone: bool = False,
                 templates_dir=None):
        self.config = config
        self.plugins = plugins or get_plugins()
        self.allow_tone = allow_tone
        # the user's own templates: beside the config file, or a template pack folder
        self.templates_dir = config.templates_dir if templates_dir is None else templates_dir
        self._renderer: Renderer | None = None
        self._reads: dict = {}  # a template -> the context names it reads (reads())

    @classmethod
    def from_config(cls, path=None, **kwargs) -> Scriptwriter:
        return cls(load(path), **kwargs)

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(
                user_dir=self.templates_dir,
                plugin_dirs=self.plugins.template_dirs,
                prepare=self._prepare,
            )
        return self._renderer

    def reads(self, template) -> frozenset[str] | None:
        """The context names ``template`` (one of :attr:`renderer`'s) reads, None for every one
        (:func:`~followup_script.writing.context.names_read`): worked out once per template
        for all the messages this writer writes (a batch row with a sender of its own, each
        ``due --render`` message), not once per :meth:`write`. A compiled template's code
        does not change, nor do its environment's functions once its first template loads."""
        try:
            return self._reads[template]
        except KeyError:
            names = self._reads[template] = names_read(template)
            return names

    def _prepare(self, env) -> None:
        self.plugins.call_each("prepare_jinja2_environment", lambda _plugin: env)

    def channel(self, name: str) -> Channel:
        return self.plugins.channel(name)

    @property
    def default_channel(self) -> str:
        """The channel used when none is named: ``defaults.channel`` in the config, else voicemail."""
        return self.config.section("defaults").get("channel", "voicemail")

    def plan(self, history: History, today: dt.date, business_days: bool | None = None) -> Plan:
        if business_days is None:
            business_days = not self.config.section("schedule").get("calendar_days", False)
        return decide(history, today, business_days)

    def write(self, channel: str | Channel, plan: Plan, contact: dict, profile: dict | None = None,
              today: dt.date | None = None, delivering: bool = False, thread=None) -> Message:
        """Render the script for ``plan`` on ``channel``; ``text`` is None when done or stopped.

        ``today`` is the day it is written (default: the clock's); its words are those of
        the day it is read, :func:`reading_day` (``delivering``: it goes now, so today's).
        ``thread``: the last email delivered to this contact (``Tracker.email_thread``), which
        a weekly nudge on an email channel answers (``Re:``, ``In-Reply-To``, ``References``).
        """
        return self.prepare(channel, profile, today, delivering).write(plan, contact, thread)

    def prepare(self, channel: str | Channel, profile: dict | None = None, today: dt.date | None = None,
                delivering: bool = False) -> Prepared:
        """This writer prepared to write many messages on ``channel`` for ``profile`` (default:
        the config's) on the day ``today``: ``prepared.write(plan, contact)`` gives what
        :meth:`write` gives, with what the messages share worked out once (a batch's rows)."""
        channel = channel if isinstance(channel, Channel) else self.channel(channel)
        return Prepared(self, channel, self.config.profile if profile is None else profile, today, delivering)

    def guard(self, message: Message, data: list[str] | None = None, known: tone.Known | None = None) -> None:
        """The courtesy guard, on every part that is delivered: the subject, the text and
        what the HTML says; with ``allow_tone`` the problems become warnings. ``data``:
        ``message.data_values()``, when the caller has them; or, with ``known`` (a
        :class:`~followup_script.writing.guard.Known` made once for many messages), the
        values that together with ``known.values`` are ``message.data_values()``."""
        if data is None:
            data = message.data_values()
        subject, script = message.subject, message.text
        parts = [f"{subject}\n{script}" if subject and script else subject or script or ""]
        shown = email.html_said(message) if message.html is not None else ""  # "": it says the text
        if shown and shown.split() != (script or "").split():  # the HTML says something else
            parts.append(shown)
        for part, text in enumerate(parts):
            problems = tone.check(text, data, known)
            if not problems:
                continue
            if self.allow_tone:
                message.warnings.extend(f"courtesy guard overridden: {problem}" for problem in problems)
                continue
            tone.refuse(problems, *self._refused(message, html=part > 0))

    def _refused(self, message: Message, html: bool) -> tuple[str, str]:
        """What the guard's error names (the text or the HTML of this message) and how to fix it."""
        where = f"the {message.channel} script ({message.template})"
        fix = "reword the template"
        update = message.contact.get("update")
        if isinstance(update, str) and any(v.rule != "courtesy" for v in tone.check(update)):
            fix = "reword the news given with --update (or a batch row's update column)"  # the user's words
        if not html:
            return where, fix
        channel = self.plugins.channels.get(message.channel)
        if channel is not None and channel.finish is not None:  # the text passed: the finish may have
            fix += f", or what the finish of channel {channel.name!r} (plugin {channel.plugin}) puts in the HTML"
        return f"the HTML of {where}", fix

    def delivery_key(self, message: Message) -> str:
        """The same follow-up on the same channel always gets the same key."""
        import hashlib  # 3 ms of start-up that only delivery needs

        basis = json.dumps(
            [message.channel, message.contact.get("name"), message.contact.get("email"),
             message.contact.get("phone"), message.plan.stage.value,
             message.plan.due.isoformat() if message.plan.due else None, message.plan.attempt],
            sort_keys=True,
        )
        return hashlib.sha256(basis.encode()).hexdigest()[:32]

    def deliver(self, message: Message, stopped: bool = False, dry_run: bool = False,
                previous_attempt: str | None = None) -> Receipt:
        """Hand ``message`` to its channel. Never runs for a contact who said stop."""
        if message.stopped or stopped:
            who = message.contact.get("name") or "this contact"
            raise StoppedError(
                f"{who} asked not to be contacted; nothing was delivered "
                "(run followup-script unstop NAME only if they ask you to resume)"
            )
        if message.text is None:
            raise InputError(f"there is nothing to deliver: the follow-up is {message.plan.stage.value}")
        channel = self.channel(message.channel)
        if channel.deliver is None:
            raise InputError(
                f"channel {channel.name!r} only prints; it cannot deliver. Drop --deliver, "
                "or pick a channel that delivers (see followup-script channels)"
            )
        context = DeliveryContext(self.config, self.delivery_key(message), dry_run=dry_run,
                                  now=dt.datetime.now(dt.UTC), previous_attempt=previous_attempt,
                                  settings=channel.settings(self.config, delivering=True))
        with _user_interrupts() as interrupted:
            try:
                result = self.plugins.pm.hook.deliver_message(channel=channel, message=message,
                                                              context=context)
            except FollowupError:
                raise
            except BaseException as exc:
                if not isinstance(exc, Exception) and interrupted():
                    raise  # the user pressed Ctrl-C: 130, and the caller says what is known
                # a plugin's own error; also sys.exit() or a KeyboardInterrupt it raised itself:
                # plugin code cannot end or silence the command (exit 5, the attempt recorded)
                raise PluginError(
                    f"delivery on channel {channel.name!r} (plugin {channel.plugin}) raised "
                    f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
                ) from None
        return Receipt.coerce(result, channel)  # the first thing done with it (a BadReceipt is delivered)


@contextmanager
def _user_interrupts():
    """Tell a real Ctrl-C (SIGINT) from a ``KeyboardInterrupt`` a plugin raises itself: yields
    a function that says whether SIGINT arrived in the block. Outside the main thread (where
    no handler can be set) every ``KeyboardInterrupt`` counts as real."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield lambda: True
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous == signal.SIG_IGN:  # Ctrl-C cannot arrive: any KeyboardInterrupt is the plugin's
        yield lambda: False
        return
    seen = []

    def on_sigint(signum, frame):
        seen.append(signum)
        if callable(previous):
            return previous(signum, frame)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield lambda: bool(seen)
    finally:
        signal.signal(signal.SIGINT, previous)
