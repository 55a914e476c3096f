"""Deprecated alias of :mod:`followup_script.writing.guard`, the courtesy guard (check).

Kept so plugins written against 0.1 keep working; import from
``followup_script.writing.guard`` instead. It will be removed in 0.3.
"""

import sys
import warnings

from followup_script.writing.guard import *  # noqa: F403

warnings.warn(
    "followup_script.tone is deprecated; import from followup_script.writing.guard",
    DeprecationWarning,
    stacklevel=2,
)
sys.modules[__name__] = sys.modules["followup_script.writing.guard"]
