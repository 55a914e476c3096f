"""Values quoted for a command the user can paste into a shell."""

from __future__ import annotations

import shlex

__all__ = ["shell_quote"]


def shell_quote(value: str) -> str:
    """``Dana`` stays as it is, ``'Dana Reyes'`` and ``'O'"'"'Brien'`` are quoted: what a
    POSIX shell reads back as the same single word (:func:`shlex.quote`)."""
    return shlex.quote(value)
