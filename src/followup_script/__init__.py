"""followup-script: when to follow up with an employer, and exactly what to say."""

from .channels import Channel, DeliveryContext, Message, Receipt, RenderJob
from .compose import Scriptwriter
from .errors import (
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
from .hookspecs import hookimpl
from .stages import History, Outcome, Plan, Situation, Stage, plan

__version__ = "0.1.0"

__all__ = [
    "Channel", "ConfigError", "DeliveryContext", "DeliveryError", "DeliveryVetoed",
    "FollowupError", "History", "InputError", "Message", "Outcome", "Plan", "PluginError",
    "Receipt", "RefusedError", "RenderJob", "Scriptwriter", "Situation", "Stage",
    "StoppedError", "TemplateError", "ToneError", "hookimpl", "plan", "__version__",
]
