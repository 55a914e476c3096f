"""The one-shot command: ``followup-script --name ... --last-contact DATE --outcome O``.

Its options are the root group's own (several, such as ``--today``,
``--channel`` and ``--from-name``, also apply to the commands); this module
holds them and the run. It is imported by ``--help``, so the engine, Jinja and
the rest are imported inside :func:`one_shot`.
"""

from __future__ import annotations

import click

from followup_script.cli.options import option_label, root_profile_options
from followup_script.engine.vocabulary import OUTCOME_HELP, SITUATION_HELP
from followup_script.errors import InputError

#: The options that ask for a one-shot script; with none of them, bare ``followup-script``
#: starts the wizard on a terminal.
ONE_SHOT = (
    "name", "company", "role", "phone", "email", "last_contact", "outcome",
    "scheduled_for", "attempts", "from_name", "from_phone", "from_email",
    "first_name", "greeting", "timezone", "call_window", "topic", "update",
)


def _choice_help(options: dict) -> str:
    return "; ".join(f"{k}: {v}" for k, v in options.items())


_OPTIONS = [
    click.option("--name", help="The contact's name, e.g. 'Dana Reyes'."),
    click.option("--company", help="Their company, e.g. 'Acme Analytics'."),
    click.option("--role", help="The role you are after, e.g. 'Data Engineer'."),
    click.option("--phone", help="The contact's phone number (for SMS)."),
    click.option("--email", help="The contact's email address (To: of emails)."),
    click.option("--first-name", metavar="NAME",
                 help="The name to greet them by, used as written: 'María José', or 'An' for Nguyễn Văn An "
                      "(default: from --name, 'Dr. Natarajan' for 'Dr. Priya Natarajan')."),
    click.option("--greeting", metavar="TEXT", help="A whole greeting, used as written: 'Dear Dr. López,'."),
    click.option("--timezone", metavar="TZ",
                 help="The contact's time zone, an IANA name such as Europe/London: times are said in it, "
                      "with the zone (yours is profile.timezone)."),
    click.option("--call-window", metavar="HH:MM-HH:MM",
                 help="When they prefer calls, in their time zone: the call slots offered fall in it."),
    click.option("--topic", metavar="TEXT", help="What an info request asked about: 'the salary range'."),
    click.option("--update", metavar="TEXT",
                 help="One sentence of news for this message: 'I just finished the AWS certification.'"),
    click.option(
        "--situation", default="application", show_default=True, metavar="S",
        help="What you did: " + _choice_help(SITUATION_HELP) + ".",
    ),
    click.option("--last-contact", metavar="DATE",
                 help="Date of the last touch: YYYY-MM-DD, today or yesterday (not after today)."),
    click.option(
        "--outcome", metavar="O",
        help="How the last touch ended: " + _choice_help(OUTCOME_HELP)
        + ". Defaults to no-commitment for an application.",
    ),
    click.option("--scheduled-for", metavar="DATETIME",
                 help="The agreed time, 'YYYY-MM-DD HH:MM', or the day alone, YYYY-MM-DD "
                      "(with --outcome scheduled)."),
    click.option("--attempts", type=int, default=0, show_default=True,
                 help="Follow-up attempts since the last conversation."),
    click.option("--channel", metavar="C",
                 help="voicemail, call, email or a plugin's channel (see `channels`). Default: voicemail."),
    click.option("--format", "fmt", type=click.Choice(["text", "json", "eml"]), default="text", show_default=True,
                 help="eml writes a real email message (email channels only)."),
    click.option("--output", "-o", metavar="FILE", help="Write the result to FILE instead of stdout."),
    click.option("--today", metavar="DATE", help="Pretend today is DATE (reproducible output)."),
    click.option("--calendar-days", is_flag=True, help="Do not move weekend due dates to Monday."),
    *root_profile_options(),
    click.option("--deliver", is_flag=True,
                 help="Hand the script to the channel (draft, send...). Asks first on a terminal."),
    click.option("--yes", "-y", is_flag=True, help="Deliver without asking."),
    click.option("--resend", is_flag=True,
                 help="With --deliver: deliver even if this follow-up was delivered before."),
    click.option("--allow-tone", is_flag=True,
                 help="Let a message that fails the courtesy guard through, with a warning."),
]


def one_shot_options(func):
    """The one-shot options, in the order ``--help`` shows them."""
    for option in reversed(_OPTIONS):
        func = option(func)
    return func


def one_shot(session, opts: dict) -> None:
    """Plan and write the script for what ``opts`` say happened; deliver it with ``--deliver``."""
    from followup_script.input.values import follow_up_from

    today = session.today()
    doubts: list = []
    history, contact, _ = follow_up_from(opts, today, doubts)  # the --from-* values: session.profile
    for doubt in doubts:  # a last contact a year ago: written, with a word on stderr
        click.echo(f"followup-script: warning: {doubt.sentence(option_label(doubt.field))}", err=True)
    writer = session.writer(allow_tone=session.allow_tone)
    channel = writer.channel(session.channel_name())
    plan = writer.plan(history, today, business_days=session.business_days())
    message = writer.write(channel, plan, contact, session.profile, today=today, delivering=opts["deliver"])

    receipt = None
    if opts["deliver"]:
        receipt = deliver(session, writer, message, opts["yes"], session.resend)
    emit_delivered(message, opts["fmt"], opts["output"], receipt)
    if receipt is not None and receipt.contact_stopped:
        from followup_script.errors import StoppedError

        who = contact.get("name", "the contact")
        raise StoppedError(
            f"{who} opted out on the {receipt.channel} channel ({receipt.detail}); "
            "treat it as a stop: send nothing more"
        )


def deliver(session, writer, message, yes: bool, resend: bool = False):
    """Deliver once per follow-up: the key is kept in the tracker file, so a rerun of the
    same command never delivers twice (``--resend`` does). A recipient the tracker has
    marked stop (by email, phone or name) is refused first, on every channel (exit 4)."""
    refuse_a_stopped_recipient(writer, message)
    channel = writer.channel(message.channel)
    if message.text is None or channel.deliver is None:
        return writer.deliver(message)  # refuses (stopped, nothing to deliver, only prints) before asking
    from followup_script.present.offers import not_deliverable

    blocked = not_deliverable(channel, writer.config, message.contact, tracked=False)
    if blocked:  # only honest offers (#20): what to set is said before asking, not after a yes
        raise InputError(f"cannot deliver by {channel.name}: {blocked}")
    session.confirm_delivery(message, yes)
    from followup_script.cli.output import report_already_delivered
    from followup_script.tracker.service import Tracker

    with Tracker.open() as tracker:
        done = tracker.deliver_once(writer, message, resend=resend)  # looks again, in its transaction
    if done.already is not None:
        report_already_delivered(done)
        return None
    return done.receipt


def refuse_a_stopped_recipient(writer, message) -> None:
    """Refuse (StoppedError, exit 4) a message to someone the tracker file marks stop,
    before asking or delivering; with no tracker file there is nothing to check, and none
    is made just to look."""
    from followup_script.tracker.database import default_path

    if message.stopped or not default_path().exists():
        return  # (a script for --outcome stop is refused by the delivery itself)
    from followup_script.tracker.delivery import refuse_if_stopped
    from followup_script.tracker.service import Tracker

    with Tracker.open() as tracker, tracker.store.read():
        refuse_if_stopped(tracker, writer, message)


def emit_delivered(message, fmt: str, output: str | None, receipt) -> None:
    """``emit`` after a delivery: if writing the result fails (an unwritable ``--output``,
    Ctrl-C), the error also says the message was delivered and logged, so it is not sent again."""
    from followup_script.cli.output import emit

    try:
        emit(message, fmt, output, receipt)
    except BaseException as exc:
        if receipt is not None:
            from followup_script.present.message import delivered_where
            from followup_script.tracker.delivery import note_known

            note_known(exc, f"the follow-up itself was delivered by {receipt.channel} "
                            f"({delivered_where(receipt)}) and recorded in the tracker; do not deliver it again "
                            "(run the command without --deliver to write the script)")
        raise
