"""followup-script-gmail: the ``gmail`` channel saves each follow-up as a Gmail draft.

It renders the built-in email templates (subject, text and HTML) and creates a
draft in your Gmail account through the Gmail API. It never sends: you read
the draft in Gmail and press Send yourself. ``followup-script gmail login``
signs in with the ``gmail.compose`` scope.
"""

from __future__ import annotations

import followup_script
from followup_script.plugins.builtin.email import finish

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
            finish=finish,
            deliver=deliver,
            options=dict(OPTIONS),
        )
    )


@followup_script.hookimpl
def register_commands(cli):
    from .commands import add_commands

    add_commands(cli)
