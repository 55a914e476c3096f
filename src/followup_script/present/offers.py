"""Only honest offers: whether a channel can deliver to this contact now, and if not, the
one line that says what to set.

A delivery is offered only when the contact has what the channel needs (an email
address for an email channel, a phone number for one that texts or calls) and the
channel is set up. A channel says it is set up through ``ready(config)``: None when
it can deliver, else the line saying what to set (or it raises the ConfigError that
says so). It is looked up on the channel, then next to its ``deliver`` function (a
``ready`` in the same module), so a plugin written before ``ready`` existed still works.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from followup_script.errors import FollowupError
from followup_script.present.shell import shell_quote

__all__ = ["needs", "not_deliverable", "readiness"]

def needs(channel) -> str | None:
    """What a delivery on ``channel`` needs from the contact: ``email``, ``phone`` or None.

    A channel may say it (``needs = "phone"``: a voicemail drop service); otherwise an email
    channel needs an address and a text (kind ``sms``) a number. A voicemail or call channel
    that delivers elsewhere (a folder, a dialer list) needs neither unless it says so."""
    said = getattr(channel, "needs", None)
    if said in ("email", "phone"):
        return said
    if getattr(channel, "email", None) or channel.kind == "email":
        return "email"
    return "phone" if channel.kind == "sms" else None


def readiness(channel) -> Callable[[Any], Any] | None:
    """The channel's ``ready(config)``: its own, else one beside its ``deliver``."""
    found = getattr(channel, "ready", None)
    if callable(found):
        return found
    deliver = getattr(channel, "deliver", None)
    module = sys.modules.get(getattr(deliver, "__module__", "") or "")
    found = getattr(module, "ready", None) if module is not None else None
    return found if callable(found) else None


def not_deliverable(channel, config, contact: Mapping, tracked: bool = True) -> str | None:
    """None when ``channel`` can deliver to ``contact`` with ``config``; else one line saying
    why not and what to set (the contact's missing address, the config key, the login).
    ``tracked``: a missing address is added with ``contact edit``; else (the one-shot
    command) it is passed as ``--email`` or ``--phone``."""
    if getattr(channel, "deliver", None) is None:
        return f"the {channel.name} channel only writes the script; it cannot deliver"
    need = needs(channel)
    if need and not (contact.get(need) or "").strip():
        name = contact.get("name") or ("NAME" if tracked else "the contact")
        example = "name@example.com" if need == "email" else "'+1 555 987 6543'"
        word = "email address" if need == "email" else "phone number"
        if not tracked:
            return f"{name} has no {word}, which {channel.name} needs; pass --{need} {example}"
        return (f"{name} has no {word}, which {channel.name} needs; add it: followup-script contact edit "
                f"{shell_quote(name)} --{need} {example}")
    check = readiness(channel)
    if check is None:
        return None
    try:
        said = check(config)
    except FollowupError as exc:
        said = str(exc)
    except Exception as exc:  # a plugin's check that broke: say so, do not offer what may fail
        said = f"the {channel.name} channel could not check its settings ({type(exc).__name__}: {exc})"
    return str(said) if said else None
