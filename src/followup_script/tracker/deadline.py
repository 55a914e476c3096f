"""A time limit for a channel's ``deliver``: ``[delivery] timeout_seconds`` (default 120).

A plugin that hangs (a service that never answers, a bug) must not hang the
command forever. The limit uses ``SIGALRM`` in the main thread, so it needs no
extra thread and interrupts blocking network reads too; where there is no
``SIGALRM`` (Windows) or outside the main thread it is not applied, and the
channels' own network timeouts still hold.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from followup_script.errors import ConfigError, DeliveryError

DEFAULT_TIMEOUT = 120.0


class DeliveryTimeout(DeliveryError):
    """A channel's ``deliver`` did not return within ``[delivery] timeout_seconds``."""


def delivery_timeout(config) -> float:
    """``[delivery] timeout_seconds`` from the config, checked."""
    value = config.section("delivery").get("timeout_seconds", DEFAULT_TIMEOUT)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 86400:
        raise ConfigError(
            f"delivery.timeout_seconds = {value!r} must be a number of seconds above 0; "
            f"run: followup-script config set delivery.timeout_seconds {DEFAULT_TIMEOUT:g}"
        )
    return float(value)


@contextmanager
def deadline(seconds: float | None, channel: str):
    """Raise :class:`DeliveryTimeout` if the block runs longer than ``seconds``."""
    usable = (seconds and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable or seconds is None:  # (None is not usable: for mypy)
        yield
        return

    def expired(signum, frame):
        raise DeliveryTimeout(
            f"channel {channel!r} did not finish delivering within {seconds:g} s "
            "(delivery.timeout_seconds); it may or may not have arrived: run the same command "
            "again and followup-script checks before delivering twice"
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


__all__ = ["DEFAULT_TIMEOUT", "DeliveryTimeout", "deadline", "delivery_timeout"]
