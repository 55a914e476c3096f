"""The ``email`` channel: subject, text and HTML; delivered over SMTP when asked."""

from followup_script import Channel, Receipt, hookimpl

WORDS_LOW, WORDS_HIGH = 60, 180


def finish(message, job):
    """Split the subject; the HTML is the template's Markdown with every value escaped."""
    from followup_script.channels.email import split_subject
    from followup_script.writing.markdown import markdown_to_html

    message.subject, message.text = split_subject(message.text, message.template)
    message.html = markdown_to_html(split_subject(job.render_markdown(), message.template)[1])
    words = len(message.text.split())
    message.metrics["words"] = words
    if not WORDS_LOW <= words <= WORDS_HIGH:
        message.warnings.append(
            f"this email body has {words} words; {WORDS_LOW} to {WORDS_HIGH} reads best"
        )


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
    return Receipt(channel=message.channel, id=message_id, detail=f"sent to {message.contact['email']}")


@hookimpl
def register_channels(register):
    register(
        Channel(
            name="email",
            description="An email with a specific subject, as text and HTML (.eml or SMTP)",
            kind="email",
            finish=finish,
            deliver=deliver,
            options={
                "host": "SMTP server",
                "port": "SMTP port (587 for starttls, 465 for ssl)",
                "security": "starttls (default), ssl or none",
                "user": "SMTP login",
                "password_env": "name of the env var that holds the SMTP password",
                "password_command": "a command that prints the SMTP password",
                "timeout": "seconds to wait for the SMTP server (default: delivery.timeout_seconds)",
            },
        )
    )
