"""What sync asks the IMAP server for, and what it keeps (#18: read-only, headers and a few KB, no bodies).

The commands are read as the server (pymap on 127.0.0.1) received them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3

import pytest

from followup_script.inbox import Event, Watch
from tests.conftest import ok
from tests.inbox_server import USER, mail
from tests.test_sync import ENV, TODAY, add, imap, server  # noqa: F401 (the fixtures)

SECRET_WORDS = "Zanzibar-quartz-pelican"
WHEN = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_sync_examines_peeks_at_4_kb_and_keeps_no_subject_or_body(imap, isolated_home, cli):  # noqa: F811
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    long_text = f"Yes, let's talk. {SECRET_WORDS} in the body.\n" + "More words here.\n" * 2000  # ~34 KB
    imap.add([mail("dana@acme.example", USER, f"Re: the role {SECRET_WORDS}", long_text,
                   when=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))])
    imap.add([mail(USER, "dana@acme.example", "Following up", f"Hello Dana, {SECRET_WORDS}",
                   when=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))], folder="Sent")
    imap.commands.clear()
    out = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV).stdout
    assert "Dana Reyes: replied on Monday 23 November 2026" in out

    sent = [line.decode("utf-8", "replace").upper() for line in imap.commands]
    assert not any(" SELECT " in line for line in sent)  # EXAMINE only: nothing can change
    assert sum(" EXAMINE " in line for line in sent) == 2  # INBOX and Sent
    searches = [line for line in sent if " SEARCH " in line]
    assert searches and all("SINCE 01-NOV-2026" in line for line in searches)
    assert any("FROM ACME.EXAMPLE" in line or 'FROM "ACME.EXAMPLE"' in line for line in searches)
    fetches = [line for line in sent if " FETCH " in line]
    assert len(fetches) == 2  # one in INBOX, one in Sent: every message has a Date (no INTERNALDATE asked)
    for line in fetches:
        assert "BODY[" not in line.replace("BODY.PEEK[", "")  # every part peeked: nothing marked read
        assert "BODY.PEEK[HEADER.FIELDS (" in line and "RFC822" not in line and "INTERNALDATE" not in line
    inbox, outbox = fetches
    assert "BODY.PEEK[TEXT]<0.4096>" in inbox  # never the whole body
    assert "TEXT" not in outbox and "FROM" not in outbox  # what was sent is told by its headers
    assert imap.flags() == [[]]

    dump = "\n".join(sqlite3.connect(isolated_home / "tracker.sqlite3").iterdump())
    assert "dana@acme.example" in dump  # what was logged is there...
    assert SECRET_WORDS not in dump and "the role" not in dump  # ...but no subject and no body


def arrived(imap_server, raw: bytes, when: dt.datetime, folder: str = "INBOX") -> None:
    """Put ``raw`` in ``folder`` as the server received it at ``when`` (its INTERNALDATE)."""
    from pymap.parsing.message import AppendMessage

    async def append():
        box = await (await imap_server._session_mailboxes()).get_mailbox(folder)
        await box.append(AppendMessage(raw, when, frozenset()))

    imap_server.call(append())


def test_a_message_without_a_date_is_dated_by_its_arrival(imap, isolated_home, cli):  # noqa: F811
    """The server's arrival time is fetched for the one message whose Date cannot be read,
    and the reply is logged on that day (not on the day sync runs)."""
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    add(cli, "Lee Park", "--email", "lee@globex.example")
    undated = mail("dana@acme.example", USER, "Re: hi", "Yes, let's talk.").replace(b"\r\nDate: ", b"\r\nX-Date: ")
    arrived(imap, undated, dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC))
    imap.add([mail("lee@globex.example", USER, "Re: hi", "Thanks.", when=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC))])
    imap.commands.clear()
    out = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV).stdout
    assert "Dana Reyes: replied on Sunday 22 November 2026" in out
    assert "Lee Park: replied on Tuesday 24 November 2026" in out
    asked = [line.decode().upper() for line in imap.commands if b"INTERNALDATE" in line.upper()]
    assert len(asked) == 1 and re.search(r" UID FETCH \d+ \(INTERNALDATE\)", asked[0])  # Dana's message alone


def test_a_long_run_shows_its_progress_on_a_terminal(imap, isolated_home, monkeypatch, capsys):  # noqa: F811
    """A count on stderr every 200 messages read, when stderr is a terminal (a real pty here)."""
    import io
    import os

    from followup_script.cli.app import main

    add(None, "Dana Reyes", "--email", "dana@acme.example")
    imap.add([mail("dana@acme.example", USER, f"Re: hi {n}", "Yes.", message_id=f"<r{n}@acme.example>",
                   when=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)) for n in range(400)])
    leader, follower = os.openpty()
    terminal = io.TextIOWrapper(os.fdopen(follower, "wb", buffering=0), encoding="utf-8", write_through=True)
    monkeypatch.setattr("sys.stderr", terminal)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    try:
        assert main(["sync", "--today", TODAY, "--since", "2026-11-01", "--dry-run"]) in (0, None)
        shown = os.read(leader, 65536).decode("utf-8")
    finally:
        terminal.close()
        os.close(leader)
    assert "imap: 200 messages read" in shown and "imap: 400 messages read" in shown
    assert "sync (dry run, nothing logged)" in capsys.readouterr().out


def test_a_stopped_contact_writing_again_and_our_own_email_in_sent_log_nothing(imap, isolated_home, cli):  # noqa: F811
    """A reply from someone marked stop is said, not logged (the stop stays); an email the tracker
    delivered by SMTP, seen again in Sent by its Message-ID, was logged when it went."""
    from followup_script.tracker.service import Tracker
    from tests.test_sync import contact_json, delivered

    add(cli, "Sam Ortiz", "--email", "sam@initech.example")
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    with Tracker.open() as tracker:
        tracker.stop("Sam Ortiz", dt.date(2026, 11, 18), "asked to stop")
    delivered(isolated_home, "Dana Reyes", "key-dana", "email", "<ours-dana@example.com>")
    before = {name: contact_json(cli, name)["touches"] for name in ("Sam Ortiz", "Dana Reyes")}
    imap.add([mail("sam@initech.example", USER, "Re: hi", "Why are you still writing?",
                   when=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))])
    imap.add([mail(USER, "dana@acme.example", "Following up", "Hello Dana,", message_id="<ours-dana@example.com>",
                   when=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))], folder="Sent")
    out = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV).stdout
    assert "Sam Ortiz: wrote on Monday 23 November 2026; marked stop already, nothing logged" in out
    assert out.strip().splitlines()[-1] == "sync: 1 message from a stopped contact, 1 sent message already logged"
    sam = contact_json(cli, "Sam Ortiz")
    assert sam["stop"]["on"] == "2026-11-18" and sam["plan"]["stage"] == "stopped"
    assert {name: contact_json(cli, name)["touches"] for name in before} == before
    assert ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV).stdout.strip() == "sync: nothing new"


def test_numbers_are_read_once_in_your_country_only_when_they_need_it(tmp_path):
    """Sync reads each tracked number once (the watch and the matcher are one reading); a number
    written without its country code is read in your number's country, which is worked out (with
    phonenumbers) once, and not at all when every number has its code."""
    from followup_script.tracker.service import Tracker
    from followup_script.tracker.sync import Matcher, watched

    asked: list[str] = []

    def region() -> str:
        asked.append("GB")
        return "GB"

    with Tracker.open(tmp_path / "tracker.sqlite3") as tracker:
        tracker.add_contact({"name": "Dana Reyes", "email": "Dana@Acme.example", "phone": "+1 555 123 4567"})
        tracker.add_contact({"name": "Lee Park", "email": "lee@globex.example"})
        assert Matcher(tracker.store, region).watched()["phones"] == {"+15551234567"} and asked == []
        tracker.add_contact({"name": "Ola Nordmann", "phone": "020 7946 0958"})
        tracker.add_contact({"name": "Kim Lu", "phone": "020 7946 0959"})
        matcher = Matcher(tracker.store, region)
        found = matcher.watched()
        assert found == {"addresses": {"dana@acme.example", "lee@globex.example"},
                         "phones": {"+15551234567", "+442079460958", "+442079460959"}, "message_ids": set()}
        assert asked == ["GB"]  # once, for two numbers
        assert watched(tracker.store, "GB") == found
        assert set(matcher.by_phone) == found["phones"]
        asked.clear()
        unread = Matcher(tracker.store, region)  # what an email-only sync makes: no number parsed
        assert unread.match(Event("reply", "imap", "<m@x>", WHEN, address="dana@acme.example"))[0] is not None
        assert unread._by_phone is None and asked == []
        assert unread.match(Event("reply", "sms", "SM1", WHEN, phone="+442079460958"))[0] is not None
        assert asked == ["GB"]


def test_an_inbox_reads_the_numbers_when_it_asks_for_them():
    """A Watch made with a function for its numbers calls it the first time ``phones`` is read,
    once; the Watch is read-only and equal to one made with the numbers."""
    from dataclasses import FrozenInstanceError

    calls = []

    def numbers():
        calls.append(1)
        return ["+15551234567"]

    watch = Watch(addresses={"dana@acme.example"}, phones=numbers)
    assert calls == [] and watch.addresses == frozenset({"dana@acme.example"})
    assert watch.phones == frozenset({"+15551234567"}) == watch.phones and calls == [1]
    assert watch == Watch(addresses=frozenset({"dana@acme.example"}), phones=frozenset({"+15551234567"}))
    with pytest.raises(FrozenInstanceError):
        watch.addresses = frozenset()  # type: ignore[misc]


def test_an_email_only_sync_of_contacts_with_numbers_does_not_load_phonenumbers(imap, isolated_home):  # noqa: F811
    """The IMAP inbox reads addresses only: the tracked numbers are left unparsed (phonenumbers,
    16 ms to import, is not loaded), and the reply is still found and logged."""
    import subprocess
    import sys

    from followup_script.tracker.service import Tracker

    with Tracker.open() as tracker:
        tracker.add_contact({"name": "Dana Reyes", "email": "dana@acme.example", "phone": "+1 555 123 4567"})
        tracker.add_contact({"name": "Ola Nordmann", "email": "ola@firm.example", "phone": "020 7946 0958"})
    imap.add([mail("dana@acme.example", USER, "Re: hi", "Yes.", when=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))])
    code = ("import sys\nfrom followup_script.cli.app import main\n"
            f"main(['sync', '--today', '{TODAY}', '--since', '2026-11-01'])\n"
            "print('phonenumbers loaded:', 'phonenumbers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **ENV})
    assert done.returncode == 0, done.stderr
    assert "Dana Reyes: replied on Monday 23 November 2026" in done.stdout
    assert "phonenumbers loaded: False" in done.stdout
