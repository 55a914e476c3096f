"""Where followup-script keeps small caches, and what decides they are stale.

Light on purpose (no pluggy, no platformdirs): the start-up path reads it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_ALLOW = "FOLLOWUP_SCRIPT_LOAD_PLUGINS"


def cache_dir() -> Path:
    """The user cache dir, as platformdirs has it (without importing it)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "followup-script" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "followup-script"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "followup-script"


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
