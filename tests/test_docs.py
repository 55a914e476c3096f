"""Every shell example in the README and docs/ runs, as pasted.

A ```bash block runs unless the line before it is ``<!-- not-run: why -->``.
Blocks of one file run in order in one fresh home, so a later block can rely
on the profile an earlier one saved. They run in bash, so the installed
command runs in a subprocess; the files run two at a time (one fresh home
each), as their order only matters within a file.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(?:^(<!-- not-run:[^>]*-->)\n)?^```bash\n(.*?)^```", re.M | re.S)


def blocks(path):
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(path.read_text())]


def test_docs_have_examples():
    assert sum(len(blocks(p)) for p in DOCS) >= 10


def fresh_home_env(folder: Path) -> dict:
    """The environment conftest's isolated_home gives a test, for a home in ``folder``."""
    home = folder / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "FOLLOWUP_SCRIPT_DEBUG"}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CACHE_HOME=str(home / ".cache"),
               FOLLOWUP_SCRIPT_CONFIG=str(home / "config.toml"),
               FOLLOWUP_SCRIPT_DB=str(home / "tracker.sqlite3"), FOLLOWUP_SCRIPT_LOAD_PLUGINS="")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def run_examples(doc: Path, folder: Path) -> tuple[str, subprocess.CompletedProcess] | None:
    """Run the file's blocks in order; the first failing block and its result, else None."""
    env = fresh_home_env(folder)
    work = folder / "work"
    work.mkdir()
    for marker, code in blocks(doc):
        if marker:
            continue
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=work, env=env,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0 or "Traceback" in result.stderr:
            return code, result
    return None


@pytest.fixture(scope="module")
def example_runs(request, tmp_path_factory):
    """The examples of every file this session tests, started at once on two workers;
    each test waits for its own file."""
    wanted = [item.callspec.params["doc"] for item in request.session.items
              if getattr(item, "originalname", None) == "test_shell_examples_run"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {doc: pool.submit(run_examples, doc, tmp_path_factory.mktemp(doc.stem)) for doc in wanted}


@pytest.mark.e2e
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_shell_examples_run(doc, example_runs):
    found = blocks(doc)
    for marker, _ in found:
        assert marker is None or len(marker) > len("<!-- not-run: -->"), "say why it is not run"
    if not [code for marker, code in found if not marker]:
        pytest.skip(f"{doc.name} has no runnable shell examples")
    failed = example_runs[doc].result()
    if failed is not None:
        code, result = failed
        assert result.returncode == 0, f"{doc.name}:\n{code}\n--- stderr:\n{result.stderr}"
        assert "Traceback" not in result.stderr
