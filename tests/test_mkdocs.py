"""The documentation site builds with ``mkdocs build --strict``: no broken link, no
missing page, every page in the nav, and the plugin READMEs published as pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def nav_pages(nav) -> list[str]:
    pages = []
    for entry in nav:
        for value in entry.values():
            pages += nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_mkdocs_build_strict(tmp_path):
    import yaml  # PyYAML comes with mkdocs (the test extra)
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert config["theme"]["name"] == "material"
    assert "social" not in str(config.get("plugins"))  # social cards fetch fonts and images
    for page in nav_pages(config["nav"]):
        built = site / ("index.html" if page == "index.md" else f"{page.removesuffix('.md')}/index.html")
        assert built.is_file(), page
    for required in ("index.md", "method.md", "cli.md", "tracker.md", "wizard.md", "plugins.md",
                     "templates.md", "configuration.md", "performance.md", "security.md", "faq.md",
                     "reference.md"):
        assert required in nav_pages(config["nav"])

    # the plugin READMEs became pages, and the docs link to them rather than outside the site
    plugins_page = (site / "plugins" / "index.html").read_text()
    for readme in sorted((ROOT / "plugins").glob("*/README.md")):
        name = readme.parent.name
        assert (site / name / "index.html").is_file()
        assert f'href="../{name}/"' in plugins_page
    assert "fonts.googleapis.com" not in (site / "index.html").read_text()
