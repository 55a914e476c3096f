"""The plugin manager: loading, isolation and listing.

Plugins are loaded lazily and once, by :func:`get_plugin_manager`. Built-in
channels are default plugins registered exactly like outside ones. A plugin
that fails to import, raises in a hook or registers a clashing name is
recorded in :data:`load_errors` (and reported by the CLI); the others keep
working. ``FOLLOWUP_SCRIPT_LOAD_PLUGINS`` limits which installed distributions
load: unset = all, ``''`` = none, ``a,b`` = only those.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pluggy

from followup_script.plugins import hookspecs
from followup_script._cache import ENV_ALLOW, cache_dir, path_key
from followup_script.channels.base import Channel
from followup_script.errors import PluginError

GROUP = "followup_script"
DEFAULT_PLUGINS = (
    "followup_script.plugins.builtin.voicemail",
    "followup_script.plugins.builtin.call",
    "followup_script.plugins.builtin.email",
    "followup_script.plugins.builtin.deliver",
)


@dataclass
class LoadError:
    plugin: str
    error: str

    def to_dict(self) -> dict:
        return {"name": self.plugin, "error": self.error}

    def __str__(self) -> str:
        return f"plugin {self.plugin!r}: {self.error}"


class Plugins:
    """The loaded plugins and what they registered."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.errors: list[LoadError] = []
        self.versions: dict[str, str | None] = {}
        self.builtin: set[str] = set()
        self._channels: dict[str, Channel] | None = None
        self._template_dirs: list[tuple[str, Path]] | None = None

    # -- errors --------------------------------------------------------------
    def fail(self, plugin: str, error: BaseException | str) -> None:
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        self.errors.append(LoadError(plugin, " ".join(str(text).split())))

    def call_each(self, hook_name: str, argument_for) -> None:
        """Call one hook on every plugin separately, so one failure is isolated.

        ``argument_for(plugin_name)`` makes what each implementation gets (a
        ``register`` that records who registered, or simply the same object).
        """
        hook = getattr(self.pm.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            name = self.pm.get_name(impl.plugin) or repr(impl.plugin)
            try:
                impl.function(argument_for(name))
            except Exception as exc:  # a broken plugin must not break the rest
                self.fail(name, f"{hook_name} raised {type(exc).__name__}: {exc}")

    # -- what plugins registered ----------------------------------------------
    @property
    def channels(self) -> dict[str, Channel]:
        if self._channels is None:
            found: dict[str, Channel] = {}

            def make_register(plugin_name):
                def register(channel):
                    if not isinstance(channel, Channel):
                        raise PluginError(
                            f"register() takes a followup_script.Channel, not {channel!r}"
                        )
                    if not channel.name or not str(channel.name).strip():
                        raise PluginError("a channel needs a non-empty name")
                    if channel.name in found:
                        other = found[channel.name].plugin
                        self.fail(
                            plugin_name,
                            f"channel {channel.name!r} is already registered by "
                            f"{other!r}; rename one of them",
                        )
                        return
                    channel.plugin = plugin_name
                    found[channel.name] = channel

                return register

            self.call_each("register_channels", make_register)
            self._channels = found
        return self._channels

    @property
    def template_dirs(self) -> list[tuple[str, Path]]:
        if self._template_dirs is None:
            dirs: list[tuple[str, Path]] = []

            def make_register(plugin_name):
                def register(path):
                    path = Path(path)
                    if not path.is_dir():
                        raise PluginError(f"template directory {str(path)!r} does not exist")
                    dirs.append((plugin_name, path))

                return register

            self.call_each("register_template_dirs", make_register)
            self._template_dirs = dirs
        return self._template_dirs

    def channel(self, name: str) -> Channel:
        channels = self.channels
        if name not in channels:
            from followup_script.errors import InputError

            valid = ", ".join(sorted(channels)) or "none"
            raise InputError(f"channel {name!r} is not known; use one of: {valid}")
        return channels[name]

    def listing(self, include_builtin: bool = False) -> dict:
        channels_by_plugin: dict[str, list[str]] = {}
        for channel in self.channels.values():
            channels_by_plugin.setdefault(channel.plugin, []).append(channel.name)
        plugins = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda p: p[0]):
            if plugin is None or (name in self.builtin and not include_builtin):
                continue
            hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])
            plugins.append(
                {
                    "name": name,
                    "version": self.versions.get(name),
                    "builtin": name in self.builtin,
                    "hooks": hooks,
                    "channels": sorted(channels_by_plugin.get(name, [])),
                }
            )
        return {"plugins": plugins, "errors": [e.to_dict() for e in self.errors]}


@dataclass(frozen=True)
class EntryPoint:
    dist: str
    version: str | None
    name: str
    value: str

    def load(self):
        module_name, _, attr = self.value.partition(":")
        target = importlib.import_module(module_name.strip())
        for part in filter(None, attr.strip().split(".")):
            target = getattr(target, part)
        return target


_path_key = path_key


def _cache_file() -> Path:
    return cache_dir() / "entry-points.json"


def _scan_entry_points() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    return [
        EntryPoint(ep.dist.name if ep.dist else ep.name, ep.dist.version if ep.dist else None,
                   ep.name, ep.value)
        for ep in entry_points(group=GROUP)
    ]


def installed_entry_points(refresh: bool = False) -> list[EntryPoint]:
    """The ``followup_script`` entry points, from a small cache when nothing changed.

    Scanning every installed distribution costs more than the rest of start-up;
    the cache (in the user cache dir) is keyed on ``sys.path`` and the mtimes of
    its folders, so an install or uninstall is seen at once.
    """
    key = _path_key()
    path = _cache_file()
    if not refresh:
        try:
            cached = json.loads(path.read_text())
            if cached.get("key") == key:
                return [EntryPoint(*row) for row in cached["entry_points"]]
        except (OSError, ValueError, TypeError, KeyError):
            pass
    found = _scan_entry_points()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "entry_points": [list(e.__dict__.values()) for e in found]}))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache dir only costs speed
    return found


def _load_entry_points(plugins: Plugins) -> None:
    allow_env = os.environ.get(ENV_ALLOW)
    if allow_env is not None and not allow_env.strip():
        return
    allowed = None
    if allow_env is not None:
        allowed = {a.strip() for a in allow_env.split(",") if a.strip()}
    entries = installed_entry_points()
    for attempt in (1, 2):
        failed = []
        for ep in entries:
            if allowed is not None and ep.dist not in allowed and ep.name not in allowed:
                continue
            if plugins.pm.get_plugin(ep.dist) is not None:
                continue
            try:
                plugins.pm.register(ep.load(), name=ep.dist)
            except Exception as exc:
                failed.append((ep, exc))
                continue
            plugins.versions[ep.dist] = ep.version
        if not failed or attempt == 2:
            break
        entries = installed_entry_points(refresh=True)  # the cache may be stale: look again once
        stale = {(e.dist, e.value) for e in entries}
        for ep, exc in failed:
            if (ep.dist, ep.value) in stale:
                entries = [e for e in entries if (e.dist, e.value) != (ep.dist, ep.value)]
                plugins.fail(ep.dist, exc)


def _load_directory(plugins: Plugins, directory: Path) -> None:
    if not directory.is_dir():
        plugins.fail(str(directory), "--plugins-dir is not a directory")
        return
    for path in sorted(directory.glob("*.py")):
        name = f"{path.stem} ({path})"
        try:
            spec = importlib.util.spec_from_file_location(f"followup_script_local_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            plugins.pm.register(module, name=path.stem)
        except Exception as exc:
            plugins.fail(name, exc)


def _check_pending(plugins: Plugins) -> None:
    try:
        plugins.pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = plugins.pm.get_name(exc.plugin) if exc.plugin else "?"
        plugins.fail(name, str(exc))
        plugins.pm.unregister(exc.plugin)
        _check_pending(plugins)


def build_plugin_manager(
    load_entrypoints: bool = True, plugins_dir: str | Path | None = None, extra=()
) -> Plugins:
    """A fresh manager with the default plugins (and, optionally, installed ones)."""
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    plugins = Plugins(pm)
    for module_name in DEFAULT_PLUGINS:
        module = importlib.import_module(module_name)
        pm.register(module, name=module_name)
        plugins.builtin.add(module_name)
    if load_entrypoints:
        _load_entry_points(plugins)
    if plugins_dir:
        _load_directory(plugins, Path(plugins_dir))
    for plugin in extra:
        pm.register(plugin)
    _check_pending(plugins)
    return plugins


_plugins: Plugins | None = None
_plugins_dir: str | None = None


def set_plugins_dir(path: str | None) -> None:
    """Load loose ``.py`` plugin files from ``path`` too (``--plugins-dir``)."""
    global _plugins_dir, _plugins
    _plugins_dir = path
    _plugins = None


def get_plugins() -> Plugins:
    """The process-wide plugins, loaded on first use."""
    global _plugins
    if _plugins is None:
        _plugins = build_plugin_manager(plugins_dir=_plugins_dir)
    return _plugins


def reset() -> None:
    """Forget the loaded plugins (tests)."""
    global _plugins
    _plugins = None
