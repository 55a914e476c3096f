"""The ``followup-script`` command: a click app over the library.

Nothing outside this package imports it. :func:`run` is the console script; ``cli``
and ``main`` (:mod:`.app`) are imported on first use, so that :func:`run` can turn the
cyclic garbage collector off before the start-up's imports (see :func:`run`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from followup_script.cli.app import cli, main

__all__ = ["cli", "main", "run"]


def run() -> None:
    """The console script: ``followup-script``.

    A speed trick (``_speedups.hold_collector``, off with ``FOLLOWUP_SCRIPT_NO_SPEEDUPS=1``):
    a run's start-up (the modules, click's options, the plugins, the Jinja environment and
    templates) makes some 40,000 objects that live until the process ends. The collector is
    off while they are made, and once the command's set-up is done (:func:`started`) they are
    frozen (:func:`gc.freeze`) and the collector is on again: it scanned them some 50 times
    while they were made, and once more as the process ended, finding nothing to free.
    What the command makes afterwards is collected as before.
    """
    from followup_script import _speedups

    _speedups.hold_collector()
    try:
        from followup_script.cli.app import main

        code = main()
    finally:
        started()  # a command with no writer nor tracker (--help, config): the same at its end
    sys.exit(code)


def started() -> None:
    """The command's set-up is done (its writer or tracker is ready; else the command is):
    freeze what start-up made and turn the collector on again, if :func:`run` turned it off.
    Nothing otherwise (the command line called as a library, in tests)."""
    from followup_script import _speedups

    _speedups.release_collector()


def __getattr__(name: str):
    if name in ("cli", "main"):
        from followup_script.cli import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
