"""The plugin system: hook specifications (``hookspecs``) and the manager that
loads plugins and calls their hooks (``manager``)."""

from followup_script.plugins.hookspecs import hookimpl
from followup_script.plugins.manager import Plugins, build_plugin_manager, get_plugins, reset, set_plugins_dir

__all__ = ["Plugins", "build_plugin_manager", "get_plugins", "hookimpl", "reset", "set_plugins_dir"]
