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

from .drafts import deliver
from .login import OPTIONS

__version__ = "0.1.0"


@followup_script.hookimpl
def register_channels(register):
    register(
        followup_script.Channel(
            name="gmail",
            description="An email saved as a draft in your Gmail account (never sent)",
            kind="email",
            deliver=deliver,
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
