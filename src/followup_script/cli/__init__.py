"""The ``followup-script`` command: a click app over the library.

Nothing outside this package imports it.
"""

from followup_script.cli.app import cli, main, run

__all__ = ["cli", "main", "run"]
