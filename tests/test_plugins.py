"""The plugin system: loading, isolation, the stop and courtesy guarantees."""

import datetime as dt
import json
from pathlib import Path

import pytest

import followup_script
from followup_script import (
    Channel,
    DeliveryVetoed,
    History,
    PluginError,
    Receipt,
    Scriptwriter,
    StoppedError,
    ToneError,
)
from followup_script.plugins.manager import build_plugin_manager

from .conftest import CONTACT, TODAY

LAST = dt.date(2026, 11, 20)
HOOKS = ["register_channels", "register_template_dirs", "prepare_jinja2_environment",
         "register_commands", "register_inboxes", "deliver_message"]


class Spy:
    """A plugin channel that records every call made to it."""

    def __init__(self, name="spy", kind="voicemail", text=None, result=None):
        self.calls = []
        self.name, self.kind, self.text, self.result = name, kind, text, result

    def deliver(self, message, context):
        self.calls.append((message, context))
        return self.result if self.result is not None else Receipt(channel=self.name, id="r-1")

    def finish(self, message, job):
        if self.text is not None:
            message.text = self.text

    @followup_script.hookimpl
    def register_channels(self, register):
        register(Channel(self.name, "records calls", self.kind, deliver=self.deliver, finish=self.finish))


def writer_with(config, *plugins):
    return Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=plugins))


def plan(writer, outcome="no-commitment", **kw):
    return writer.plan(History(LAST, outcome, **kw), TODAY)


def test_builtin_channels_are_default_plugins(builtin_plugins):
    channels = builtin_plugins.channels
    assert {"voicemail", "call", "email"} <= set(channels)
    assert channels["email"].plugin == "followup_script.plugins.builtin.email"
    listing = builtin_plugins.listing(include_builtin=True)
    assert any(p["channels"] == ["voicemail"] and p["builtin"] for p in listing["plugins"])
    assert builtin_plugins.listing()["plugins"] == []


def test_a_plugin_channel_renders_and_delivers(config):
    spy = Spy()
    writer = writer_with(config, spy)
    message = writer.write("spy", plan(writer), CONTACT, today=TODAY)
    assert "Ana Lima" in message.text
    receipt = writer.deliver(message)
    assert receipt.id == "r-1" and len(spy.calls) == 1
    assert spy.calls[0][1].key == writer.delivery_key(message)


def test_stop_is_enforced_before_any_plugin_code(config):
    spy = Spy()
    seen = []

    class Wrapper:
        @followup_script.hookimpl(wrapper=True)
        def deliver_message(self, channel, message, context):
            seen.append(channel.name)
            return (yield)

    writer = writer_with(config, spy, Wrapper())
    stopped = writer.write("spy", plan(writer, "stop"), CONTACT, today=TODAY)
    assert stopped.text is None
    with pytest.raises(StoppedError):
        writer.deliver(stopped)
    live = writer.write("spy", plan(writer), CONTACT, today=TODAY)
    with pytest.raises(StoppedError):
        writer.deliver(live, stopped=True)  # the tracker's stop flag
    assert spy.calls == [] and seen == []


def test_the_guard_runs_on_plugin_messages(config):
    rude = Spy(text="Dana, this is my FIFTH voicemail. Call me back ASAP.")
    writer = writer_with(config, rude)
    with pytest.raises(ToneError, match="spy script"):
        writer.write("spy", plan(writer), CONTACT, today=TODAY)
    assert rude.calls == []
    tolerant = Scriptwriter(config, writer.plugins, allow_tone=True)
    message = tolerant.write("spy", plan(writer), CONTACT, today=TODAY)
    assert any("courtesy guard overridden" in w for w in message.warnings)


def test_duplicate_channel_names_are_reported_not_overridden(config):
    first, second = Spy(name="twin"), Spy(name="twin", kind="call")
    plugins = build_plugin_manager(load_entrypoints=False, extra=[first, second])
    channel = plugins.channels["twin"]
    assert len(plugins.errors) == 1 and "already registered" in plugins.errors[0].error
    assert channel.kind in ("voicemail", "call")
    assert "voicemail" in plugins.channels


def test_a_plugin_that_raises_is_isolated(config):
    class Broken:
        @followup_script.hookimpl
        def register_channels(self, register):
            raise RuntimeError("boom")

    plugins = build_plugin_manager(load_entrypoints=False, extra=[Broken()])
    assert {"voicemail", "call", "email"} <= set(plugins.channels)
    assert "RuntimeError: boom" in plugins.errors[0].error


def test_nonsense_registrations_are_errors():
    class Nonsense:
        @followup_script.hookimpl
        def register_channels(self, register):
            register({"name": "dict-not-channel"})

        @followup_script.hookimpl
        def register_template_dirs(self, register):
            register("/no/such/folder")

    plugins = build_plugin_manager(load_entrypoints=False, extra=[Nonsense()])
    assert "dict-not-channel" not in plugins.channels
    assert plugins.template_dirs == []
    errors = " ".join(e.error for e in plugins.errors)
    assert "followup_script.Channel" in errors and "/no/such/folder" in errors


def test_nonsense_receipts_and_exceptions_become_plugin_errors(config):
    writer = writer_with(config, Spy(result=42))
    message = writer.write("spy", plan(writer), CONTACT, today=TODAY)
    with pytest.raises(PluginError, match="returned 42"):
        writer.deliver(message)

    class Exploding(Spy):
        def deliver(self, message, context):
            raise KeyError("oops")

    writer = writer_with(config, Exploding())
    message = writer.write("spy", plan(writer), CONTACT, today=TODAY)
    with pytest.raises(PluginError, match="KeyError"):
        writer.deliver(message)


def test_dict_receipts_are_accepted(config):
    writer = writer_with(config, Spy(result={"id": 7, "url": "https://example.invalid/7"}))
    receipt = writer.deliver(writer.write("spy", plan(writer), CONTACT, today=TODAY))
    assert receipt == Receipt(channel="spy", id="7", url="https://example.invalid/7")


def test_a_wrapper_can_veto(config):
    spy = Spy()

    class Veto:
        @followup_script.hookimpl(wrapper=True)
        def deliver_message(self, channel, message, context):
            raise DeliveryVetoed("not on Sundays")
            yield  # pragma: no cover

    writer = writer_with(config, spy, Veto())
    with pytest.raises(DeliveryVetoed):
        writer.deliver(writer.write("spy", plan(writer), CONTACT, today=TODAY))
    assert spy.calls == []


def test_misspelled_hooks_are_caught():
    class Typo:
        @followup_script.hookimpl
        def register_chanels(self, register):  # sic
            pass

    plugins = build_plugin_manager(load_entrypoints=False, extra=[Typo()])
    assert any("register_chanels" in e.error for e in plugins.errors)
    assert "voicemail" in plugins.channels


def test_prepare_environment_and_template_dirs(config, tmp_path):
    folder = tmp_path / "tpl" / "memo"
    folder.mkdir(parents=True)
    (folder / "three-day-check.txt.j2").write_text("{{ me.name | wave }} Thank you.\n")

    class Memo:
        @followup_script.hookimpl
        def register_channels(self, register):
            register(Channel("memo", "a memo", "memo", via="email"))

        @followup_script.hookimpl
        def register_template_dirs(self, register):
            register(tmp_path / "tpl")

        @followup_script.hookimpl
        def prepare_jinja2_environment(self, env):
            env.filters["wave"] = lambda name: f"Hello from {name}."

    writer = writer_with(config, Memo())
    assert writer.write("memo", plan(writer), CONTACT, today=TODAY).text == "Hello from Ana Lima. Thank you.\n"


def test_every_hook_is_documented_with_its_signature_and_tested():
    from followup_script.plugins import hookspecs

    root = Path(__file__).parent.parent
    guide = (root / "docs" / "plugins.md").read_text()
    tests = "".join(p.read_text() for p in (root / "tests").glob("test_*.py")).replace('\\n"', "\n")
    import inspect

    specs = [name for name, fn in vars(hookspecs).items()
             if callable(fn) and hasattr(fn, "followup_script_spec")]
    assert sorted(specs) == sorted(HOOKS)
    for name in specs:
        signature = f"{name}{inspect.signature(getattr(hookspecs, name))}"
        assert f"### `{signature}`" in guide, signature
        assert f"def {name}(" in tests, name


# -- through the installed command ---------------------------------------------------------

ALL = {"FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-postcard"}
ARGS = ["--name", "Dana Reyes", "--last-contact", "2026-11-20", "--today", "2026-11-25",
        "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567"]


def postcard_config(tmp_path, **extra):
    lines = ["[postcard]", f'outbox = "{tmp_path / "outbox"}"', f'audit_log = "{tmp_path / "audit.log"}"']
    lines += [f"{k} = {v}" for k, v in extra.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.e2e
def test_installed_plugin_through_its_entry_point(cli, tmp_path):
    listing = json.loads(cli("plugins", env=ALL).stdout)
    (postcard,) = listing["plugins"]
    assert postcard["name"] == "followup-script-postcard" and postcard["version"] == "0.3.0"
    assert postcard["channels"] == ["postcard"] and sorted(postcard["hooks"]) == sorted(HOOKS)
    config = postcard_config(tmp_path)
    result = cli("--config", config, *ARGS, "--channel", "postcard", "--deliver", "--yes",
                 "--format", "json", env=ALL)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["script"].endswith("-- Ana Lima, with thanks\n")
    assert data["lines"] == 3
    card = Path(data["receipt"]["path"])
    assert card.read_text() == data["script"]
    assert json.loads((tmp_path / "audit.log").read_text())["channel"] == "postcard"
    assert cli("postcard-outbox", tmp_path / "outbox", env=ALL).stdout.strip() == card.name


@pytest.mark.e2e
def test_installed_wrapper_can_veto_through_the_command(cli, tmp_path):
    config = postcard_config(tmp_path, hold="true")
    result = cli("--config", config, *ARGS, "--channel", "postcard", "--deliver", "--yes", env=ALL)
    assert result.returncode == 4 and "on hold" in result.stderr
    assert not (tmp_path / "outbox").exists()


@pytest.mark.e2e
def test_stop_through_the_command_reaches_no_plugin(cli, tmp_path):
    config = postcard_config(tmp_path)
    result = cli("--config", config, *ARGS, "--outcome", "stop", "--channel", "postcard",
                 "--deliver", "--yes", env=ALL)
    assert result.returncode == 4
    assert not (tmp_path / "outbox").exists() and not (tmp_path / "audit.log").exists()


@pytest.mark.e2e
def test_allow_list_env_var(cli):
    assert json.loads(cli("plugins").stdout)["plugins"] == []  # conftest sets it to ''
    names = [p["name"] for p in json.loads(cli("plugins", env=ALL).stdout)["plugins"]]
    assert names == ["followup-script-postcard"]
    listing = json.loads(cli("plugins", "--all").stdout)
    assert {p["name"] for p in listing["plugins"]} >= {"followup_script.plugins.builtin.voicemail"}


@pytest.mark.e2e
def test_plugins_dir_loads_loose_files_and_isolates_broken_ones(cli, tmp_path):
    folder = tmp_path / "my-plugins"
    folder.mkdir()
    (folder / "memo.py").write_text(
        "import followup_script\n"
        "@followup_script.hookimpl\n"
        "def register_channels(register):\n"
        "    register(followup_script.Channel('memo', 'a memo', 'voicemail'))\n"
        "@followup_script.hookimpl\n"
        "def register_commands(cli):\n"
        "    @cli.command(name='memo-hello')\n"
        "    def memo_hello():\n"
        "        print('hello from memo')\n")
    (folder / "broken.py").write_text("import no_such_module_anywhere\n")
    result = cli("--plugins-dir", folder, "channels")
    assert result.returncode == 0
    assert "memo" in result.stdout and "voicemail" in result.stdout
    assert "broken" in result.stderr and "no_such_module_anywhere" in result.stderr
    assert "Traceback" not in result.stderr
    spoken = cli("--plugins-dir", folder, *ARGS, "--channel", "memo")
    assert spoken.returncode == 0 and "five five five" in spoken.stdout
    strict = cli("--plugins-dir", folder, "--strict-plugins", "channels")
    assert strict.returncode == 5 and "broken" in strict.stderr
    helped = cli("--plugins-dir", folder, "--help")
    assert helped.returncode == 0 and "memo-hello" in helped.stdout
    hello = cli("--plugins-dir", folder, "memo-hello")
    assert hello.returncode == 0 and hello.stdout == "hello from memo\n"


def test_environment_and_command_hooks_that_raise_are_isolated(config, cli, tmp_path):
    class Grumpy:
        @followup_script.hookimpl
        def prepare_jinja2_environment(self, env):
            raise ValueError("no filters today")

    writer = writer_with(config, Grumpy())
    message = writer.write("voicemail", plan(writer), CONTACT, today=TODAY)
    assert "Ana Lima" in message.text
    assert any("prepare_jinja2_environment raised ValueError: no filters today" in e.error
               for e in writer.plugins.errors)

    folder = tmp_path / "cmd-plugins"
    folder.mkdir()
    (folder / "grumpy.py").write_text(
        "import followup_script\n"
        "@followup_script.hookimpl\n"
        "def register_commands(cli):\n"
        "    raise RuntimeError('no commands today')\n")
    result = cli("--plugins-dir", folder, "channels")
    assert result.returncode == 0 and "voicemail" in result.stdout
    helped = cli("--plugins-dir", folder, "--help")
    assert helped.returncode == 0 and "  due " in helped.stdout
    assert "register_commands raised RuntimeError: no commands today" in helped.stderr
