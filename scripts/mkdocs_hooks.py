"""MkDocs hooks: publish each first-party plugin's README as a page of the site.

The READMEs stay where they are (beside each plugin, where PyPI and GitHub show
them); at build time each becomes ``<plugin folder>.md`` in the site, and the
relative links that work on GitHub (``../plugins/NAME/README.md`` from docs/,
``../../README.md`` from a plugin) are pointed at the matching pages, so
``mkdocs build --strict`` finds no broken link.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_READMES = sorted((ROOT / "plugins").glob("*/README.md"))

_TO_PLUGIN = re.compile(r"\]\(\.\./plugins/([\w.-]+)/README\.md(#[^)]*)?\)")
_TO_REPO_README = re.compile(r"\]\(\.\./\.\./README\.md(#[^)]*)?\)")
_TO_DOCS = re.compile(r"\]\(\.\./\.\./docs/([\w.-]+\.md)(#[^)]*)?\)")


def plugin_page(readme: Path) -> str:
    """``plugins/followup-script-sms/README.md`` -> ``followup-script-sms.md``."""
    return f"{readme.parent.name}.md"


def on_files(files, config):
    for readme in PLUGIN_READMES:
        files.append(File.generated(config, plugin_page(readme), abs_src_path=str(readme)))
    return files


def on_page_markdown(markdown, page, config, files):
    markdown = _TO_PLUGIN.sub(lambda m: f"]({m.group(1)}.md{m.group(2) or ''})", markdown)
    if page.file.src_uri in {plugin_page(r) for r in PLUGIN_READMES}:
        markdown = _TO_REPO_README.sub(lambda m: f"](index.md{m.group(1) or ''})", markdown)
        markdown = _TO_DOCS.sub(lambda m: f"]({m.group(1)}{m.group(2) or ''})", markdown)
    return markdown
