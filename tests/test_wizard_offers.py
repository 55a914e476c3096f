"""Only honest offers (#20): the wizard offers a delivery only when the contact has what the
channel needs and the channel is set up; otherwise one line says what to set. (What each
channel needs, and a contact without a phone for a text, are checked without a terminal in
tests/test_surfaces.py.)"""

from __future__ import annotations

from followup_script import Channel, Receipt, hookimpl
from followup_script.wizard.flow import Wizard
from followup_script.wizard.flow import ask as real_ask

from .conftest import PROFILE, TODAY
from .test_wizard import ENTER, drive, new_writer

NEW_DANA_NO_PHONE = ["Dana Reyes", ENTER, "Acme Analytics", ENTER, "Data Engineer", ENTER, "a", ENTER,
                     "dana@acme.example", ENTER, ENTER]
NEW_DANA_BOTH = ["Dana Reyes", ENTER, "Acme Analytics", ENTER, "Data Engineer", ENTER, "a", ENTER,
                 "dana@acme.example", ENTER, "+1 555 987 6543", ENTER]
WHAT_HAPPENED = ["g", ENTER, "a", ENTER, "2026-11-20", ENTER]


class Texts:
    """A channel of kind sms that delivers into a folder (as a Twilio stand-in would)."""

    def __init__(self, folder):
        self.folder = folder

    @hookimpl
    def register_channels(self, register):
        def deliver(message, context):
            (self.folder / "sent.txt").write_text(message.text)
            return Receipt(channel=message.channel, id="text-1")

        register(Channel("texts", "A text, into a folder", "sms", deliver=deliver))

    @hookimpl
    def register_template_dirs(self, register):
        folder = self.folder / "templates"
        (folder / "sms").mkdir(parents=True, exist_ok=True)
        (folder / "sms" / "three-day-check.txt.j2").write_text(
            "Hi, this is {{ me.name }}. Thank you for your time; any news on the role?\n")
        register(folder)


def recording(asked):
    def ask(question):
        asked.append(question)
        return real_ask(question)

    return ask


def menus(asked):
    return [q.values() for q in asked if q.message == "What now?"]


def test_email_without_an_smtp_server_is_not_offered_and_says_what_to_set(tmp_path, capsys):
    asked = []
    data = {"profile": dict(PROFILE), "defaults": {"channel": "email"}}
    session = Wizard(new_writer(tmp_path / "c.toml", data), TODAY, tmp_path / "t.sqlite3", clipboard=None,
                     ask=recording(asked))
    assert drive(session, *NEW_DANA_NO_PHONE, *WHAT_HAPPENED, ENTER, "q", ENTER, "n") == 0
    out = capsys.readouterr().out
    assert "deliver" not in menus(asked)[0]
    (line,) = [x for x in out.splitlines() if x.startswith("Delivery by email is not offered")]
    assert "followup-script config set email.host" in line


def test_a_text_is_confirmed_to_the_phone_number_not_the_email(tmp_path, capsys):
    asked = []
    data = {"profile": dict(PROFILE), "defaults": {"channel": "texts"}}
    writer = new_writer(tmp_path / "c.toml", data, extra=[Texts(tmp_path)])
    session = Wizard(writer, TODAY, tmp_path / "t.sqlite3", clipboard=None, ask=recording(asked))
    assert drive(session, *NEW_DANA_BOTH, *WHAT_HAPPENED, ENTER, "d", ENTER, "y", "q", ENTER) == 0
    confirm = [q.message for q in asked if q.message.startswith("Deliver this")]
    assert confirm == ["Deliver this texts to +1 555 987 6543 now?"]
    assert (tmp_path / "sent.txt").read_text().startswith("Hi, this is Ana Lima")


def test_email_with_an_smtp_server_is_offered_and_the_log_question_chooses_its_article(tmp_path, capsys):
    asked = []
    data = {"profile": dict(PROFILE), "defaults": {"channel": "email"}, "email": {"host": "127.0.0.1"}}
    session = Wizard(new_writer(tmp_path / "c.toml", data), TODAY, tmp_path / "t.sqlite3", clipboard=None,
                     ask=recording(asked))
    assert drive(session, *NEW_DANA_NO_PHONE, *WHAT_HAPPENED, ENTER, "l", ENTER, ENTER, "y", "q", ENTER) == 0
    assert "deliver" in menus(asked)[0]  # set up, with an address: offered
    assert "not offered" not in capsys.readouterr().out
    (log,) = [q.message for q in asked if q.message.startswith("Log ")]
    assert "then an email to Dana Reyes today" in log and "a email" not in log
