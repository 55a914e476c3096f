"""Every shell example in the README and docs/ runs, as pasted.

A ```bash block runs unless the line before it is ``<!-- not-run: why -->``.
Blocks of one file run in order in one fresh home, so a later block can rely
on the profile an earlier one saved.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(?:^(<!-- not-run:[^>]*-->)\n)?^```bash\n(.*?)^```", re.M | re.S)


def blocks(path):
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(path.read_text())]


def test_docs_have_examples():
    assert sum(len(blocks(p)) for p in DOCS) >= 10


@pytest.mark.e2e
@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_shell_examples_run(doc, tmp_path, isolated_home):
    found = blocks(doc)
    runnable = [code for marker, code in found if not marker]
    for marker, _ in found:
        assert marker is None or len(marker) > len("<!-- not-run: -->"), "say why it is not run"
    if not runnable:
        pytest.skip(f"{doc.name} has no runnable shell examples")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    for code in runnable:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{doc.name}:\n{code}\n--- stderr:\n{result.stderr}"
        assert "Traceback" not in result.stderr
