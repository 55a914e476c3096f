"""The inboxes the plugins registered (``register_inboxes``), each recorded with its plugin.

Called once per plugin like ``register_channels`` (:meth:`Plugins.call_each`): a
plugin that raises is reported by name and the others' inboxes still load; a name
registered twice is a plugin error, never a silent override.
"""

from __future__ import annotations

from followup_script.errors import PluginError
from followup_script.inbox.base import Inbox


def collect_inboxes(plugins) -> dict[str, Inbox]:
    found: dict[str, Inbox] = {}

    def make_register(plugin_name):
        def register(inbox):
            if not isinstance(inbox, Inbox):
                raise PluginError(f"register() takes a followup_script.inbox.Inbox, not {inbox!r}")
            if not inbox.name or not str(inbox.name).strip():
                raise PluginError("an inbox needs a non-empty name")
            if inbox.name in found:
                plugins.fail(plugin_name, f"inbox {inbox.name!r} is already registered by "
                                          f"{found[inbox.name].plugin!r}; rename one of them")
                return
            inbox.plugin = plugin_name
            found[inbox.name] = inbox

        return register

    plugins.call_each("register_inboxes", make_register)
    return found
