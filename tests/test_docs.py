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


FENCE = re.compile(r"^```(\w*)\n(.*?)^```[ \t]*$", re.M | re.S)


def blocks(path):
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(path.read_text())]


def samples(path) -> dict[str, str]:
    """The sample outputs of a file: a ``` or ```text block right after a ```bash block (only
    blank lines between) shows what that block prints, stdout and stderr as they come."""
    text = path.read_text()
    found = list(FENCE.finditer(text))
    return {a.group(2): b.group(2) for a, b in zip(found, found[1:])
            if a.group(1) == "bash" and b.group(1) in ("", "text") and not text[a.end():b.start()].strip()}


def sample_differs(sample: str, printed: str) -> str | None:
    """None when ``printed`` is what ``sample`` shows, else where they part. In a sample, a
    line ``...`` stands for any lines, and a line ending in `` ...`` for any line that
    starts with what is before it."""
    want = sample.rstrip("\n").split("\n")
    got = [line.rstrip() for line in printed.rstrip("\n").split("\n")]

    def match(i: int, j: int) -> bool:
        if i == len(want):
            return j == len(got)
        line = want[i].rstrip()
        if line == "...":
            return any(match(i + 1, k) for k in range(j, len(got) + 1))
        if j == len(got):
            return False
        if line.endswith(" ...") and got[j].startswith(line[:-4]):
            return match(i + 1, j + 1)
        return got[j] == line and match(i + 1, j + 1)

    if match(0, 0):
        return None
    return "the sample:\n" + sample + "\n--- what it prints:\n" + printed


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
    shown = samples(doc)
    for marker, code in blocks(doc):
        if marker:
            continue
        if code in shown:  # its sample output, against what it prints (stderr merged, as on a terminal)
            result = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=work, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
            result.stderr = result.stdout
            differs = sample_differs(shown[code], result.stdout)
            if differs and result.returncode == 0:
                result.returncode, result.stderr = 99, differs
        else:
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


# -- docs that cannot drift from what the tool prints (#20) ---------------------------------------


def test_the_email_length_range_in_the_docs_is_the_one_the_tool_warns_with(tmp_path):
    """Every "outside N to M words" in the docs is the range of the warning the email channel
    really gives (a five-word email, rendered by the tool)."""
    import datetime as dt

    from followup_script import Scriptwriter
    from followup_script.engine.stages import History, Outcome
    from followup_script.input.config import Config
    from followup_script.plugins.manager import build_plugin_manager

    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "three-day-check.md.j2").write_text("Subject: Thank you\n\nThank you for your time.\n")
    profile = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
    writer = Scriptwriter(Config(tmp_path / "c.toml", {"profile": profile}),
                          build_plugin_manager(load_entrypoints=False), templates_dir=tmp_path)
    day = dt.date(2026, 11, 25)
    plan = writer.plan(History(dt.date(2026, 11, 20), Outcome.NO_COMMITMENT), day)
    message = writer.write("email", plan, {"name": "Dana Reyes", "email": "dana@acme.example"}, profile, today=day)
    (warning,) = [w for w in message.warnings if "words" in w]
    low, high = re.search(r"(\d+) to (\d+)", warning).groups()
    said = [(path.name, m.groups()) for path in DOCS
            for m in re.finditer(r"outside (\d+) to (\d+)\s+words", path.read_text())]
    assert said, "the docs no longer say the email range"
    assert all(found == (low, high) for _, found in said), (warning, said)


def test_a_sample_with_elisions_is_checked_line_by_line():
    sample = "Stage:   three-day-check (attempt 1)\nWhy:     Nothing was committed ...\n...\nThank you.\n"
    printed = "Stage:   three-day-check (attempt 1)\nWhy:     Nothing was committed on Friday\na\nb\nThank you.\n"
    assert sample_differs(sample, printed) is None
    assert sample_differs(sample, printed.replace("attempt 1", "attempt 2")) is not None
    assert sample_differs(sample, printed.replace("Thank you.", "Thanks.")) is not None
    assert sample_differs("48 words\n", "50 words\n") is not None


MAKEFILE = ROOT / "Makefile"


def make_run_command() -> str:
    """The followup-script command `make run` ends with, as the Makefile has it."""
    recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", MAKEFILE.read_text(), re.M).group(1)
    joined = recipe.replace("\\\n", " ")
    line = next(x for x in joined.splitlines() if "followup-script" in x and "$(BIN)/followup-script" in x)
    return " ".join(line.strip().split()).replace("$(BIN)/", "")


def test_the_readme_sample_is_what_make_run_prints(tmp_path):
    """The README's first sample output is what `make run` writes for the example profile."""
    command = make_run_command()
    assert "--config examples/profile.toml" in command
    readme = samples(ROOT / "README.md")
    code, sample = next((c, s) for c, s in readme.items() if c.lstrip().startswith("followup-script --name"))
    (tmp_path / "run").mkdir()
    env = fresh_home_env(tmp_path / "run")
    printed = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=60)
    assert printed.returncode == 0, printed.stdout
    differs = sample_differs(sample, printed.stdout)
    assert differs is None, f"README.md's sample after\n{code}\nis not what `make run` prints:\n{differs}"
