"""``followup-script plugin new NAME`` scaffolds a channel plugin package whose own tests pass."""

import os
import subprocess
import sys
import tomllib

from .conftest import ok


def test_plugin_new_writes_a_package_whose_tests_pass(cli, tmp_path):
    result = ok(cli, "plugin", "new", "outbox", "--dir", tmp_path)
    package = tmp_path / "followup-script-outbox"
    assert str(package) in result.stdout
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == ["followup-script>=0.2"]
    assert project["entry-points"]["followup_script"] == {"outbox": "followup_script_outbox"}
    assert "pytest-httpserver" in project["optional-dependencies"]["test"]
    assert "followup-script plugin new outbox" in (package / "README.md").read_text()
    code = (package / "followup_script_outbox.py").read_text()
    assert "followup_script.plugins" not in code and "followup_script.writing" not in code  # public API only
    env = {**os.environ, "PYTHONPATH": str(package)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=package, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout


def test_plugin_new_refuses_a_bad_name_or_an_existing_folder(cli, tmp_path):
    for name in ("Outbox", "out box", "email", "-x"):
        refused = cli("plugin", "new", name, "--dir", tmp_path)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    ok(cli, "plugin", "new", "fax", "--dir", tmp_path)
    again = cli("plugin", "new", "fax", "--dir", tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr
