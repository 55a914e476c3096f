"""Every hook a followup-script plugin can implement.

Each docstring here is that hook's reference; docs/plugins.md has one section
per hook with its exact signature and a runnable example, and a test keeps the
two in step. Hook parameters never have default values: pluggy does not pass
them.

Hooks are called by argument name, as pluggy calls them: an implementation may
take fewer arguments than its spec. ``deliver_message`` is called through
pluggy's hook caller and takes wrappers. The others are called once per plugin
(so one plugin raising is reported by name and the rest run), and a plugin that
declares a wrapper on one of them is refused when it loads
(``followup_script.plugins.manager.WrapperRefused``).
"""

from __future__ import annotations

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("followup_script")
hookimpl = HookimplMarker("followup_script")


@hookspec
def register_channels(register):
    """Add channels.

    Call ``register(channel)`` once per :class:`followup_script.Channel`. A name
    that another plugin already registered, or a channel without a name, a kind
    or a ``via`` the tracker knows, is reported as a plugin error and that
    channel is ignored: names are never silently overridden.
    """


@hookspec
def register_template_dirs(register):
    """Ship templates.

    Call ``register(path)`` with a directory laid out like the built-in
    ``templates/``: ``<channel-or-kind>/<stage>[.<situation>].<ext>.j2``. A
    channel renders ``<its name>/`` before ``<its kind>/``; plugin directories
    are searched after the user's own templates and before the built-in ones,
    so a plugin restyles its own channel (a folder named after it) or adds a
    kind without touching other channels.
    """


@hookspec
def prepare_jinja2_environment(env):
    """Add filters, tests and globals to the Jinja environment.

    ``env`` is the sandboxed environment every template renders in; it is
    called once, after all plugins are loaded.
    """


@hookspec
def register_commands(cli):
    """Add commands to the command line.

    ``cli`` is the top-level click group: decorate functions with
    ``@cli.command()`` or ``@cli.group()``. A command reaches the run's
    session through the click context: ``ctx.obj.config`` (``--config``
    honoured), ``ctx.obj.profile``, ``ctx.obj.plugins``, ``ctx.obj.writer()``.
    """


@hookspec
def register_inboxes(register):
    """Add inboxes that ``followup-script sync`` reads.

    Call ``register(inbox)`` once per :class:`followup_script.inbox.Inbox`: a
    name, a description, the config table it reads (``section``) and
    ``read(config, since, watch)``, which yields
    :class:`followup_script.inbox.Event` objects (``reply``, ``sent``,
    ``auto-reply``, ``bounce``, ``stop-request``) for what arrived and what was
    sent since the date ``since`` about the addresses and phone numbers in
    ``watch``. Called once per plugin, like ``register_channels``: a plugin that
    raises is reported by name and the others' inboxes still load, and a name
    another plugin already registered is a plugin error.
    """


@hookspec(firstresult=True)
def deliver_message(channel, message, context):
    """Hand a rendered message to the outside world; returns a Receipt.

    The core implements this by calling ``channel.deliver(message, context)``.
    Implement it as a wrapper (``@hookimpl(wrapper=True)``) to log, dry-run or
    veto deliveries: code before ``yield`` runs first, ``result = yield`` runs
    the delivery, and raising :class:`followup_script.DeliveryVetoed` before
    the ``yield`` stops it. It is never called for a contact who asked to stop:
    the core refuses before any plugin code runs.
    """
