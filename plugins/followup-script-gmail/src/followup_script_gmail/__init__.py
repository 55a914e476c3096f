"""followup-script-gmail: the ``gmail`` channel saves each follow-up as a Gmail draft.

As an email channel it gets the subject, the HTML, the .eml and reply threading
from the core's public email API (``followup_script.channels.email``), renders
the built-in email templates (or ``gmail/`` ones of your own), and creates a
draft in your Gmail account through the Gmail REST API (google-auth alone). It never sends: you read
the draft in Gmail and press Send yourself. ``followup-script gmail login``
signs in with the ``gmail.compose`` scope.
"""

from __future__ import annotations

import followup_script

from .options import OPTIONS

__version__ = "0.1.0"


def deliver(message, context):
    """Save the draft (:func:`.drafts.deliver`); the login and drafts code is imported
    only when a draft is made."""
    from .drafts import deliver as save_draft

    return save_draft(message, context)


def ready(config):
    """What to set before a draft can be saved: the Gmail login (:func:`.drafts.ready`, which the core
    would find beside ``deliver`` if ``deliver`` were defined there)."""
    from .drafts import ready as check

    return check(config)


@followup_script.hookimpl
def register_channels(register):
    register(
        followup_script.Channel(
            name="gmail",
            description="An email saved as a draft in your Gmail account (never sent)",
            kind="email",
            deliver=deliver,
            ready=ready,
            options=dict(OPTIONS),
        )
    )


@followup_script.hookimpl
def register_inboxes(register):
    from followup_script.inbox import Inbox

    from . import inbox

    register(Inbox(name="gmail", description="Replies and sent drafts in Gmail (after gmail login --inbox)",
                   read=inbox.read, configured=inbox.configured, section="gmail"))


@followup_script.hookimpl
def register_commands(cli):
    from .commands import add_commands

    add_commands(cli)
