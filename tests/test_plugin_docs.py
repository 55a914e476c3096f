"""docs/plugins.md, read as an outside plugin author reads it (issue 17, finding 5): what a
channel's ``message.contact`` and ``message.profile`` really hold is what the page lists,
the page says who sets ``context.dry_run``, and the install steps the page and the
``plugin new`` scaffold give put the plugin where the ``followup-script`` a user runs
finds it (its own environment under pipx or ``uv tool``, which a bare ``pip`` misses); and
the courtesy guard's refusal of HTML a channel's ``finish`` wrote names that finish (finding 4);
the wizard saves an email channel of a kind of its own as .eml (finding 3)."""

import datetime as dt
import email
import email.policy
import json
import re
import textwrap
from pathlib import Path

import followup_script
from followup_script import Channel
from followup_script.cli.plugin_new import scaffold
from followup_script.input.settings import PROFILE_KEYS
from followup_script.input.values import MESSAGE_FIELDS, SCRIPT_CONTACT_FIELDS

from .conftest import PROFILE, TODAY, ok
from .test_wizard import ENTER, Wizard, drive, new_writer, tracker_at

PAGE = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")

SPY = """
import json
import followup_script


def finish(message, job):
    message.warnings.append("KEYS " + json.dumps([sorted(message.contact), sorted(message.profile)]))


@followup_script.hookimpl
def register_channels(register):
    register(followup_script.Channel(name="spy", description="spy", kind="voicemail", finish=finish))
"""


def bullet(start: str) -> str:
    """The bullet of the page's 'objects a channel meets' list that starts with ``start``."""
    at = PAGE.index(f"- {start}")
    end = PAGE.find("\n- ", at + 1)
    return PAGE[at:end]


def test_every_key_a_message_holds_is_listed(cli, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    (folder / "spy.py").write_text(textwrap.dedent(SPY))
    config = tmp_path / "config.toml"
    config.write_text('[profile]\nname = "Ana Lima"\nphone = "+1 555 123 4567"\nemail = "ana@example.com"\n'
                      'timezone = "America/New_York"\nclock = "12h"\nregion = "US"\ncall_hours = "09:00-17:00"\n'
                      'callback_window = "on weekdays"\n')
    result = ok(cli, "--plugins-dir", folder, "--config", config, "--name", "Dana Reyes", "--company", "Acme",
                "--role", "Data Engineer", "--phone", "+1 555 222 3333", "--email", "dana@acme.example",
                "--first-name", "Dana", "--greeting", "Hi Dana,", "--timezone", "Europe/London",
                "--call-window", "09:00-17:00", "--topic", "the salary range",
                "--update", "I finished the AWS certification.", "--last-contact", "2026-11-20",
                "--today", "2026-11-25", "--channel", "spy")
    contact, profile = map(set, json.loads(re.search(r"KEYS (.*)", result.stderr).group(1)))
    assert (contact, profile) == (set(SCRIPT_CONTACT_FIELDS + MESSAGE_FIELDS), set(PROFILE_KEYS))  # all given
    listed = bullet("`Message`")
    for key in contact:
        assert f"`{key}`" in listed.partition("`contact`")[2], f"message.contact[{key!r}] is not on the page"
    for key in profile:
        assert f"`{key}`" in listed.partition("`profile`")[2].partition("`contact`")[0], key


def test_the_page_says_who_asks_for_a_dry_run():
    said = bullet("`DeliveryContext`")
    assert "dry_run=True" in said and "deliver(" in said, said


def test_install_steps_use_the_tools_own_environment(tmp_path):
    install = re.search(r"```bash\n(.*?followup-script-outbox\n.*?)```", PAGE[PAGE.index("### A complete"):], re.S)
    assert install, "docs/plugins.md lost its install steps"
    assert install.group(1).startswith("followup-script install -e ./followup-script-outbox\n")
    readme = (scaffold("outbox", tmp_path) / "README.md").read_text()
    assert "followup-script install -e ." in readme


SHOUTY = """
import followup_script
from followup_script import Channel, Receipt
from followup_script.channels import email


class Shouty(Channel):
    name, kind, description = "shouty", "email", "an email channel whose finish shouts in the HTML"

    def finish(self, message, job):
        email.finish(message, job)
        message.html += "<p>FINAL NOTICE: reply ASAP!!!</p>"

    def deliver(self, message, context):
        return Receipt(channel=self.name, id="s-1")


@followup_script.hookimpl
def register_channels(register):
    register(Shouty())
"""


def test_html_a_finish_wrote_is_refused_naming_the_finish_not_only_the_template(cli, tmp_path):
    """Finding 4's plugin: the error leads its author to the finish that wrote the HTML."""
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    (folder / "shouty.py").write_text(textwrap.dedent(SHOUTY))
    refused = cli("--plugins-dir", folder, "--name", "Dana Reyes", "--email", "dana@acme.example",
                  "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--from-email", "ana@example.com",
                  "--last-contact", "2026-11-20", "--today", "2026-11-25", "--channel", "shouty")
    assert refused.returncode == 4, refused.stderr
    assert "the HTML of the shouty script" in refused.stderr and "FINAL NOTICE" in refused.stderr
    assert "or what the finish of channel 'shouty' (plugin shouty) puts in the HTML" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_the_wizard_saves_an_email_channel_of_its_own_kind_as_eml(tmp_path, capsys, monkeypatch):
    """Finding 3's channel (a kind of its own, email=True) in the wizard: its suggested file is
    the .eml the core can build for it, as `--format eml` writes, not the bare text."""
    class Outlook:
        @followup_script.hookimpl
        def register_channels(self, register):
            register(Channel(name="outlook", description="a kind of its own", kind="outlook", email=True))

    db = tmp_path / "tracker.sqlite3"
    with tracker_at(db) as tracker:
        tracker.add_contact({"name": "Dana Reyes", "company": "Acme Analytics", "email": "dana@acme.example"})
        tracker.log("Dana Reyes", "no-commitment", via="call", at=dt.date(2026, 11, 20), today=TODAY)
    monkeypatch.chdir(tmp_path)
    writer = new_writer(tmp_path / "config.toml", {"profile": dict(PROFILE)}, extra=[Outlook()])
    session = Wizard(writer, TODAY, db, clipboard=None)
    code = drive(session, "Dana Reyes", ENTER, ENTER,  # nothing new
                 "3", ENTER,  # call, email, outlook, voicemail
                 "s", ENTER, ENTER, "q", ENTER)  # save to the suggested file
    out = capsys.readouterr().out
    assert code == 0, out
    saved = tmp_path / "followup-dana-reyes-outlook.eml"
    assert saved.is_file(), sorted(p.name for p in tmp_path.iterdir())
    msg = email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "Dana Reyes <dana@acme.example>" and msg.get_content_type() == "multipart/alternative"
