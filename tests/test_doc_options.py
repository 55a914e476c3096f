"""Every `--option` the docs name in backticks is one the CLI has (#15 verification: the
configuration guide told users to pass `--contact-timezone`, an option that never existed;
the one-shot's is `--timezone`)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from followup_script.cli.doc import _root, _walk

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted(ROOT.glob("plugins/*/README.md"))]

#: options of other tools that the docs name on purpose, and whose they are
NOT_OURS = {
    "--resolution": "uv pip install (README: make test-lowest)",
    "--only": "bench/run.py", "--runs": "bench/run.py", "--tiny": "bench/run.py",
    "--no-browser": "the gmail plugin's gmail login (a plugin command)",
}


def test_every_option_the_docs_name_exists():
    cli, ctx = _root()
    known = set()
    for cmd, sub in _walk(cli, ctx):
        for param in cmd.get_params(sub):
            if isinstance(param, click.Option):
                known.update([*param.opts, *param.secondary_opts])
    assert "--timezone" in known and len(known) > 50
    unknown = [f"{path.relative_to(ROOT)}: {m.group(1)}"
               for path in DOCS for m in re.finditer(r"`(--[a-z][a-z-]*)", path.read_text())
               if m.group(1) not in known and m.group(1) not in NOT_OURS]
    assert unknown == [], "the docs name options the CLI does not have:\n" + "\n".join(unknown)
