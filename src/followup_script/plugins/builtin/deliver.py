"""The innermost ``deliver_message``: call the channel's own ``deliver``.

Wrapper plugins run around this one; it runs last.
"""

from followup_script import hookimpl


@hookimpl(trylast=True)
def deliver_message(channel, message, context):
    return channel.deliver(message, context)
