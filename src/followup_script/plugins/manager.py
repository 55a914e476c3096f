"""The plugin manager: loading, isolation and listing.

Plugins are loaded lazily and once, by :func:`get_plugins`. Built-in
channels are default plugins registered exactly like outside ones. A plugin
that fails to import, raises in a hook or registers a clashing name is
recorded in :attr:`Plugins.errors` (and reported by the CLI); the others keep
working. ``FOLLOWUP_SCRIPT_LOAD_PLUGINS`` limits which installed distributions
load: unset = all, ``''`` = none, ``a,b`` = only those.

Hooks are called the pluggy way, by argument name: an implementation may take
fewer arguments than its spec. ``deliver_message`` goes through pluggy's own
hook caller. The other hooks (:data:`CALLED_PER_PLUGIN`) are called once per
plugin by :meth:`Plugins.call_each`, so one plugin raising is reported by name
and the rest keep working; a wrapper cannot wrap a call made per plugin, so a
plugin that declares one on those hooks is refused when it is registered
(:class:`WrapperRefused`).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pluggy

from followup_script._cache import ENV_ALLOW
from followup_script.channels.base import Channel
from followup_script.errors import InputError, PluginError
from followup_script.plugins import hookspecs

if TYPE_CHECKING:
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec

GROUP = "followup_script"
DEFAULT_PLUGINS = (
    "followup_script.plugins.builtin.voicemail",
    "followup_script.plugins.builtin.call",
    "followup_script.plugins.builtin.email",
    "followup_script.plugins.builtin.deliver",
    "followup_script.plugins.builtin.imap",
)
#: The hooks :meth:`Plugins.call_each` calls once per plugin; no wrappers here.
CALLED_PER_PLUGIN = frozenset(
    {"register_channels", "register_template_dirs", "prepare_jinja2_environment", "register_commands",
     "register_inboxes"}
)


class WrapperRefused(PluginError):
    """A plugin declares ``wrapper=True`` or ``hookwrapper=True`` on a hook
    that is called once per plugin, where a wrapper would wrap nothing."""

    def __init__(self, plugin: str, hook: str) -> None:
        self.plugin = plugin
        self.hook = hook
        self.problem = (
            f"{hook} is declared as a wrapper (wrapper=True or hookwrapper=True), which "
            f"followup-script refuses on {hook}: it calls {hook} once per plugin, so a "
            "wrapper there would never wrap the others; make it a plain @hookimpl "
            "(wrappers work on deliver_message)"
        )
        super().__init__(f"plugin {plugin!r}: {self.problem}")


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, refusing wrappers on :data:`CALLED_PER_PLUGIN` hooks.

    The check runs before pluggy registers anything, the way pluggy itself
    refuses a wrapper on a historic hook, so a refused plugin leaves no trace.
    """

    def register(self, plugin, name: str | None = None) -> str | None:
        if plugin is not None:
            shown = name or self.get_canonical_name(plugin)
            if not self.is_blocked(shown):  # pluggy quietly registers neither None nor a blocked name
                self._refuse_wrappers(plugin, shown)
        return super().register(plugin, name)

    def _refuse_wrappers(self, plugin, name: str) -> None:
        for attr in dir(plugin):
            opts = self.parse_hookimpl_opts(plugin, attr)
            if opts and (opts.get("wrapper") or opts.get("hookwrapper")):
                hook = opts.get("specname") or attr
                if hook in CALLED_PER_PLUGIN:
                    raise WrapperRefused(name, hook)


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
        if isinstance(error, WrapperRefused):
            text = error.problem  # LoadError already names the plugin
        elif isinstance(error, BaseException):
            text = f"{type(error).__name__}: {error}"
        else:
            text = error
        self.errors.append(LoadError(plugin, " ".join(str(text).split())))

    def call_each(self, hook_name: str, argument_for) -> None:
        """Call one hook on every plugin separately, so one failure is isolated.

        Each implementation is called as pluggy calls it, with only the
        arguments it names: ``argument_for(plugin_name)`` makes the value of the
        hook's one argument for that plugin (a ``register`` that records who
        registered, or simply the same object), and is not called for an
        implementation that takes no argument. Implementations run in pluggy's
        order (``tryfirst``/``trylast``, then last registered first).
        """
        hook = getattr(self.pm.hook, hook_name)
        (argname,) = hook.spec.argnames
        for impl in reversed(hook.get_hookimpls()):
            name = impl.plugin_name
            if impl.wrapper or impl.hookwrapper:  # only a manager not built here lets one in
                self.fail(name, WrapperRefused(name, hook_name))
                continue
            try:
                given = {argname: argument_for(name)} if argname in (*impl.argnames, *impl.kwargnames) else {}
                args = [given[a] for a in impl.argnames]
                kwargs = {a: given[a] for a in impl.kwargnames if a in given}
                impl.function(*args, **kwargs)
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
                    channel.check()  # a name, a kind, a via the tracker knows, callables
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

    @property
    def inboxes(self) -> dict:
        """The inboxes registered through ``register_inboxes`` (see :mod:`.inboxes`)."""
        if getattr(self, "_inboxes", None) is None:
            from followup_script.plugins.inboxes import collect_inboxes

            self._inboxes = collect_inboxes(self)
        return self._inboxes

    def channel(self, name: str) -> Channel:
        channels = self.channels
        if name not in channels:
            from followup_script.engine.grammar import choice_fix
            from followup_script.errors import InputError

            fix = choice_fix(name, sorted(channels)) if channels else "install a channel plugin"
            raise InputError(f"channel {name!r} is not known; {fix}")
        return channels[name]

    def listing(self, include_builtin: bool = False) -> dict:
        channels_by_plugin: dict[str | None, list[str]] = {}
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


def _load_entry_points(plugins: Plugins) -> None:
    """Register each installed ``followup_script`` entry point, each in its own try.

    pluggy's ``load_setuptools_entrypoints`` stops at the first broken plugin;
    this loop reports it by distribution name and goes on.
    """
    allow_env = os.environ.get(ENV_ALLOW)
    if allow_env is not None and not allow_env.strip():
        return
    allowed = None
    if allow_env is not None:
        allowed = {a.strip() for a in allow_env.split(",") if a.strip()}
    from followup_script import _speedups
    from followup_script._cache import entry_points, load_entry_point

    for name, value, dist, version in entry_points(GROUP, remember=_speedups.enabled()):  # (a speed trick)
        dist = dist or name
        if allowed is not None and dist not in allowed and name not in allowed:
            continue
        if plugins.pm.get_plugin(dist) is not None:
            continue
        try:
            plugins.pm.register(load_entry_point(value), name=dist)
        except Exception as exc:
            plugins.fail(dist, exc)
            continue
        plugins.versions[dist] = version


def _refuse_unsafe(directory: Path, files: list[Path]) -> None:
    """Refuse, as ssh refuses a key, a plugins folder that others may write in, or a
    file in it that is another user's or that others may write: its code would run as you."""
    if not hasattr(os, "getuid"):
        return
    me = os.getuid()
    trusted = {me, 0}

    def who(uid: int) -> str:
        return "you" if uid == me else f"user {uid}"

    info = os.stat(directory)
    if info.st_uid not in trusted or info.st_mode & 0o022:
        raise InputError(
            f"is a folder that other users may write in (owner {who(info.st_uid)}, mode "
            f"{stat.S_IMODE(info.st_mode):04o}), so its plugins were not run", field="plugins_dir",
            value=str(directory), fix="chmod go-w it, or keep your plugins in a folder only you can write")
    for path in files:
        info = os.stat(path)
        if info.st_uid not in trusted:
            why = f"belongs to user {info.st_uid}, not you"
        elif info.st_mode & 0o022:
            why = f"other users may write (mode {stat.S_IMODE(info.st_mode):04o})"
        else:
            continue
        raise InputError(f"holds {path.name}, which {why}, so no plugin was run", field="plugins_dir",
                         value=str(directory), fix=f"remove {path.name}, or make it yours and chmod go-w it")


def _load_directory(plugins: Plugins, directory: Path) -> None:
    if not directory.is_dir():
        plugins.fail(str(directory), "--plugins-dir is not a directory")
        return
    _refuse_unsafe(directory, sorted(directory.glob("*.py")))
    for path in sorted(directory.glob("*.py")):
        name = f"{path.stem} ({path})"
        try:
            # a .py file always gets a spec with a (source file) loader
            spec = cast("ModuleSpec", importlib.util.spec_from_file_location(f"followup_script_local_{path.stem}", path))
            module = importlib.util.module_from_spec(spec)
            cast("Loader", spec.loader).exec_module(module)
            plugins.pm.register(module, name=path.stem)
        except Exception as exc:
            plugins.fail(name, exc)


def _check_pending(plugins: Plugins) -> None:
    try:
        plugins.pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = cast(str, plugins.pm.get_name(exc.plugin)) if exc.plugin else "?"  # registered: it has a name
        plugins.fail(name, str(exc))
        plugins.pm.unregister(exc.plugin)
        _check_pending(plugins)


def build_plugin_manager(
    load_entrypoints: bool = True, plugins_dir: str | Path | None = None, extra=()
) -> Plugins:
    """A fresh manager with the default plugins (and, optionally, installed ones).

    Installed and ``plugins_dir`` plugins that cannot load are reported in
    ``errors``; an ``extra`` plugin object that pluggy or this manager refuses
    raises at once, since the caller handed it over directly.
    """
    pm = PluginManager(GROUP)
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
