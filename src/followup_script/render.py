"""Deprecated alias of :mod:`followup_script.writing.render`, the sandboxed renderer (escape_markdown, markdown_to_html).

Kept so plugins written against 0.1 keep working; import from
``followup_script.writing.render`` instead. It will be removed in 0.3.
"""

import sys
import warnings

from followup_script.writing.render import *  # noqa: F403

warnings.warn(
    "followup_script.render is deprecated; import from followup_script.writing.render",
    DeprecationWarning,
    stacklevel=2,
)
sys.modules[__name__] = sys.modules["followup_script.writing.render"]
