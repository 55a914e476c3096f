"""Inboxes: what arrived and what was sent, as events the tracker can log.

An inbox (:class:`~followup_script.inbox.base.Inbox`) is registered by a plugin
through the ``register_inboxes(register)`` hook, as a channel is. ``followup-script
sync`` asks each inbox for the events since a date (:class:`Event`: a reply, a
message of ours that was sent, an auto-reply, a bounce, a request to stop) about
the addresses and numbers it watches (:class:`Watch`), and the tracker matches them
to contacts (:mod:`followup_script.tracker.sync`).

The built-in IMAP inbox is :mod:`followup_script.inbox.imap`; what a message
means (a reply, an out-of-office, a bounce) is read by
:mod:`followup_script.inbox.classify`. Nothing here keeps a message body: an event
carries headers and, for a request to stop, a short excerpt shown to the user.
"""

from followup_script.inbox.base import (
    KINDS,
    STOP_WORDS,
    Event,
    Inbox,
    InboxAuthError,
    InboxServerError,
    Unreadable,
    Watch,
)

__all__ = ["KINDS", "STOP_WORDS", "Event", "Inbox", "InboxAuthError", "InboxServerError", "Unreadable",
           "Watch"]
