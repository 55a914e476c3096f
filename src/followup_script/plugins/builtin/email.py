"""The ``email`` channel: subject, text and HTML; delivered over SMTP when asked."""

import re

from followup_script import Channel, Receipt, hookimpl

WORDS_LOW, WORDS_HIGH = 60, 180
_TOKEN = re.compile(r"QfsvTOKEN(\d+)Z")


def finish(message, job):
    """Split the subject, render the body to HTML with every value escaped."""
    from followup_script.channels.email import split_subject

    message.subject, message.text = split_subject(message.text, message.template)
    message.html = body_html(job, message.template, message.text)
    words = len(message.text.split())
    message.metrics["words"] = words
    if not WORDS_LOW <= words <= WORDS_HIGH:
        message.warnings.append(
            f"this email body has {words} words; {WORDS_LOW} to {WORDS_HIGH} reads best"
        )


def body_html(job, template, body):
    """The body as HTML, every supplied value escaped.

    The template is rendered once more with each value replaced by a token;
    that Markdown depends only on the template, so its HTML is computed once
    and reused (a batch of a thousand emails parses Markdown a handful of
    times), and the tokens are replaced by the HTML-escaped values. That is
    only right when the tokens stand exactly where the values stood in
    ``body`` (a template may filter a value, ``|lower``, or test it) and no
    emphasis or code marker could touch one; otherwise the body is rendered
    the slow, always-right way: every value Markdown-escaped, the whole text
    parsed.
    """
    from markdown_it.common.utils import escapeHtml

    from followup_script.channels.email import split_subject
    from followup_script.writing.render import escape_markdown, markdown_to_html

    values: list[str] = []

    def token(value: str) -> str:
        values.append(value)
        return f"QfsvTOKEN{len(values) - 1}Z"

    _, shape = split_subject(job.rerender(token), template)
    if any(mark in shape for mark in "*_`") or _TOKEN.sub(lambda m: values[int(m.group(1))], shape) != body:
        _, body = split_subject(job.rerender(escape_markdown), template)
        return markdown_to_html(body)
    # One pass, so a value that happens to look like a token is never expanded.
    return _TOKEN.sub(lambda m: escapeHtml(values[int(m.group(1))]), markdown_to_html(shape))


def deliver(message, context):
    from followup_script.channels.email import build_email, send_smtp

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
    message_id = send_smtp(msg, context.config.section("email"))
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
            },
        )
    )
