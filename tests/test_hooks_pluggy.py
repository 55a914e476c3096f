"""Hooks are called the pluggy way, with each plugin isolated.

An implementation names only the arguments it uses (as pluggy allows), wrappers on the
hooks called once per plugin are refused loudly, and one plugin raising is reported by
its name while the others keep working. Each test registers its own plugins with
``pm.register(P(), name=...)`` on a fresh manager.
"""

from __future__ import annotations

import datetime as dt
import sys

import click
import pluggy
import pytest

import followup_script
from followup_script import Channel, History, PluginError, Receipt, Scriptwriter
from followup_script.plugins.manager import (
    CALLED_PER_PLUGIN,
    Plugins,
    WrapperRefused,
    build_plugin_manager,
)

from .conftest import CONTACT, TODAY

LAST = dt.date(2026, 11, 20)


def fresh():
    return build_plugin_manager(load_entrypoints=False)


def plan(writer):
    return writer.plan(History(LAST, "no-commitment"), TODAY)


class Outbox:
    """A plugin channel that delivers by recording."""

    def __init__(self):
        self.sent = []

    def deliver(self, message, context):
        self.sent.append(message.text)
        return Receipt(channel="outbox", id=f"outbox-{len(self.sent)}")

    @followup_script.hookimpl
    def register_channels(self, register):
        register(Channel("outbox", "records what it delivers", "voicemail", deliver=self.deliver))


def run_hook(hook, plugins, config):
    """Make the app call ``hook`` the way it does in real use; returns what came out."""
    if hook == "register_channels":
        return plugins.channels
    if hook == "register_template_dirs":
        return plugins.template_dirs
    if hook == "register_inboxes":
        return plugins.inboxes
    if hook == "prepare_jinja2_environment":
        writer = Scriptwriter(config, plugins)
        return writer.write("voicemail", plan(writer), CONTACT, today=TODAY)
    if hook == "register_commands":  # what the click group does on a name it does not know
        group = click.Group("followup-script")
        plugins.call_each("register_commands", lambda _plugin: group)
        return group
    raise AssertionError(hook)


# -- fewer arguments ---------------------------------------------------------------------------

def no_arguments(hook, called):
    """A plugin implementing only ``hook``, without its argument; records each call."""

    def implementation(self):
        called.append(hook)

    implementation.__name__ = hook
    return type("NoArguments", (), {hook: followup_script.hookimpl(implementation)})()


@pytest.mark.parametrize("hook", sorted(CALLED_PER_PLUGIN))
def test_an_implementation_without_arguments_is_called_without_error(hook, config):
    plugins = fresh()
    called = []
    plugins.pm.register(no_arguments(hook, called), name="no-arguments")
    try:
        out = run_hook(hook, plugins, config)
        assert called == [hook]
        assert plugins.errors == []
        if hook == "register_channels":
            assert {"voicemail", "call", "email"} <= set(out)
        if hook == "prepare_jinja2_environment":
            assert "Ana Lima" in out.text
    finally:
        plugins.pm.unregister(name="no-arguments")


def test_the_argument_is_made_only_for_implementations_that_take_it():
    plugins = fresh()
    asked = []

    class Takes:
        @followup_script.hookimpl
        def register_commands(self, cli):
            asked.append(("takes", cli))

    class Skips:
        @followup_script.hookimpl
        def register_commands(self):
            asked.append(("skips", None))

    plugins.pm.register(Takes(), name="takes")
    plugins.pm.register(Skips(), name="skips")
    made = []

    def argument_for(plugin):
        made.append(plugin)
        return f"group for {plugin}"

    plugins.call_each("register_commands", argument_for)
    assert made == ["takes"]
    assert sorted(asked) == [("skips", None), ("takes", "group for takes")]
    assert plugins.errors == []


def test_an_argument_with_a_default_is_passed_by_name_as_pluggy_does():
    plugins = fresh()
    seen = []

    class Defaulted:
        @followup_script.hookimpl
        def register_template_dirs(self, register=None):
            seen.append(register)

    plugins.pm.register(Defaulted(), name="defaulted")
    assert plugins.template_dirs == []
    assert plugins.errors == []
    assert len(seen) == 1 and callable(seen[0])


def test_deliver_message_with_fewer_arguments(config):
    class Courier:
        @followup_script.hookimpl
        def deliver_message(self, channel):
            return Receipt(channel=channel.name, id="courier-1")

    plugins = fresh()
    outbox = Outbox()
    plugins.pm.register(outbox, name="outbox")
    plugins.pm.register(Courier(), name="courier")
    writer = Scriptwriter(config, plugins)
    receipt = writer.deliver(writer.write("outbox", plan(writer), CONTACT, today=TODAY))
    assert receipt.channel == "outbox" and receipt.id == "courier-1"
    assert outbox.sent == [] and plugins.errors == []  # the courier answered first


def test_a_fewer_arguments_command_hook_through_the_command_line(cli, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    marker = tmp_path / "called"
    (folder / "quiet.py").write_text(
        "import pathlib\n"
        "import followup_script\n"
        "@followup_script.hookimpl\n"
        "def register_commands():\n"
        f"    pathlib.Path({str(marker)!r}).write_text('yes')\n")
    result = cli("--plugins-dir", folder, "--help")
    assert result.returncode == 0, result.stderr
    assert marker.read_text() == "yes"
    assert "quiet" not in result.stderr and "register_commands" not in result.stderr


# -- calling order -----------------------------------------------------------------------------

def test_plugins_are_called_in_pluggys_order():
    """call_each runs implementations in the order pluggy's own hook call does."""
    order = []

    def plugin(label, **opts):
        class P:
            @followup_script.hookimpl(**opts)
            def register_template_dirs(self, register):
                order.append(label)
        return P()

    plugins = fresh()
    for label, opts in [("plain-1", {}), ("last", {"trylast": True}), ("first", {"tryfirst": True}),
                        ("plain-2", {})]:
        plugins.pm.register(plugin(label, **opts), name=label)
    plugins.pm.hook.register_template_dirs(register=lambda path: None)
    by_pluggy = list(order)
    order.clear()
    assert plugins.template_dirs == []
    assert order == by_pluggy
    assert order[0] == "first" and order[-1] == "last"


# -- wrappers are refused ----------------------------------------------------------------------

def wrapper_plugin(hook, style):
    """A plugin whose only hook is ``hook``, declared as a wrapper of the given style."""

    def body(self, *args):
        outcome = yield
        return outcome

    body.__name__ = hook
    return type("Wrapping", (), {hook: followup_script.hookimpl(**{style: True})(body)})()


@pytest.mark.parametrize("style", ["wrapper", "hookwrapper"])
@pytest.mark.parametrize("hook", sorted(CALLED_PER_PLUGIN))
def test_a_wrapper_on_a_per_plugin_hook_is_refused(hook, style, config):
    plugins = fresh()
    with pytest.raises(WrapperRefused) as caught:
        plugins.pm.register(wrapper_plugin(hook, style), name="wrapping")
    error = caught.value
    assert isinstance(error, PluginError) and error.exit_code == 5
    assert error.plugin == "wrapping" and error.hook == hook
    assert str(error).startswith(f"plugin 'wrapping': {hook} ")
    assert "wrapper" in str(error) and "deliver_message" in str(error)
    assert plugins.pm.get_plugin("wrapping") is None  # refused whole, nothing half-registered
    run_hook(hook, plugins, config)
    assert plugins.errors == []
    assert "voicemail" in plugins.channels


def test_a_wrapper_named_through_specname_is_refused():
    class Sneaky:
        @followup_script.hookimpl(wrapper=True, specname="register_channels")
        def anything(self, register):
            return (yield)

    plugins = fresh()
    with pytest.raises(WrapperRefused, match="register_channels"):
        plugins.pm.register(Sneaky(), name="sneaky")


def test_a_blocked_plugin_name_is_skipped_as_pluggy_does():
    plugins = fresh()
    plugins.pm.set_blocked("wrapping")
    assert plugins.pm.register(wrapper_plugin("register_channels", "wrapper"), name="wrapping") is None
    assert plugins.pm.get_plugin("wrapping") is None and plugins.errors == []


def test_a_wrapper_on_deliver_message_is_still_welcome(config):
    seen = []

    class Audit:
        @followup_script.hookimpl(wrapper=True)
        def deliver_message(self, channel, message, context):
            seen.append(channel.name)
            receipt = yield
            seen.append(receipt.channel)
            return receipt

    plugins = fresh()
    outbox = Outbox()
    plugins.pm.register(outbox, name="outbox")
    plugins.pm.register(Audit(), name="audit")
    writer = Scriptwriter(config, plugins)
    receipt = writer.deliver(writer.write("outbox", plan(writer), CONTACT, today=TODAY))
    assert receipt.id == "outbox-1" and len(outbox.sent) == 1
    assert seen == ["outbox", "outbox"]


def test_a_wrapper_let_in_by_a_plain_pluggy_manager_is_skipped_and_reported():
    """A ``Plugins`` over pluggy's own manager (not ours) still never runs such a wrapper."""
    from followup_script.plugins import hookspecs

    pm = pluggy.PluginManager("followup_script")
    pm.add_hookspecs(hookspecs)
    ran = []

    class Wrapping:
        @followup_script.hookimpl(wrapper=True)
        def register_channels(self, register):
            ran.append("wrapper")
            return (yield)

    class Plain:
        @followup_script.hookimpl
        def register_channels(self, register):
            register(Channel("memo", "a memo", "voicemail"))

    pm.register(Wrapping(), name="wrapping")
    pm.register(Plain(), name="plain")
    plugins = Plugins(pm)
    assert list(plugins.channels) == ["memo"]
    assert ran == []
    (error,) = plugins.errors
    assert error.plugin == "wrapping" and error.error.startswith("register_channels is declared as a wrapper")


def test_a_refused_wrapper_in_a_plugin_file_is_a_plugin_error(cli, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "wrapping.py").write_text(
        "import followup_script\n"
        "@followup_script.hookimpl\n"
        "def register_channels(register):\n"
        "    register(followup_script.Channel('wrapped', 'never', 'voicemail'))\n"
        "@followup_script.hookimpl(wrapper=True)\n"
        "def register_template_dirs(register):\n"
        "    return (yield)\n")
    (folder / "memo.py").write_text(
        "import followup_script\n"
        "@followup_script.hookimpl\n"
        "def register_channels(register):\n"
        "    register(followup_script.Channel('memo', 'a memo', 'voicemail'))\n")
    result = cli("--plugins-dir", folder, "channels")
    assert result.returncode == 0
    assert "memo" in result.stdout and "wrapped" not in result.stdout
    assert "warning: plugin 'wrapping" in result.stderr
    assert "register_template_dirs is declared as a wrapper" in result.stderr
    assert "Traceback" not in result.stderr
    strict = cli("--plugins-dir", folder, "--strict-plugins", "channels")
    assert strict.returncode == 5
    assert "register_template_dirs is declared as a wrapper" in strict.stderr


# -- isolation ---------------------------------------------------------------------------------

def raising_plugin(hook):
    """A plugin implementing only ``hook``, which raises."""

    def implementation(self, *args):
        raise RuntimeError("boom")

    implementation.__name__ = hook
    return type("Raising", (), {hook: followup_script.hookimpl(implementation)})()


@pytest.mark.parametrize("hook", sorted(CALLED_PER_PLUGIN))
def test_one_plugin_raising_is_reported_by_name_and_the_rest_run(hook, config):
    plugins = fresh()
    called = []
    plugins.pm.register(no_arguments(hook, called), name="plain")
    plugins.pm.register(raising_plugin(hook), name="raising")
    run_hook(hook, plugins, config)
    assert called == [hook]
    (error,) = plugins.errors
    assert error.plugin == "raising"
    assert error.error == f"{hook} raised RuntimeError: boom"
    assert {"voicemail", "call", "email"} <= set(plugins.channels)


# -- installed plugins -------------------------------------------------------------------------

@pytest.fixture
def site(tmp_path, monkeypatch):
    """A folder on sys.path to install distributions into; forgets their modules after."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        if (getattr(sys.modules[name], "__file__", None) or "").startswith(str(folder)):
            del sys.modules[name]


def install(site, dist, module, source):
    """A real distribution (dist-info with METADATA and entry_points.txt) in ``site``."""
    if source is not None:
        (site / f"{module}.py").write_text(source)
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[followup_script]\n{module} = {module}\n")


MEMO = ("import followup_script\n"
        "@followup_script.hookimpl\n"
        "def register_channels(register):\n"
        "    register(followup_script.Channel('memo', 'a memo', 'voicemail'))\n")


def test_an_installed_wrapper_plugin_is_refused_by_its_distribution_name(site, monkeypatch):
    install(site, "fs-test-memo", "fs_test_memo", MEMO)
    install(site, "fs-test-wrapping", "fs_test_wrapping",
            "import followup_script\n"
            "@followup_script.hookimpl(hookwrapper=True)\n"
            "def prepare_jinja2_environment(env):\n"
            "    yield\n")
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "fs-test-memo,fs-test-wrapping")
    plugins = build_plugin_manager()
    assert "memo" in plugins.channels
    assert plugins.pm.get_plugin("fs-test-wrapping") is None
    (error,) = plugins.errors
    assert error.plugin == "fs-test-wrapping"
    assert error.error.startswith("prepare_jinja2_environment is declared as a wrapper")


def test_installed_plugins_load_one_by_one(site, monkeypatch):
    """A broken distribution is reported by its name; the others load (pluggy's own
    load_setuptools_entrypoints would stop at the first)."""
    install(site, "fs-test-ghost", "fs_test_ghost_missing", None)  # its module is not there
    install(site, "fs-test-memo", "fs_test_memo", MEMO)
    install(site, "fs-test-other", "fs_test_other", MEMO.replace("'memo'", "'other'"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "fs-test-ghost,fs-test-memo,fs-test-other")
    plugins = build_plugin_manager()
    assert {"memo", "other", "voicemail"} <= set(plugins.channels)
    assert plugins.versions == {"fs-test-memo": "1.0", "fs-test-other": "1.0"}
    (error,) = plugins.errors
    assert error.plugin == "fs-test-ghost"
    assert error.error == "ModuleNotFoundError: No module named 'fs_test_ghost_missing'"
    listed = {p["name"] for p in plugins.listing()["plugins"]}
    assert listed == {"fs-test-memo", "fs-test-other"}


def test_the_allow_list_picks_installed_plugins(site, monkeypatch):
    install(site, "fs-test-memo", "fs_test_memo", MEMO)
    install(site, "fs-test-other", "fs_test_other", MEMO.replace("'memo'", "'other'"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "fs-test-other")
    assert "memo" not in build_plugin_manager().channels
    assert "other" in build_plugin_manager().channels
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "")
    assert set(build_plugin_manager().channels) == {"voicemail", "call", "email"}
