"""``python -m followup_script``: the ``followup-script`` command, for when the script is
not on PATH (or to pick the Python: ``python3.12 -m followup_script --help``)."""

from followup_script.cli.app import run

if __name__ == "__main__":
    run()
