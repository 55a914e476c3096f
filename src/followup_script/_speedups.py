"""Every speed trick of followup-script lives here, behind one switch.

A trick earns its place only by a measured gain of at least 10% on its
benchmark in ``bench/`` (docs/performance.md lists each one and what it buys).
Set ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1`` to turn all of them off: the program then
takes the plain, obviously-right path everywhere, which is also what the tests
compare the tricks against.
"""

from __future__ import annotations

import os

ENV_OFF = "FOLLOWUP_SCRIPT_NO_SPEEDUPS"


def enabled() -> bool:
    """True unless ``FOLLOWUP_SCRIPT_NO_SPEEDUPS`` is set to something other than ``0`` or empty."""
    return os.environ.get(ENV_OFF, "") in ("", "0")
