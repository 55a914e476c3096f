"""``followup-script install`` and ``uninstall``: plugins go into the environment this
command runs in, as ``llm install`` and ``datasette install`` do.

Under pipx or ``uv tool`` that environment is not the one ``pip`` on PATH installs into:
``sys.executable -m pip`` is, and where the environment has no pip (``uv tool``), ``uv
pip --python sys.executable``.
"""

from __future__ import annotations

import subprocess
import sys

import click

from followup_script.errors import FollowupError, InputError

#: the distribution this command is: uninstalling it from inside would leave no command
CORE = "followup-script"


class InstallError(FollowupError):
    """pip (or uv) did not finish; what it said is above this line."""

    exit_code = 3


def installer() -> list[str]:
    """The command that installs into this command's own environment."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    uv = shutil.which("uv")
    if uv is not None:  # uv tool environments have no pip
        return [uv, "pip"]
    raise InputError(
        f"there is no pip in followup-script's environment ({sys.prefix}) and no uv on PATH; "
        "reinstall with the plugin included, e.g. uv tool install followup-script --with followup-script-sms"
    )


def run_installer(verb: str, args: list[str], pip_only: tuple[str, ...] = ()) -> None:
    """``pip VERB ARGS`` (or ``uv pip VERB ARGS --python THIS``), its output shown as it comes."""
    command = installer()
    with_pip = command[0] == sys.executable
    full = [*command, verb, *args, *(pip_only if with_pip else ("--python", sys.executable))]
    done = subprocess.run(full)
    if done.returncode != 0:
        tool = "pip" if with_pip else "uv pip"
        raise InstallError(f"{tool} {verb} {' '.join(args)} failed (exit {done.returncode}); what it said is above")


def normalized(name: str) -> str:
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


@click.command()
@click.argument("packages", nargs=-1)
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade the packages to their newest version.")
@click.option("-e", "--editable", metavar="PATH", help="Install the plugin in PATH in editable mode.")
@click.option("--force-reinstall", is_flag=True, help="Reinstall even if it is up to date.")
def install(packages, upgrade, editable, force_reinstall):
    """Install plugins into followup-script's own environment (pipx, uv tool, venv).

    PACKAGES are names on PyPI, wheel files or folders, as pip takes them.

    \b
      followup-script install followup-script-sms
      followup-script install --upgrade followup-script-gmail
    """
    if not packages and not editable:
        raise InputError("say which plugin to install, e.g. followup-script install followup-script-sms")
    args = [*packages]
    if editable:
        args += ["--editable", editable]
    if upgrade:
        args.append("--upgrade")
    if force_reinstall:
        args.append("--force-reinstall")
    run_installer("install", args)


@click.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask first.")
def uninstall(packages, yes):
    """Uninstall plugins from followup-script's own environment.

    \b
      followup-script uninstall followup-script-sms --yes
    """
    if any(normalized(p) == CORE for p in packages):
        raise InputError(
            "followup-script cannot uninstall itself; use the tool that installed it "
            "(pipx uninstall followup-script, uv tool uninstall followup-script or pip uninstall followup-script)"
        )
    if not yes:
        if not sys.stdin.isatty():
            raise InputError(f"uninstalling {', '.join(packages)} needs a yes: add --yes")
        click.confirm(f"Uninstall {', '.join(packages)} from {sys.prefix}?", abort=True)
    run_installer("uninstall", list(packages), pip_only=("--yes",))
