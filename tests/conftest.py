"""Shared fixtures: an isolated home, a writer with only the built-in channels,
the command line run in this process (``cli``) or as the installed command in a
subprocess (``installed_cli``), and the hypothesis profiles."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from followup_script import Scriptwriter, _speedups
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

# -- the test-only plugins (tests/plugin_packages/) ----------------------------------------------
# They never enter the user's .venv (no fake channel in their `channels`, wizard or --help):
# pip installs them, without dependencies, into build/test-plugins/<digest of their files>/,
# and this session puts that folder on sys.path and on PYTHONPATH (for the subprocesses), where
# importlib.metadata finds their entry points as it finds any installed distribution's.
ROOT = Path(__file__).resolve().parent.parent


def install_test_plugins() -> Path:
    """The folder the test-only plugins are installed in (installed on first use, again
    whenever one of their files changes)."""
    import hashlib

    packages = sorted(p.parent for p in (ROOT / "tests" / "plugin_packages").glob("*/pyproject.toml"))
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(package.parent)).encode() + b"\0" + path.read_bytes())
    site = ROOT / "build" / "test-plugins" / digest.hexdigest()[:16]
    if not (site / ".complete").is_file():
        partial = site.with_name(f"{site.name}.{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "--no-deps", "--no-build-isolation", "--no-index", "--target", str(partial),
                        *map(str, packages)], check=True, capture_output=True)
        (partial / ".complete").touch()
        try:
            partial.rename(site)
        except OSError:  # another session (an xdist worker) installed it first
            shutil.rmtree(partial, ignore_errors=True)
    return site


TEST_PLUGINS = str(install_test_plugins())
if TEST_PLUGINS not in sys.path:
    sys.path.append(TEST_PLUGINS)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), TEST_PLUGINS]))

PROFILE = {
    "name": "Ana Lima",
    "phone": "+1 555 123 4567",
    "email": "ana.lima@example.com",
    "callback_window": "any weekday between 9 and 5",
}
CONTACT = {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
           "email": "dana@acme.example"}
TODAY = dt.date(2026, 11, 25)  # a Wednesday

COMMAND = shutil.which("followup-script", path=str(Path(sys.executable).parent)) or "followup-script"

# -- hypothesis profiles -------------------------------------------------------------------------
# Reproducible (derandomize, no example database) and patient (no deadline: this machine is
# shared and noisy). The property tests size their runs from the profile's max_examples:
# "dev" (the default) and "ci" run 1,000 examples for the engine properties (#13: the
# default is 1,000; the suite stays under its 100 s on both cores); "fuzz" runs 10,000 and
# is what `make fuzz` uses (run it before any change to the engine).
_COMMON = dict(derandomize=True, database=None, deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=1000, **_COMMON)
settings.register_profile("ci", max_examples=1000, **_COMMON)
settings.register_profile("fuzz", max_examples=10_000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Never read or write the real user's config, data or plugins."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_DB", str(home / "tracker.sqlite3"))
    monkeypatch.setenv("FOLLOWUP_SCRIPT_LOAD_PLUGINS", "")
    monkeypatch.delenv("FOLLOWUP_SCRIPT_DEBUG", raising=False)
    from followup_script.plugins import manager as plugins

    plugins.reset()
    yield home
    plugins.reset()


@pytest.fixture
def config(tmp_path):
    return Config(tmp_path / "config.toml", {"profile": dict(PROFILE)})


@pytest.fixture
def builtin_plugins():
    return build_plugin_manager(load_entrypoints=False)


@pytest.fixture
def writer(config, builtin_plugins):
    return Scriptwriter(config, builtin_plugins)


# -- the command line ----------------------------------------------------------------------------


@dataclass
class Ran:
    """What one run of the command gave: like ``subprocess.CompletedProcess``, plus
    ``output``, stdout and stderr interleaved in the order they were written."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    output: str


def _text(data: bytes) -> str:
    # as subprocess.run(text=True) reads a pipe: UTF-8, universal newlines
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


@contextlib.contextmanager
def interpreter_warnings():
    """Warnings as a fresh ``python`` shows them: its default filters, each printed to
    (the captured) stderr when it is raised, instead of being collected by pytest."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: sys.stderr.write(
            warnings.formatwarning(message, category, filename, lineno, line))
        yield


def run_cli(*args, env: dict | None = None, cwd=None) -> Ran:
    """Run ``followup-script ARGS`` in this process, as the installed command runs it.

    It calls ``followup_script.cli.main`` (what the entry point calls) inside click's
    ``CliRunner`` isolation: stdin is empty and not a terminal, stdout and stderr are
    captured apart, ``env`` is laid over the environment for this run only, the help is
    as wide as COLUMNS (80 unless ``env`` says otherwise, as for a pipe). Each run starts
    from the state a new process has: no plugins loaded, no plugin commands or
    ``--plugins-dir`` left from an earlier run.
    """
    from click import formatting
    from click.testing import CliRunner

    from followup_script.cli import cli, main
    from followup_script.plugins import manager

    argv = [str(a) for a in args]
    runner = CliRunner()  # click >= 8.2: stderr is kept apart from stdout
    group_state, commands = dict(vars(cli)), dict(cli.commands)
    here = os.getcwd()
    manager.set_plugins_dir(None)
    manager.reset()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with runner.isolation(env={"COLUMNS": "80", **(env or {})}) as (out, err, both):
            formatting.FORCED_WIDTH = None  # the width comes from COLUMNS, as in a real run
            with interpreter_warnings():  # shown on stderr, as a new interpreter shows them
                try:
                    code = main(argv)
                except SystemExit as exc:
                    code = _exit_code(exc)
                except Exception:  # what the interpreter does with an uncaught error (--debug)
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
            # read before the isolation ends: click < 8.3.2 closes the buffers at its end
            shown = (_text(out.getvalue()), _text(err.getvalue()), _text(both.getvalue()))
    finally:
        os.chdir(here)
        vars(cli).clear()
        vars(cli).update(group_state)
        cli.commands = commands
        manager.set_plugins_dir(None)
        manager.reset()
    return Ran(argv, code, *shown)


def run_installed(*args, env=None, input=None, timeout=60, cwd=None):
    """Run the installed command in a subprocess; returns CompletedProcess with text output."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [COMMAND, *map(str, args)], capture_output=True, text=True, env=full_env,
        input=input, timeout=timeout, cwd=cwd,
    )


@pytest.fixture
def cli():
    """The command line, run in this process (see :func:`run_cli`)."""
    return run_cli


@pytest.fixture
def installed_cli():
    """The installed command in a subprocess, for what only a real process shows."""
    return run_installed


def ok(cli, *args, **kwargs):
    """Run a command that must succeed: exit 0, no traceback."""
    result = cli(*args, **kwargs)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def one_error_line(result, *needles, code: int = 2) -> str:
    """Exit ``code``, nothing on stdout, and one line on stderr, ``followup-script: error: …``,
    holding each of ``needles``: no internal error, no traceback. The line is returned."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("followup-script: error: "), lines[0]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert result.stdout == ""
    return lines[0]


@pytest.fixture(params=["on", "off"])
def speedups(request, monkeypatch):
    """Each test runs with the speed tricks on and with them off (tests/test_speedups.py,
    tests/test_one_render.py)."""
    if request.param == "off":
        monkeypatch.setenv(_speedups.ENV_OFF, "1")
    else:
        monkeypatch.delenv(_speedups.ENV_OFF, raising=False)
    return request.param
