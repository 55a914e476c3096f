"""The interactive wizard: questionary prompts over the same library calls as the
one-shot command and the tracker.

The questions are built by the pure functions of
:mod:`followup_script.wizard.questions`; :class:`Wizard` asks them through
:func:`ask`, the one place that imports questionary, and calls the library
only: the engine through ``Scriptwriter.plan``, the scripts through
``Scriptwriter.write``, the tracker through :class:`~followup_script.Tracker`,
and the words it shows come from :mod:`followup_script.present`.

Nothing is written before the confirmation of its step: the profile is saved
after "Save this profile?", a new contact and what happened last go to the
tracker only with the touch you log, the delivery you confirm, or the "keep
this in the tracker?" question asked when you leave. The tracker file is not
even created until then. Ctrl-C anywhere leaves through :meth:`Wizard.run`,
which says what (if anything) was saved earlier in the session.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from followup_script.engine.stages import History, Outcome, Plan, human_date
from followup_script.errors import FollowupError, InputError
from followup_script.present.files import write_file
from followup_script.present.message import delivered_where, delivery_target, length_line, text_report
from followup_script.present.plan import plan_sentence, status_words
from followup_script.present.shell import shell_quote
from followup_script.wizard.questions import (
    ANOTHER_DATE,
    NOTHING_NEW,
    VIA_FOR_OUTCOME,
    Question,
    add_contact,
    after_no_script,
    agreed_time,
    confirm_delivery,
    confirm_log,
    contact_company,
    contact_email,
    contact_name,
    contact_phone,
    contact_role,
    contact_situation,
    file_name,
    keep_pending,
    next_action,
    other_date,
    overwrite,
    pick_channel,
    pick_contact,
    profile_email,
    profile_name,
    profile_phone,
    said,
    save_path,
    save_profile,
    what_happened,
    when_happened,
)

CLIPBOARDS = (
    (("pbcopy",), None),
    (("wl-copy",), "WAYLAND_DISPLAY"),
    (("xclip", "-selection", "clipboard"), "DISPLAY"),
    (("xsel", "--clipboard", "--input"), "DISPLAY"),
)


# -- asking -------------------------------------------------------------------------------------


def ask(question: Question) -> Any:
    """Ask one :class:`Question` on the terminal; Ctrl-C raises KeyboardInterrupt."""
    import questionary

    if question.kind == "confirm":
        prompt = questionary.confirm(question.message, default=bool(question.default))
    elif question.kind == "select":
        shortcuts = len(question.choices) <= 36
        choices = [questionary.Choice(o.title, o.value, shortcut_key=o.key if o.key else True)
                   for o in question.choices]
        prompt = questionary.select(question.message, choices=choices, default=question.default,
                                    use_shortcuts=shortcuts, use_jk_keys=False,
                                    instruction=question.instruction)
    elif question.kind == "autocomplete":
        prompt = questionary.autocomplete(
            question.message, choices=[o.title for o in question.choices], default=question.default or "",
            meta_information=dict(question.hints), validate=question.validate,
        )
    else:
        prompt = questionary.text(question.message, default=question.default or "",
                                  validate=question.validate, instruction=question.instruction)
    answer = prompt.unsafe_ask()
    if answer is None:  # an aborted prompt, e.g. end of input
        raise KeyboardInterrupt
    return question.answer(answer)


def clipboard_command(env: dict | None = None) -> list[str] | None:
    """The first clipboard tool on PATH that can work here, or None."""
    env = os.environ if env is None else env
    for command, needs in CLIPBOARDS:
        if needs and not env.get(needs):
            continue
        found = shutil.which(command[0], path=env.get("PATH"))
        if found:
            return [found, *command[1:]]
    return None


def one_shot_hint() -> str:
    """What to type instead, for a wizard started without a terminal."""
    return ("without one, the one-shot flags do the same: followup-script --name NAME --company C "
            "--role R --last-contact DATE --outcome O [--scheduled-for 'YYYY-MM-DD HH:MM'] --channel C "
            "[--output FILE] [--deliver --yes]; record it with followup-script log NAME --outcome O "
            "--date DATE, or use followup-script next NAME --channel C")


# -- the flow --------------------------------------------------------------------------------------


@dataclass
class Event:
    """What happened last, as told to the wizard (not saved yet)."""

    at: dt.date
    outcome: Outcome
    next_at: dt.date | dt.datetime | None = None

    @property
    def via(self) -> str:
        return VIA_FOR_OUTCOME[self.outcome]

    def words(self) -> str:
        return f"{said(self.outcome)} on {human_date(self.at)}"


@dataclass
class Follow:
    """The contact the wizard is working on: tracked, or new and not saved yet."""

    name: str
    contact: Any = None  # store.Contact when tracked
    fields: dict | None = None  # a new contact's fields, saved with the first confirmed write
    event: Event | None = None  # what happened last, saved with it
    history: History | None = None
    plan: Plan | None = None

    def saved(self, contact) -> None:
        """The new contact and the event are in the tracker now."""
        self.contact, self.fields, self.event = contact, None, None

    @property
    def pending(self) -> bool:
        return self.fields is not None or self.event is not None

    def script_fields(self) -> dict:
        if self.contact is not None:
            return self.contact.script_fields()
        return {k: v for k, v in (self.fields or {}).items()
                if k in ("name", "company", "role", "phone", "email") and v}

    def pending_words(self) -> str:
        parts = []
        if self.fields is not None:
            parts.append(f"the new contact {self.name}")
        if self.event is not None:
            parts.append(self.event.words() if self.fields is not None
                         else f"{self.name}: {self.event.words()}")
        return ", ".join(parts)


class Wizard:
    """One wizard session. ``ask`` asks a :class:`Question`; ``echo`` shows a line."""

    def __init__(self, writer, today: dt.date, db_path: str | Path | None = None,
                 ask: Callable[[Question], Any] = ask, echo: Callable[[str], None] = click.echo,
                 clipboard: list[str] | None | bool = True, business_days: bool | None = None,
                 channel: str | None = None):
        """``business_days`` None and ``channel`` None: as the writer's config says."""
        from followup_script.tracker.store import default_path

        self.writer = writer
        self.today = today
        self.db_path = Path(db_path).expanduser() if db_path else default_path()
        self.ask = ask
        self.echo = echo
        self.clipboard = clipboard_command() if clipboard is True else (clipboard or None)
        self.saved: list[str] = []
        self._tracker = None
        self.business_days = business_days
        self.channel = channel or writer.default_channel

    # -- the session --------------------------------------------------------------------

    def run(self) -> int:
        """The whole session; Ctrl-C (or end of input) leaves with exit code 130."""
        try:
            self.profile = self.ensure_profile()
            while self.follow_up_one() == "another":
                pass
            return 0
        except (KeyboardInterrupt, EOFError):
            already = f" (saved before that: {'; '.join(self.saved)})" if self.saved else ""
            click.echo(f"\nfollowup-script: interrupted; nothing was saved{already}", err=True)
            return 130
        finally:
            self.close()

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None

    def tracker(self, create: bool = False):
        """The tracker, opened on first use; the file is created only when ``create``."""
        if self._tracker is None:
            if not create and not self.db_path.exists():
                return None
            from followup_script.tracker.service import Tracker
            from followup_script.tracker.store import Store

            self._tracker = Tracker(Store.open(self.db_path), self.business_days, planner=self.writer.plan)
        return self._tracker

    # -- the profile --------------------------------------------------------------------

    def ensure_profile(self) -> dict:
        from followup_script.input.config import Config, set_value

        config = self.writer.config
        profile = config.profile
        asks = {"name": profile_name, "phone": profile_phone, "email": profile_email}
        missing = [k for k in asks if not profile.get(k)]
        if not missing:
            return profile
        self.echo("First, who you are (used in every script). It is saved in your config file:")
        self.echo(f"  {config.path}")
        for key in missing:
            profile[key] = self.ask(asks[key](profile.get(key)))
        if self.ask(save_profile(config.path)):
            data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in config.data.items()}
            data["profile"] = {**data.get("profile", {}), **{k: profile[k] for k in missing}}
            last = missing[-1]
            # one atomic write (0600) of the whole profile; set_value validates the last key again
            self.writer.config = set_value(Config(config.path, data), f"profile.{last}", profile[last])
            self.saved.append(f"your profile in {config.path}")
            self.echo(f"Saved your profile to {config.path} (change it with followup-script config set).")
        else:
            self.echo("Not saved: this profile is used for this session only.")
        return profile

    # -- one contact --------------------------------------------------------------------

    def follow_up_one(self) -> str:
        follow = self.choose_contact()
        if follow.contact is not None and follow.contact.stopped:
            self.show_stopped(follow)
            return self.ask(after_no_script())
        self.ask_what_happened(follow)
        if follow.plan is None:
            return self.leave(follow, self.ask(after_no_script()))
        self.echo("")
        self.echo(plan_sentence(follow.plan))
        if not follow.plan.active:
            self.echo("No script is offered.")
            return self.leave(follow, self.ask(after_no_script()))
        return self.leave(follow, self.scripts(follow))

    def choose_contact(self) -> Follow:
        from followup_script.tracker.service import history_of
        from followup_script.tracker.store import name_key

        tracker = self.tracker()
        rows: list[tuple[Any, Plan | None]] = []
        if tracker is not None:
            for contact in tracker.contacts():
                rows.append((contact, tracker.plan(history_of(contact), self.today)))
        if not rows:
            self.echo("No contacts tracked yet: let's add one.")
            return self.new_contact(self.ask(contact_name()))

        def urgency(row):
            contact, plan = row
            if contact.stopped or plan is None or not plan.active:
                return (1, dt.date.max, contact.name_key)
            return (0, plan.due, contact.name_key)

        rows.sort(key=urgency)
        due = [(c, p) for c, p in rows if not c.stopped and p is not None and p.active and p.due <= self.today]
        if due:
            shown = ", ".join(f"{c.name} ({status_words(p, self.today)})" for c, p in due[:5])
            more = f" and {len(due) - 5} more" if len(due) > 5 else ""
            self.echo(f"Due now: {shown}{more}")
        statuses = [(c.name, status_words(p, self.today, c.stopped)) for c, p in rows]
        self.echo("Type a name (Tab completes); a name not in the list adds a new contact.")
        while True:
            name = self.ask(pick_contact(statuses))
            by_key = {c.name_key: c for c, _ in rows}
            found = by_key.get(name_key(name))
            if found is not None:
                return Follow(found.name, contact=found)
            if self.ask(add_contact(name)):
                return self.new_contact(name)

    def new_contact(self, name: str) -> Follow:
        fields = {"name": name}
        fields["company"] = self.ask(contact_company())
        fields["role"] = self.ask(contact_role())
        fields["situation"] = self.ask(contact_situation()).value
        fields["email"] = self.ask(contact_email())
        fields["phone"] = self.ask(contact_phone())
        return Follow(name, fields={k: v for k, v in fields.items() if v is not None})

    def show_stopped(self, follow: Follow) -> None:
        contact = follow.contact
        note = f" ({contact.stop_note})" if contact.stop_note else ""
        when = human_date(dt.date.fromisoformat(contact.stopped_on))
        self.echo(f"{contact.label()} is stopped: they asked not to be contacted on {when}{note}.")
        self.echo("No script is offered on any channel. Only if they ask you to resume: "
                  f"followup-script unstop {shell_quote(contact.name)}")

    def ask_what_happened(self, follow: Follow) -> None:
        from followup_script.tracker.service import history_of

        last = None
        if follow.contact is not None:
            history = history_of(follow.contact)
            if history is not None:
                last = f"{human_date(history.last_contact)}: {said(history.outcome)}"
                follow.history = history
        outcome = self.ask(what_happened(last, f"What happened last with {follow.name}?"))
        if outcome == NOTHING_NEW:
            follow.plan = self.writer.plan(follow.history, self.today, self.business_days)
            return
        follow.event = self.ask_event(outcome)
        follow.history = self.preview_history(follow)
        follow.plan = self.writer.plan(follow.history, self.today, self.business_days)

    def ask_event(self, outcome: Outcome) -> Event:
        at = self.ask(when_happened(self.today))
        if at == ANOTHER_DATE:
            at = self.ask(other_date(self.today))
        next_at = self.ask(agreed_time(at, self.today)) if outcome is Outcome.SCHEDULED else None
        return Event(at, outcome, next_at)

    def preview_history(self, follow: Follow) -> History:
        """The history the tracker will derive once the event is logged (nothing is written)."""
        from followup_script.tracker.service import derive_history
        from followup_script.tracker.store import Contact, Touch

        event = follow.event
        situation = (follow.contact.situation if follow.contact is not None
                     else follow.fields.get("situation", "application"))
        if event.outcome is Outcome.STOP:  # logging it sets the stop flag, which outranks the touches
            return History(event.at, Outcome.STOP, situation)
        touch = Touch(id=2**62, uid="", contact_id=0, at=event.at, via=event.via,
                      outcome=event.outcome.value, next_at=event.next_at, note=None, created_at="")
        if follow.contact is not None:
            tracker = self.tracker()
            with tracker.store.read():
                touches = tracker.store.touches(follow.contact.id)
            contact = follow.contact
        else:
            touches = []
            contact = Contact(**{f: None for f in Contact.__dataclass_fields__})
            contact.situation = situation
        newest_first = sorted([*touches, touch], key=lambda t: (t.at, t.id), reverse=True)
        return derive_history(contact, newest_first)

    # -- scripts and what to do with them -------------------------------------------------

    def scripts(self, follow: Follow) -> str:
        channels = self.writer.plugins.channels
        default = self.channel
        logged = False
        while True:
            name = self.ask(pick_channel(channels.values(), default))
            default = name
            try:
                message = self.writer.write(name, follow.plan, follow.script_fields(), self.profile,
                                            today=self.today)
            except FollowupError as exc:
                self.echo(f"Cannot write the {name} script: {exc}")
                action = self.ask(after_no_script(with_channel=True))
                if action == "channel":
                    continue
                return action
            self.show(message)
            while True:
                can_deliver = channels[name].deliver is not None and not logged
                action = self.ask(next_action(name, bool(self.clipboard), can_deliver, not logged))
                if action in ("another", "quit"):
                    return action
                if action == "channel":
                    break
                try:
                    if action == "copy":
                        self.copy(message)
                    elif action == "save":
                        self.save(message, follow)
                    elif action == "deliver":
                        logged = self.deliver(message, follow) or logged
                    elif action == "log":
                        logged = self.log(message, follow) or logged
                except FollowupError as exc:
                    self.echo(f"Not done: {exc}")

    def show(self, message) -> None:
        self.echo("")
        self.echo(length_line(message))
        for warning in message.warnings:
            self.echo(f"Note: {warning}")
        self.echo("")
        self.echo(message.text.rstrip("\n"))
        self.echo("")

    def copy(self, message) -> None:
        text = (f"Subject: {message.subject}\n\n" if message.subject else "") + message.text
        try:
            subprocess.run(self.clipboard, input=text.encode(), check=True, timeout=10,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (OSError, subprocess.SubprocessError) as exc:
            raise InputError(f"{self.clipboard[0]} could not copy ({exc}); save it to a file instead")
        self.echo(f"Copied the {message.channel} script to the clipboard.")

    def save(self, message, follow: Follow) -> None:
        path = self.ask(save_path(file_name(follow.name, message.channel, message.kind)))
        if path.exists() and not self.ask(overwrite(path)):
            self.echo("Not saved.")
            return
        if path.suffix.lower() == ".eml" and message.kind == "email":
            data = bytes(message.to_email())
        else:
            data = text_report(message).encode()
        write_file(path, data)
        self.saved.append(str(path.resolve()))
        self.echo(f"Saved to {path.resolve()}")

    def _write_pending(self, tracker, follow: Follow, undo: list | None = None):
        """Add the new contact and log what happened last, inside the caller's transaction.

        ``follow`` is left as it is: the caller marks it saved (:meth:`Follow.saved`) only
        once it is sure to keep it. ``undo`` collects what to take back if it is not.
        """
        contact = follow.contact
        if follow.fields is not None:
            contact = tracker.add_contact(follow.fields)
            if undo is not None:
                undo.append(("contact", contact.id))
        if follow.event is not None:
            event = follow.event
            logged = tracker.log(contact.name, event.outcome, via=event.via, at=event.at,
                                 next_at=event.next_at, note="told the wizard", today=self.today)
            if undo is not None and follow.fields is None:
                undo.append(("touch", logged.touch.id))
        return tracker.store.contact(contact.id)

    def _take_back(self, tracker, undo: list) -> None:
        """Remove what a failed delivery saved first, so nothing of it is kept."""
        if not undo:
            return
        with tracker.store.write():
            for kind, ident in undo:
                if kind == "contact":
                    tracker.store.remove_contact(ident)
                else:
                    contact_id = tracker.store.touch(ident).contact_id
                    tracker.store.remove_touch(ident)
                    tracker.refresh(tracker.store.contact(contact_id))

    def log(self, message, follow: Follow) -> bool:
        outcome = self.ask(what_happened(None, "How did it go?", default=Outcome.NO_ANSWER))
        next_at = self.ask(agreed_time(self.today, self.today)) if outcome is Outcome.SCHEDULED else None
        via = message.via
        summary = f"a {via} to {follow.name} today, {said(outcome)}"
        if follow.pending:
            summary = f"{follow.pending_words()}; then {summary}"
        tracker_path = self.db_path
        if not self.ask(confirm_log(summary, tracker_path)):
            self.echo("Not logged.")
            return False
        tracker = self.tracker(create=True)
        with tracker.store.write():
            contact = self._write_pending(tracker, follow)
            logged = tracker.log(contact.name, outcome, via=via, at=self.today, next_at=next_at,
                                 note=f"used the wizard's {message.channel} script", today=self.today)
        follow.saved(logged.contact)
        self.saved.append(f"a touch for {follow.name} in {tracker_path}")
        self.echo(f"Logged in {tracker_path}.")
        if logged.plan is not None:
            self.echo(plan_sentence(logged.plan))
        return True

    def deliver(self, message, follow: Follow) -> bool:
        if not self.ask(confirm_delivery(message.channel, delivery_target(message))):
            self.echo("Not delivered.")
            return False
        tracker = self.tracker(create=True)
        undo: list = []
        # What happened last is saved first, then the delivery is recorded by its key
        # before the channel is called (exactly once: docs/reliability.md).
        with tracker.store.write():
            contact = self._write_pending(tracker, follow, undo)
        try:
            done = tracker.deliver_once(self.writer, message, contact=contact, via=message.via,
                                        today=self.today)
        except BaseException:
            self._take_back(tracker, undo)
            raise
        if done.already is not None:
            follow.saved(contact)
            self.echo(f"Already delivered by {message.channel} ({delivered_where(done.earlier_receipt())}); "
                      "nothing was sent again. To send it once more: "
                      f"followup-script next {shell_quote(follow.name)} --deliver --resend")
            return True
        receipt, contact = done.receipt, done.contact
        follow.saved(contact)
        self.saved.append(f"the delivery to {follow.name}, logged in {self.db_path}")
        self.echo(f"Delivered: {delivered_where(receipt)}. Logged in {self.db_path}.")
        if receipt.contact_stopped:
            self.echo(f"{follow.name} opted out on {message.channel}: they are now stopped and get "
                      "nothing more, on any channel.")
        else:
            from followup_script.tracker.service import history_of

            self.echo(plan_sentence(self.writer.plan(history_of(contact), self.today, self.business_days)))
        return True

    def leave(self, follow: Follow, action: str) -> str:
        """Before moving on, offer to keep what was told but not saved."""
        if follow.pending and self.ask(keep_pending(follow.pending_words(), self.db_path)):
            tracker = self.tracker(create=True)
            with tracker.store.write():
                follow.saved(self._write_pending(tracker, follow))
            self.saved.append(f"{follow.name} in {self.db_path}")
            self.echo(f"Kept in {self.db_path}.")
        return action

