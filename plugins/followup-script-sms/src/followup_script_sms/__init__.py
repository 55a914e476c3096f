"""The ``sms`` channel for followup-script: a one-segment text, sent through Twilio.

Templates live in ``templates/sms/<stage>.txt.j2``. Lines that follow each
other are joined into one paragraph; a blank line in a template starts a new
line in the text. Smart punctuation is replaced with plain ASCII, then the
text is measured exactly (GSM-7 or UCS-2 segments). ``twilio`` and
``phonenumbers`` load only when a text is delivered.
"""

from __future__ import annotations

from pathlib import Path

import followup_script

from .options import OPTIONS
from .segments import count_segments, culprit, plain_punctuation

__version__ = "0.1.0"

TEMPLATES = Path(__file__).parent / "templates"


def deliver(message, context):
    """Send the text (:func:`.delivery.deliver`); the delivery code, with its settings
    class, is imported only when a text is delivered."""
    from .delivery import deliver as send

    return send(message, context)


def ready(config):
    """What to set before a text can be sent: Twilio's settings (:func:`.delivery.ready`, which the core
    would find beside ``deliver`` if ``deliver`` were defined there)."""
    from .delivery import ready as check

    return check(config)


def tidy(text: str) -> str:
    """Plain punctuation; lines joined into paragraphs, a blank line keeps a line break."""
    paragraphs, current = [], []
    for line in plain_punctuation(text).splitlines():
        words = line.split()
        if words:
            current.append(" ".join(words))
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(paragraphs)


def finish(message, job):
    """Tidy the text and measure it: characters, encoding, units, segments, words."""
    message.text = tidy(message.text)
    size = count_segments(message.text)
    message.metrics.update(
        characters=len(message.text),
        encoding=size.encoding,
        units=size.units,
        segments=size.segments,
        words=len(message.text.split()),
    )
    if size.segments > 1:
        why = culprit(message.text, {"the contact's": message.contact, "your": message.profile})
        message.warnings.append(
            f"this text is {size.segments} segments ({why}); shorten the wording or that value "
            "so it arrives as one message"
        )


@followup_script.hookimpl
def register_channels(register):
    register(
        followup_script.Channel(
            name="sms",
            description="A one-segment text message, sent through Twilio",
            kind="sms",
            finish=finish,
            deliver=deliver,
            ready=ready,
            options=dict(OPTIONS),
        )
    )


@followup_script.hookimpl
def register_inboxes(register):
    from followup_script.inbox import Inbox

    from . import inbox

    register(Inbox(name="sms", description="Texts your contacts sent to your Twilio number (a STOP stops)",
                   read=inbox.read, configured=inbox.configured, section="sms"))


@followup_script.hookimpl
def register_template_dirs(register):
    register(TEMPLATES)
