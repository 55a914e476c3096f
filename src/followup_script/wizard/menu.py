"""The wizard's script menu: pick a channel, see the script, then copy, save, log or deliver it.

:class:`ScriptMenu` works for one :class:`~followup_script.wizard.flow.Wizard`
session: it asks and shows through the wizard, writes scripts with its
Scriptwriter and records in its tracker, with the library's own calls
(``Tracker.record``, ``Tracker.record_and_deliver``): what the person told
about the contact is saved with the touch they log or the delivery they
confirm, and taken back whole if the delivery fails.

A script is worded for the day it will be read (``compose.scriptwriter.reading_day``):
one shown before it is due speaks as on its due day, and says so; delivered now, it is
written again in today's words, shown, and only then confirmed.
"""

from __future__ import annotations

import subprocess

from followup_script.compose.scriptwriter import reading_day
from followup_script.engine.grammar import with_article
from followup_script.engine.stages import Outcome, Stage, human_date
from followup_script.errors import FollowupError, InputError
from followup_script.present.files import write_file
from followup_script.present.message import delivered_where, delivery_target, length_line, text_report
from followup_script.present.offers import not_deliverable
from followup_script.present.plan import plan_sentence
from followup_script.present.shell import shell_quote
from followup_script.tracker.rows import NewTouch
from followup_script.wizard.questions import (
    after_no_script,
    agreed_time,
    confirm_delivery,
    confirm_log,
    file_name,
    news_update,
    next_action,
    overwrite,
    pick_channel,
    said,
    save_path,
    what_happened,
)


class ScriptMenu:
    """What the person does with the scripts for one contact; ``wizard`` is the session."""

    def __init__(self, wizard, follow):
        self.wizard = wizard
        self.follow = follow
        self.ask = wizard.ask
        self.echo = wizard.echo

    def run(self) -> str:
        """Until the person moves on: returns ``another`` or ``quit``."""
        wizard = self.wizard
        channels = wizard.writer.plugins.channels
        default = wizard.channel
        logged = False
        if self.follow.plan.stage is Stage.WEEKLY_NUDGE:  # its something-new slot (#15 --update)
            self.follow.update = self.ask(news_update())
        while True:
            name = self.ask(pick_channel(channels.values(), default))
            default = name
            try:
                message = self.write(name)
            except FollowupError as exc:
                self.echo(f"Cannot write the {name} script: {exc}")
                action = self.ask(after_no_script(with_channel=True))
                if action == "channel":
                    continue
                return action
            self.show(message)
            blocked = not_deliverable(channels[name], wizard.writer.config, self.follow.script_fields())
            if blocked and channels[name].deliver is not None and not logged:
                self.echo(f"Delivery by {name} is not offered: {blocked}")
            while True:
                can_deliver = blocked is None and not logged
                action = self.ask(next_action(name, bool(wizard.clipboard), can_deliver, not logged))
                if action in ("another", "quit"):
                    return action
                if action == "channel":
                    break
                try:
                    if action == "copy":
                        self.copy(message)
                    elif action == "save":
                        self.save(message)
                    elif action == "deliver":
                        logged = self.deliver(message) or logged
                    elif action == "log":
                        logged = self.log(message) or logged
                except FollowupError as exc:
                    self.echo(f"Not done: {exc}")

    def write(self, channel: str, delivering: bool = False):
        """The script for ``channel``, worded for the day it is read (today's words when ``delivering``)."""
        wizard, follow = self.wizard, self.follow
        tracker = wizard.tracker() if follow.contact is not None else None  # a weekly nudge replies in its thread
        thread = tracker.email_thread(follow.contact) if tracker is not None else None
        return wizard.writer.write(channel, follow.plan, follow.script_fields(), wizard.profile,
                                   today=wizard.today, delivering=delivering, thread=thread)

    def show(self, message, delivering: bool = False) -> None:
        self.echo("")
        self.echo(length_line(message))
        day = reading_day(message.plan, self.wizard.today, delivering)
        if day != self.wizard.today:
            can_deliver = self.wizard.writer.plugins.channels[message.channel].deliver is not None
            self.echo(f"Worded for {human_date(day)}, the day it is due"
                      + (" (delivered now, it says today's words)." if can_deliver else "."))
        for warning in message.warnings:
            self.echo(f"Note: {warning}")
        self.echo("")
        self.echo(message.text.rstrip("\n"))
        self.echo("")

    def copy(self, message) -> None:
        clipboard = self.wizard.clipboard
        text = (f"Subject: {message.subject}\n\n" if message.subject else "") + message.text
        try:
            subprocess.run(clipboard, input=text.encode(), check=True, timeout=10,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (OSError, subprocess.SubprocessError) as exc:
            raise InputError(f"{clipboard[0]} could not copy ({exc}); save it to a file instead") from None
        self.echo(f"Copied the {message.channel} script to the clipboard.")

    def save(self, message) -> None:
        kind = "email" if message.is_email else message.kind  # an email channel of a kind of its own too
        path = self.ask(save_path(file_name(self.follow.name, message.channel, kind)))
        if path.exists() and not self.ask(overwrite(path)):
            self.echo("Not saved.")
            return
        if path.suffix.lower() == ".eml" and message.is_email:
            data = bytes(message.to_email())
        else:
            data = text_report(message).encode()
        write_file(path, data)
        self.wizard.saved.append(str(path.resolve()))
        self.echo(f"Saved to {path.resolve()}")

    def log(self, message) -> bool:
        """Log that the script was used today (with what was told before it)."""
        wizard, follow = self.wizard, self.follow
        outcome = self.ask(what_happened(None, "How did it go?", default=Outcome.NO_ANSWER))
        next_at = self.ask(agreed_time(wizard.today, wizard.today)) if outcome is Outcome.SCHEDULED else None
        summary = f"{with_article(message.via)} to {follow.name} today, {said(outcome)}"
        if follow.pending:
            summary = f"{follow.pending_words()}; then {summary}"
        if not self.ask(confirm_log(summary, wizard.db_path)):
            self.echo("Not logged.")
            return False
        used = NewTouch(outcome, wizard.today, message.via, next_at,
                        note=f"used the wizard's {message.channel} script")
        recorded = wizard.record(follow, used)
        follow.saved(recorded.contact)
        wizard.saved.append(f"a touch for {follow.name} in {wizard.db_path}")
        self.echo(f"Logged in {wizard.db_path}.")
        if recorded.plan is not None:
            self.echo(plan_sentence(recorded.plan))
        return True

    def deliver(self, message) -> bool:
        """Deliver exactly once (docs/reliability.md), after saving what was told; a failed
        delivery takes that back, so nothing of it is kept."""
        wizard, follow = self.wizard, self.follow
        if reading_day(follow.plan, wizard.today) != wizard.today:
            message = self.write(message.channel, delivering=True)  # it goes now: today's words
            self.echo("Delivered now, it is worded for today:")
            self.show(message, delivering=True)
        if not self.ask(confirm_delivery(message.channel, delivery_target(message))):
            self.echo("Not delivered.")
            return False
        tracker = wizard.tracker(create=True)
        try:
            done = tracker.record_and_deliver(wizard.writer, message, follow.contact, fields=follow.fields,
                                              touches=follow.told(), via=message.via, today=wizard.today)
        except FollowupError as exc:
            delivered = getattr(exc, "delivered", None)
            if delivered is None:
                raise  # not delivered: nothing of it was kept ("Not done: ...")
            # it went, then something failed (a plugin's bad receipt...): say so, never offer it again
            try:
                follow.saved(tracker.find(follow.name))
            except FollowupError:
                pass
            self.echo(f"Delivered: {delivered_where(delivered)}, but then: {exc}")
            return True
        follow.saved(done.contact)
        if done.already is not None:
            self.echo(f"Already delivered by {message.channel} ({delivered_where(done.earlier_receipt())}); "
                      "nothing was sent again. To send it once more: "
                      f"followup-script next {shell_quote(follow.name)} --deliver --resend")
            return True
        wizard.saved.append(f"the delivery to {follow.name}, logged in {wizard.db_path}")
        self.echo(f"Delivered: {delivered_where(done.receipt)}. Logged in {wizard.db_path}.")
        if done.receipt.contact_stopped:
            self.echo(f"{follow.name} opted out on {message.channel}: they are now stopped and get "
                      "nothing more, on any channel.")
        else:
            self.echo(plan_sentence(tracker.plan_for(done.contact, wizard.today)))
        return True
