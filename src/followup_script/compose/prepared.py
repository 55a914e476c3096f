"""A writer prepared for many messages: what does not change from one message to the next,
worked out once.

A batch writes thousands of messages for one channel, one profile and one day. The
channel's finish and settings, the profile's values as templates see them (its phone
in every form, its callback window), the values of the profile the courtesy guard
masks, and each stage's template are the same for every row: a :class:`Prepared`
works them out once (each on first use, so a run whose rows all need nothing pays
for none of them) and then does only each contact's work. ``Scriptwriter.write``
makes one for its one message, so the one-shot, ``next``, ``due --render``, the
wizard and a batch all write through the same code.

Each message still gets its own copies of the profile and the contact
(``Message.profile``, ``Message.contact``) and of the channel's settings
(``RenderJob.settings``): nothing a channel's finish does to one message reaches the next.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from followup_script.channels import email
from followup_script.channels.base import Channel, Message, RenderJob, supplied_values
from followup_script.engine.stages import Plan, Situation, Stage
from followup_script.errors import FollowupError, PluginError
from followup_script.writing import guard as tone
from followup_script.writing.context import Sender, build_context, transform_values

if TYPE_CHECKING:  # pragma: no cover
    import jinja2


def reading_day(plan: Plan, today: dt.date, delivering: bool = False) -> dt.date:
    """The day the message for ``plan`` will be read, which its relative words count from.

    The day it is due (a script written on Friday for Monday says Monday's words);
    today when it is delivered now (``delivering``), when it is due today, or when the
    due date has passed (a late script is read the day it is used). The one rule for
    every front end: the one-shot, batch, ``next``, ``due --render`` and the wizard.
    """
    if delivering or plan.due is None or plan.due <= today:
        return today
    return plan.due


class Prepared:
    """``writer`` (a :class:`~followup_script.compose.scriptwriter.Scriptwriter`) prepared to
    write on ``channel`` for ``profile`` (as it is now: a copy is kept) on the day ``today``
    (None: the clock's, read when the first message is written); ``delivering``: the
    messages go now, so their words are today's."""

    def __init__(self, writer: Any, channel: Channel, profile: dict, today: dt.date | None = None,
                 delivering: bool = False):
        self.writer = writer
        self.channel = channel
        self.profile = dict(profile)
        self.today = today
        self.delivering = delivering
        self.finish = channel.finish or (email.finish if channel.email else None)
        self._sender: Sender | None = None
        self._settings: dict | None = None
        self._deep = False  # the settings hold a table or a list (settings())
        self._known: tone.Known | None = None
        self._templates: dict[tuple[Stage, Situation], tuple] = {}

    def template(self, plan: Plan) -> jinja2.Template:
        """The template for ``plan``'s stage and situation on this channel."""
        return self._template(plan)[0]

    def _template(self, plan: Plan) -> tuple[jinja2.Template, frozenset[str] | None, frozenset[str] | None]:
        """The template for ``plan``, and the context names a message written with it needs
        (``writer.reads``: :func:`~followup_script.writing.context.names_read`; None: every one): what the
        template reads, and that with ``scheduled_for`` for a plan that has a time
        (the message's ``due_said`` and ``agreed_said``)."""
        key = (plan.stage, plan.situation)
        found = self._templates.get(key)
        if found is None:
            channel = self.channel
            template = self.writer.renderer.template(channel.kind, plan.stage.value, plan.situation.value,
                                                     channel=channel.name, fallback="email" if channel.email else None)
            names = self.writer.reads(template)
            found = self._templates[key] = (template, names, None if names is None else names | {"scheduled_for"})
        return found

    def settings(self) -> dict:
        """The channel's settings for a finish: a copy of them, checked once (a table or a
        list in them copied too: a finish that adds to one changes neither the next message's
        nor the config's)."""
        if self._settings is None:
            self._settings = self.channel.settings(self.writer.config)
            self._deep = any(isinstance(value, (dict, list, set)) for value in self._settings.values())
        if self._deep:
            import copy

            return copy.deepcopy(self._settings)
        return dict(self._settings)

    def _profile_known(self) -> tone.Known:
        """The profile's values to mask, with the forms the guard looks for: worked out once."""
        if self._known is None:
            self._known = tone.Known(supplied_values(self.profile))
        return self._known

    def write(self, plan: Plan, contact: dict, thread=None) -> Message:
        """The message for ``plan`` and ``contact`` (what ``Scriptwriter.write`` returns)."""
        channel = self.channel
        message = Message(channel.name, channel.kind, plan, None, dict(self.profile), dict(contact),
                          is_email=bool(channel.email), via=channel.via)
        if not plan.active:
            return message
        if channel.email and thread is not None:
            message.thread = email.EmailThread.of(thread)
        if self.today is None:
            self.today = dt.date.today()
        # a scheduled call's email is its confirmation, due the day it was agreed (plan.confirm_on):
        # it is read now, not on the day of the call (#15)
        confirming = plan.confirm_on is not None and bool(channel.email)
        read_on = reading_day(plan, self.today, self.delivering or confirming)
        if self._sender is None:
            self._sender = Sender(self.profile)
        try:
            template, names, timed_names = self._templates.get((plan.stage, plan.situation)) or self._template(plan)
        except FollowupError:  # no template, or one that does not compile: the context's own
            build_context(plan, self.profile, contact, read_on, self._sender)  # errors come first (a zone)
            raise
        due_time, agreed_time = plan.due_time, plan.agreed_time
        timed = due_time is not None or agreed_time is not None
        context = build_context(plan, self.profile, contact, read_on, self._sender, timed_names if timed else names)
        if timed:
            if due_time is not None:  # the header says the agreed time as the script does (#15)
                message.due_said = context["scheduled_for"]
            if agreed_time is not None:  # and so does Why: (a scheduled or a missed call)
                message.agreed_said = context["scheduled_for"]
        message.template = template.name
        renderer = self.writer.renderer
        rendered = renderer.render_parts(template, context)  # once: the HTML's Markdown comes from it
        message.text = rendered.text
        if self.finish is not None:
            self._finish(message, RenderJob(
                settings=self.settings(),
                rerender=lambda transform: renderer.render(template, transform_values(context, transform)),
                render_markdown=rendered.markdown,
                render_html=rendered.html,
            ))
        if message.profile != self.profile:  # a finish changed it: read it again
            self.writer.guard(message, message.data_values())
        else:  # the contact's values, and the profile's worked out once
            self.writer.guard(message, supplied_values(message.contact), self._profile_known())
        return message

    def _finish(self, message: Message, job: RenderJob) -> None:
        channel = self.channel
        try:
            self.finish(message, job)  # type: ignore[misc]  # write calls it only when there is one
        except FollowupError as exc:
            # not a template's missing value (templates check); an attribute FollowupError does not declare
            exc.raised_by_finish = channel.name  # type: ignore[attr-defined]
            raise
        except Exception as exc:
            raise PluginError(
                f"channel {channel.name!r} (plugin {channel.plugin}) failed to finish the "
                f"message: {type(exc).__name__}: {exc}"
            ) from None
        text = message.text
        if not isinstance(text, str) or not text or text.isspace():
            raise PluginError(
                f"channel {channel.name!r} (plugin {channel.plugin}) left an empty script"
            )
