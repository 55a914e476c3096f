"""Where a command's result goes: stdout or ``--output FILE``, warnings on stderr."""

from __future__ import annotations

import sys

import click

from followup_script.errors import InputError


def write(text: str) -> None:
    """Text to stdout, buffered: a terminal still sees each line, a pipe gets blocks."""
    sys.stdout.write(text)


def emit(message, fmt: str, output: str | None, receipt=None) -> None:
    """Print ``message`` as text, JSON or an .eml (``fmt``), to stdout or ``output``;
    its warnings go to stderr."""
    for warning in message.warnings:
        click.echo(f"followup-script: warning: {warning}", err=True)
    if fmt == "eml":
        if not message.is_email:
            raise InputError(f"--format eml needs an email channel; {message.channel!r} renders {message.kind}")
        if message.text is None:
            raise InputError(f"there is no email to write: the follow-up is {message.plan.stage.value}")
        data = bytes(message.to_email())
    elif fmt == "json":
        import json

        out = message.to_dict()
        if receipt is not None:
            out["receipt"] = receipt.to_dict()
        data = (json.dumps(out, indent=2, ensure_ascii=False) + "\n").encode()
    else:
        from followup_script.present.message import text_report

        text = text_report(message, receipt)
        if not output:  # on a terminal, wrapped on word boundaries (#20); a pipe gets whole lines
            from followup_script.present.table import terminal_width, wrap_lines

            width = terminal_width()
            text = wrap_lines(text, width) if width else text
        data = text.encode()
    send_output(data, output)


def send_output(data: bytes, output: str | None) -> None:
    """To ``output`` (whole or not at all, and say so) or to stdout."""
    if output:
        from followup_script.present.files import write_file

        write_file(output, data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def report_already_delivered(done) -> None:
    """Say (on stderr) that this follow-up was delivered before, and how to send it again."""
    from followup_script.present.message import delivered_where

    click.echo(f"followup-script: already delivered by {done.already.channel} on "
               f"{done.already.finished_at} ({delivered_where(done.earlier_receipt())}); "
               "nothing was delivered again (add --resend to deliver it once more)", err=True)
