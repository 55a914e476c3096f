"""Where followup-script keeps small caches, and what decides they are stale.

Light on purpose (no pluggy, no platformdirs): the start-up path reads it.
"""

from __future__ import annotations

import os
import sys

ENV_ALLOW = "FOLLOWUP_SCRIPT_LOAD_PLUGINS"


def cache_path(*names: str) -> str:
    """A path in the user cache dir, as platformdirs has it, built with os.path
    (``--help`` reads its command cache without importing pathlib)."""
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.path.join(os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local"),
                            "followup-script", "Cache")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches", "followup-script")
    else:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache"),
                            "followup-script")
    return os.path.join(base, *names)


def path_key() -> list:
    """What decides which distributions are installed: sys.path and each folder's mtime.

    Installing or removing a distribution adds or removes a ``.dist-info``
    folder, which changes its folder's mtime.
    """
    key = []
    for entry in sys.path:
        try:
            key.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            key.append([entry, None])
    return key
