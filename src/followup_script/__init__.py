"""followup-script: when to follow up with an employer, and exactly what to say.

The names below are imported on first use, so ``followup-script --help`` and
plugins that only need ``hookimpl`` start fast.
"""

from importlib import import_module

from followup_script.errors import (
    ConfigError,
    DeliveryError,
    DeliveryVetoed,
    FollowupError,
    InputError,
    PluginError,
    RefusedError,
    StoppedError,
    TemplateError,
    ToneError,
)

__version__ = "0.2.0"

_LAZY = {
    "Channel": "channels.base", "DeliveryContext": "channels.base", "Message": "channels.base",
    "Receipt": "channels.base", "RenderJob": "channels.base", "Option": "channels.channel",
    "Scriptwriter": "compose.scriptwriter",
    "History": "engine.stages", "Outcome": "engine.stages", "Plan": "engine.stages",
    "Situation": "engine.stages", "Stage": "engine.stages", "plan": "engine.stages",
    "Tracker": "tracker.service",
    "hookimpl": "plugins.hookspecs",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'followup_script' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY))


__all__ = [
    "Channel", "ConfigError", "DeliveryContext", "DeliveryError", "DeliveryVetoed",
    "FollowupError", "History", "InputError", "Message", "Option", "Outcome", "Plan", "PluginError",
    "Receipt", "RefusedError", "RenderJob", "Scriptwriter", "Situation", "Stage",
    "StoppedError", "TemplateError", "ToneError", "Tracker", "hookimpl", "plan", "__version__",
]
