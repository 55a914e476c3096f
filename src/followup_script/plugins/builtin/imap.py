"""The ``imap`` inbox: replies, bounces and sent mail read over IMAP, read-only (``[imap]``)."""

from followup_script import hookimpl


def _read(config, since, watch):
    from followup_script.inbox.imap import read

    return read(config, since, watch)


def _configured(config):
    return bool(config.section("imap").get("host"))


@hookimpl
def register_inboxes(register):
    from followup_script.inbox import Inbox

    register(Inbox(name="imap", section="imap", read=_read, configured=_configured,
                   description="Any IMAP mailbox (Gmail, Outlook, Fastmail, iCloud) with an app password, "
                               "read-only"))
