"""``followup-script plugin new NAME`` scaffolds a channel plugin package whose own tests pass."""

import sys
import tomllib

import pytest

from .conftest import ok


class Outcome:
    """A pytest plugin counting what the inner run did."""

    def __init__(self):
        self.passed, self.failed = 0, []

    def pytest_runtest_logreport(self, report):
        if report.passed and report.when == "call":
            self.passed += 1
        elif report.failed:
            self.failed.append(report.longreprtext)


def test_plugin_new_writes_a_package_whose_tests_pass(cli, tmp_path, monkeypatch):
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
    # its own tests, run by pytest in this process, as `pytest` in the package folder would
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.chdir(package)
    outcome = Outcome()
    code = pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", str(package), "tests"], plugins=[outcome])
    sys.modules.pop("followup_script_outbox", None)
    assert code == 0 and outcome.passed == 5, outcome.failed


def test_plugin_new_refuses_a_bad_name_or_an_existing_folder(cli, tmp_path):
    for name in ("Outbox", "out box", "email", "-x"):
        refused = cli("plugin", "new", name, "--dir", tmp_path)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    ok(cli, "plugin", "new", "fax", "--dir", tmp_path)
    again = cli("plugin", "new", "fax", "--dir", tmp_path)
    assert again.returncode == 2 and "exists already" in again.stderr
