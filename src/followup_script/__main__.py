"""``python -m followup_script``: the ``followup-script`` command, for when the script is
not on PATH (or to pick the Python: ``python3.12 -m followup_script --help``)."""

from followup_script.cli import run  # the console script: it holds the collector before the command's imports

if __name__ == "__main__":
    run()
