"""Deprecated alias of :mod:`followup_script.input.config`, the config file (Config, load).

Kept so plugins written against 0.1 keep working; import from
``followup_script.input.config`` instead. It will be removed in 0.3.
"""

import sys
import warnings

from followup_script.input.config import *  # noqa: F403

warnings.warn(
    "followup_script.config is deprecated; import from followup_script.input.config",
    DeprecationWarning,
    stacklevel=2,
)
sys.modules[__name__] = sys.modules["followup_script.input.config"]
