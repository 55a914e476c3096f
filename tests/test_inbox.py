"""The inbox seam: the ``register_inboxes`` hook (its isolation and ``--strict-plugins``),
the example of docs/plugins.md run through ``sync``, what a message means
(:mod:`followup_script.inbox.classify`) and the ``[imap]`` settings."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import followup_script
from followup_script.errors import ConfigError
from followup_script.inbox import Event, Inbox
from followup_script.inbox.classify import back_on, event_of
from followup_script.inbox.imap import checked, password, search_terms
from followup_script.plugins.manager import build_plugin_manager
from tests.conftest import ok
from tests.inbox_server import bounce, mail

ROOT = Path(__file__).parent.parent
TODAY = "2026-11-27"


def docs_example() -> str:
    guide = (ROOT / "docs" / "plugins.md").read_text()
    section = guide.split("### `register_inboxes(register)`", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def pager_setup(home, tmp_path, texts):
    plugins = tmp_path / "plugins"
    plugins.mkdir(mode=0o700)
    (plugins / "pager.py").write_text(docs_example())
    saved = tmp_path / "texts.jsonl"
    saved.write_text("".join(json.dumps(t) + "\n" for t in texts))
    (home / "config.toml").write_text(f'[pager]\npath = "{saved}"\n')
    return plugins


def test_the_documented_inbox_plugin_stops_on_an_sms_stop(isolated_home, tmp_path, cli):
    plugins = pager_setup(isolated_home, tmp_path, [
        {"id": "SM1", "from": "+15559876543", "at": "2026-11-24T10:00:00+00:00", "text": "STOP"},
        {"id": "SM2", "from": "+15550001111", "at": "2026-11-24T11:00:00+00:00", "text": "Sounds good"},
        {"id": "SM3", "from": "+15552223333", "at": "2026-11-24T12:00:00+00:00", "text": "who is this?"},
    ])
    ok(cli, "contact", "add", "Dana Reyes", "--phone", "(555) 987-6543")
    ok(cli, "contact", "add", "Lee Park", "--phone", "+1 555 000 1111")
    for name in ("Dana Reyes", "Lee Park"):
        ok(cli, "log", name, "--outcome", "no-answer", "--via", "sms", "--date", "2026-11-16", "--today", TODAY)
    first = ok(cli, "--plugins-dir", plugins, "sync", "--today", TODAY, "--since", "2026-11-20")
    assert "Dana Reyes: opted out by SMS" in first.stdout and "marked stop" in first.stdout
    assert "Lee Park: replied on" in first.stdout
    dana = json.loads(ok(cli, "contact", "show", "Dana Reyes", "--json", "--today", TODAY).stdout)
    assert dana["stop"]["on"] == "2026-11-24"
    again = ok(cli, "--plugins-dir", plugins, "sync", "--today", TODAY, "--since", "2026-11-20")
    assert again.stdout.strip() == "sync: nothing new"


class Broken:
    @followup_script.hookimpl
    def register_inboxes(self, register):
        raise RuntimeError("no inbox today")


class Twin:
    @followup_script.hookimpl
    def register_inboxes(self, register):
        register(Inbox(name="imap", description="a second imap", read=lambda s, d, w: iter(())))


class NotAnInbox:
    @followup_script.hookimpl
    def register_inboxes(self, register):
        register("imap2")


def test_a_broken_inbox_plugin_is_reported_by_name_and_the_others_load():
    twin = Twin()
    plugins = build_plugin_manager(load_entrypoints=False, extra=[Broken(), twin, NotAnInbox()])
    winner = plugins.inboxes["imap"].plugin
    loser = next(e for e in plugins.errors if "is already registered" in e.error)
    assert loser.error == f"inbox 'imap' is already registered by {winner!r}; rename one of them"
    assert {loser.plugin, winner} == {"followup_script.plugins.builtin.imap", plugins.pm.get_name(twin)}
    errors = " | ".join(str(e) for e in plugins.errors)
    assert "register_inboxes raised RuntimeError: no inbox today" in errors
    assert "register() takes a followup_script.inbox.Inbox, not 'imap2'" in errors


def test_strict_plugins_makes_a_broken_inbox_plugin_an_error(isolated_home, tmp_path, cli):
    plugins = tmp_path / "plugins"
    plugins.mkdir(mode=0o700)
    (plugins / "broken.py").write_text(
        "import followup_script\n\n@followup_script.hookimpl\ndef register_inboxes(register):\n"
        "    raise RuntimeError('no inbox today')\n")
    ok(cli, "contact", "add", "Dana Reyes", "--email", "dana@acme.example")
    result = cli("--strict-plugins", "--plugins-dir", plugins, "sync", "--today", TODAY, "--inbox", "imap")
    assert result.returncode == 5
    assert "plugin 'broken': register_inboxes raised RuntimeError: no inbox today" in result.stderr


# -- what a message means ----------------------------------------------------------------------

WHEN = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("headers, subject", [
    ({"Auto-Submitted": "auto-replied"}, "Re: Following up"),
    ({"X-Autoreply": "yes"}, "Re: Following up"),
    ({"Precedence": "auto_reply"}, "Re: Following up"),
    ({}, "Automatic reply: Following up"),
    ({}, "Out of Office: back soon"),
    ({}, "Réponse automatique : absent"),  # RFC 2047 words
])
def test_auto_replies_are_recognised(headers, subject):
    event = event_of(mail("lee@globex.example", "ana@example.com", subject, "I am away until 4 December.",
                          headers=headers, when=WHEN), "imap")
    assert (event.kind, event.back_on) == ("auto-reply", dt.date(2026, 12, 4))


def test_auto_submitted_no_is_a_person():
    event = event_of(mail("lee@globex.example", "a@b.example", "Re: hi", "Yes!", headers={"Auto-Submitted": "no"},
                          when=WHEN), "imap")
    assert event.kind == "reply"


@pytest.mark.parametrize("text, expected", [
    ("I will be back on Monday, 7 December.", dt.date(2026, 12, 7)),
    ("Returning 2026-12-01; for urgent matters call Sam.", dt.date(2026, 12, 1)),
    ("Out of the office until Jan 4, 2027.", dt.date(2027, 1, 4)),
    ("I'm out until 3 January.", dt.date(2027, 1, 3)),  # a day before the message's: next year
    ("I am travelling with limited access to email.", None),
    ("Back on 31 February.", None),
])
def test_the_day_they_are_back(text, expected):
    assert back_on(text, dt.date(2026, 11, 20)) == expected


def test_a_bounce_names_the_failed_address_and_our_message():
    event = event_of(bounce("kim@hooli.example", "<ours-kim@example.com>"), "imap")
    assert (event.kind, event.address) == ("bounce", "kim@hooli.example")
    assert "<ours-kim@example.com>" in event.thread


def test_an_email_asking_to_stop_is_a_request_not_a_stop():
    event = event_of(mail("sam@gmail.com", "a@b.example", "Re: hi", "Please stop emailing me.\r\n\r\n> Hi Sam,"),
                     "imap")
    assert (event.kind, event.certain, event.excerpt) == ("stop-request", False, "Please stop emailing me.")
    quoted = event_of(mail("sam@gmail.com", "a@b.example", "Re: hi", "Thanks!\r\n> unsubscribe here"), "imap")
    assert quoted.kind == "reply"  # words in the quoted text are not theirs


def test_rfc2047_headers_are_decoded():
    event = event_of(mail("jose@acme.example", "a@b.example", "Re: Candidatura – Ingeniería de datos", "¡Sí!",
                          sender_name="José Núñez", in_reply_to="<ours@x.example>"), "imap")
    assert event.subject == "Re: Candidatura – Ingeniería de datos"
    assert (event.address, event.thread) == ("jose@acme.example", ("<ours@x.example>",) * 2)


def fields_only(raw: bytes, names, text: bool) -> bytes:
    """What IMAP's ``BODY.PEEK[HEADER.FIELDS (names)]`` (and, with ``text``, ``BODY.PEEK[TEXT]``)
    returns of ``raw``: those header lines with their folded continuations, a blank line, the text."""
    head, _, body = raw.partition(b"\r\n\r\n")
    wanted, lines, keep = {n.lower() for n in names}, [], False
    for line in head.split(b"\r\n"):
        if line[:1] not in (b" ", b"\t"):
            keep = line.split(b":", 1)[0].strip().decode("latin-1").lower() in wanted
        if keep:
            lines.append(line)
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body if text else b"")


def test_what_the_imap_inbox_fetches_is_all_a_message_means():
    """The IMAP inbox fetches a received message's INBOX_HEADERS and text, and a sent one's
    SENT_HEADERS alone: each message here means the same read whole and read as fetched (fails
    when a header it reads is dropped from a list, or a sent message is read from its text)."""
    from followup_script.inbox.classify import INBOX_HEADERS, SENT_HEADERS

    received = [
        mail("hr@acme.example", "ana@example.com", "Re: the role", "Sure.\r\n> old", in_reply_to="<ours@x.example>",
             headers={"Cc": "dana@acme.example", "X-Followup-Key": "key-1", "Reply-To": "r@acme.example"}),
        mail("priya@initrode.example", "ana@example.com", "Re: hi", "Away, back on 7 December.",
             headers={"Auto-Submitted": "auto-replied"}),
        mail("lee@globex.example", "ana@example.com", "Re: hi", "Away until Dec 4.", headers={"X-Autorespond": "1"}),
        mail("lee@globex.example", "ana@example.com", "Re: hi", "Away until Dec 4.", headers={"X-Autoreply": "1"}),
        mail("lee@globex.example", "ana@example.com", "Re: hi", "Back 2026-12-02.", headers={"Precedence": "auto_reply"}),
        mail("lee@globex.example", "ana@example.com", "Réponse automatique : absent", "Retour le 3 décembre."),
        bounce("kim@hooli.example", "<ours-kim@example.com>"),
        mail("postmaster@mx.example", "ana@example.com", "Failure", "no such user",
             headers={"X-Failed-Recipients": "kim@hooli.example"}),
        mail("sam@gmail.com", "ana@example.com", "Re: hi", "Please remove me from your list.", sender_name="Sám Ørtiz"),
        mail("jose@acme.example", "ana@example.com", "Re: Candidatura – datos", "¡Sí!", sender_name="José Núñez"),
    ]
    sent = [mail("ana@example.com", "Lee Park <lee@globex.example>", "Following up", "Hello Lee,",
                 headers={"X-Followup-Key": "key-lee", "Cc": "boss@globex.example"}, in_reply_to="<theirs@x>"),
            mail("ana@example.com", "undisclosed-recipients:;", "Note", "Hi", headers={"Cc": "kim@hooli.example"})]
    for raw in received:
        assert event_of(fields_only(raw, INBOX_HEADERS, text=True), "imap", WHEN) == event_of(raw, "imap", WHEN)
    kinds = {event_of(raw, "imap", WHEN).kind for raw in received}
    assert kinds == {"reply", "auto-reply", "bounce", "stop-request"}
    for raw in sent:
        assert event_of(fields_only(raw, SENT_HEADERS, text=False), "imap", WHEN, sent_folder=True) == \
            event_of(raw, "imap", WHEN, sent_folder=True)
    assert {"Subject", "Date", "Message-ID", "In-Reply-To", "References"} <= set(INBOX_HEADERS) & set(SENT_HEADERS)


def test_the_arrival_time_is_asked_for_only_when_the_date_cannot_be_read():
    """A function given as ``arrived`` (the IMAP inbox's: one more FETCH) is called for a message
    without a readable Date only, and its time is the event's."""
    asked = []

    def arrived():
        asked.append(1)
        return dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)

    dated = event_of(mail("lee@globex.example", "a@b.example", "Re: hi", "Yes.", when=WHEN), "imap", arrived)
    assert (dated.at, asked) == (WHEN, [])
    raw = mail("lee@globex.example", "a@b.example", "Re: hi", "Yes.").replace(b"Date: ", b"X-Old-Date: ")
    undated = event_of(raw, "imap", arrived)
    assert (undated.at, asked) == (dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), [1])


@given(st.binary(max_size=600))
def test_any_bytes_give_an_event_none_or_a_value_error(raw):
    try:
        found = event_of(raw, "imap", WHEN)
    except ValueError:
        return
    assert found is None or isinstance(found, Event)


# -- [imap] settings ---------------------------------------------------------------------------

@pytest.mark.parametrize("settings, needle", [
    ({}, "imap.host is not set"),
    ({"host": "imap example"}, "is not a server name"),
    ({"host": "h", "user": "u", "port": 70000}, "is not a port"),
    ({"host": "h", "user": "u", "security": "plain"}, "use ssl, starttls or none"),
    ({"host": "h"}, "imap.user is not set"),
    ({"host": "h", "user": "u", "password": "hunter2"}, "imap.password is never read from the config file"),
])
def test_imap_settings_are_checked(settings, needle):
    with pytest.raises(ConfigError, match=re.escape(needle)):
        checked(settings)


def test_the_password_comes_from_the_environment_or_a_command(monkeypatch):
    monkeypatch.setenv("IMAP_PW", "s3cret")
    assert password({"password_env": "IMAP_PW"}) == "s3cret"
    assert password({"password_command": "printf 'from-a-command\\n'"}) == "from-a-command"
    with pytest.raises(ConfigError, match="imap has no password source"):
        password({"user": "u"})


def test_the_server_searches_domains_and_plain_addresses():
    from followup_script.inbox import Watch

    senders, recipients = search_terms(Watch(addresses=frozenset({"dana@acme.example", "sam+jobs@gmail.com"})))
    assert senders == ["acme.example", "sam+jobs@gmail.com", "sam@gmail.com", "mailer-daemon", "postmaster"]
    assert recipients == ["dana@acme.example", "sam+jobs@gmail.com"]


def test_config_set_knows_the_imap_settings(cli):
    ok(cli, "config", "set", "imap.port", "993")
    refused = cli("config", "set", "imap.password", "hunter2")
    assert refused.returncode == 2 and "imap.password_command" in refused.stderr and "hunter2" not in refused.stderr
    assert cli("config", "set", "imap.security", "plain").returncode == 2
    ok(cli, "config", "set", "imap.keyring", "true")  # kept as text, as a secret-like key is
    assert checked({"host": "h", "user": "u", "keyring": "true"})["keyring"] is True
