"""The ``email`` channel: subject, text and HTML (the core's email finish); delivered over SMTP.

It has no ``finish`` of its own: as an email channel it gets
:func:`followup_script.channels.email.finish`, as every email channel does.
"""

from followup_script import Channel, Option, Receipt, hookimpl


def __getattr__(name: str):
    """``finish``, ``WORDS_LOW`` and ``WORDS_HIGH``, where 0.1 plugins took them from: now
    :mod:`followup_script.channels.email`'s, loaded on use (the email package is not
    imported at start-up)."""
    if name in ("finish", "WORDS_LOW", "WORDS_HIGH"):
        from followup_script.channels import email

        return getattr(email, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def deliver(message, context):
    from followup_script.channels.email import build_email
    from followup_script.channels.smtp import send_smtp

    if not message.contact.get("email"):
        from followup_script.errors import InputError

        raise InputError("email delivery needs the contact's address; pass --email")
    if context.previous_attempt == "interrupted" and not context.dry_run:
        from followup_script.errors import RefusedError

        # SMTP offers no way to ask whether a message went out: say so instead of guessing.
        raise RefusedError(
            f"the last attempt to send this email to {message.contact['email']} was interrupted "
            "before it was confirmed, so it may have been sent; look in your Sent folder, and if "
            "it is not there, run the same command with --resend"
        )
    msg = build_email(message)
    if context.dry_run:
        return Receipt(channel=message.channel, id=msg["Message-ID"], detail="dry run: not sent")
    limit = context.config.section("delivery").get("timeout_seconds")
    if isinstance(limit, bool) or not isinstance(limit, (int, float)):
        limit = None  # the tracker checks [delivery] itself; the SMTP default then is 120 s
    message_id = send_smtp(msg, context.config.section("email"), delivery_limit=limit)
    return Receipt(channel=message.channel, id=message_id, message_id=message_id,
                   detail=f"sent to {message.contact['email']}")


@hookimpl
def register_channels(register):
    register(
        Channel(
            name="email",
            description="An email with a specific subject, as text and HTML (.eml or SMTP)",
            kind="email",
            deliver=deliver,
            options={
                "host": Option("SMTP server", type=None),
                "port": Option("SMTP port (587 for starttls, 465 for ssl)", type=None),
                "security": Option("starttls (default), ssl or none", type=None),
                "user": Option("SMTP login", type=None),
                "password_env": Option("name of the env var that holds the SMTP password", type=None),
                "password_command": Option("a command that prints the SMTP password", type=None),
                "timeout": Option("seconds to wait for the SMTP server (default: delivery.timeout_seconds)",
                                  type=None),
            },
        )
    )


def ready(config):
    """Raise the ConfigError saying what to set when SMTP is not set up (see present/offers.py)."""
    from followup_script.channels.smtp import smtp_settings

    smtp_settings(config.section("email"))
