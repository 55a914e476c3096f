"""``followup-script sync`` end to end against a real IMAP server (pymap on 127.0.0.1).

The server (tests/inbox_server.py) starts once for this module; each test empties
its mailboxes. Deliveries the tracker made are recorded through the tracker's own
store, as ``next --deliver`` records them (their receipts carry the Message-IDs and
the Gmail draft's id a reply or a sent draft is matched by).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ok, one_error_line
from tests.inbox_server import PASSWORD, USER, ImapServer, bounce, mail, noise

TODAY = "2026-11-27"
ENV = {"IMAP_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def server():
    imap = ImapServer().start()
    yield imap
    imap.stop()


@pytest.fixture
def imap(server, isolated_home):
    server.reset()
    server.drop_at_fetch, server.fetches = None, 0
    write_config(isolated_home, server.port)
    return server


def write_config(home, port, **imap) -> None:
    table = {"host": "127.0.0.1", "port": port, "user": USER, "password_env": "IMAP_PASSWORD",
             "security": "none", **imap}
    lines = ["[profile]", 'name = "Ana Lima"', 'phone = "+1 555 123 4567"', f'email = "{USER}"', "", "[imap]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    (home / "config.toml").write_text("\n".join(lines) + "\n")


def add(cli, name, *extra, last="2026-11-13", via="email", outcome="no-answer"):
    """``contact add NAME --email X ...`` and ``log NAME`` (through the library: the command
    line's own tests cover those commands; here they only set the scene, quickly)."""
    from followup_script.tracker.service import Tracker

    fields = {"name": name, **{extra[i].lstrip("-"): extra[i + 1] for i in range(0, len(extra), 2)}}
    with Tracker.open() as tracker:  # FOLLOWUP_SCRIPT_DB: the isolated home's tracker
        tracker.add_contact(fields)
        if last:
            tracker.log(name, outcome, via, dt.date.fromisoformat(last), today=dt.date.fromisoformat(TODAY))


def delivered(home, name, key, channel, receipt_id, touch=True):
    """A delivery the tracker made to ``name`` (as deliver_once records one)."""
    from followup_script.tracker.service import Tracker

    with Tracker.open(home / "tracker.sqlite3") as tracker:
        store = tracker.store
        with store.write():
            contact = tracker.find(name)
            store.start_delivery(key, channel, contact.id)
            store.finish_delivery(key, "done", receipt=json.dumps({"channel": channel, "id": receipt_id}))
            if touch:
                tracker.record_delivery(contact, "email", dt.date(2026, 11, 20),
                                        f"delivered by {channel}: {receipt_id}")


def sync(cli, *args):
    return cli("sync", "--today", TODAY, "--since", "2026-11-01", *args, env=ENV)


def contact_json(cli, name):
    return json.loads(ok(cli, "contact", "show", name, "--json", "--today", TODAY).stdout)


def seed_everything(imap, home, cli, unrelated=0):
    add(cli, "Dana Reyes", "--email", "Dana.Reyes+jobs@acme.example", "--company", "Acme")
    add(cli, "Lee Park", "--email", "lee@globex.example", last=None)
    add(cli, "Priya Nair", "--email", "priya@initrode.example")
    add(cli, "Kim Lu", "--email", "kim@hooli.example")
    add(cli, "Sam Ortiz", "--email", "sam.ortiz@gmail.com")
    add(cli, "No Address")
    delivered(home, "Dana Reyes", "key-dana", "email", "<ours-dana@example.com>")
    delivered(home, "Lee Park", "key-lee", "gmail", "r-draft-7")
    imap.add(noise(unrelated))
    imap.add([
        # a reply in the thread, from a colleague's address at the same company
        mail("hr@acme.example", USER, "Re: Following up on the Data Engineer role",
             "Dana asked me to set up a call.\r\n\r\n> earlier text", in_reply_to="<ours-dana@example.com>",
             when=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)),
        mail("priya@initrode.example", USER, "Automatic reply: Following up",
             "I am out of the office and back on Monday 7 December.",
             headers={"Auto-Submitted": "auto-replied"}, when=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)),
        bounce("kim@hooli.example", "<ours-kim@example.com>"),
        mail("sam.ortiz@gmail.com", USER, "Re: Candidature – Développeur", "Merci. Please remove me from your "
             "list, I have filled the role.", sender_name="Sám Ørtiz",
             when=dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)),
        mail("someone@unknown.example", USER, "Hello", "Not tracked."),
    ])
    imap.add([mail(USER, "lee@globex.example", "Following up on the Analyst role", "Hello Lee,",
                   headers={"X-Followup-Key": "key-lee"}, when=dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.UTC))],
             folder="Sent")


def test_sync_end_to_end(imap, isolated_home, cli):
    """Done when: the weekly series stops after the reply, the sent Gmail draft is logged once,
    the auto-reply offers a snooze, the bounce is shown; a second run logs nothing new."""
    seed_everything(imap, isolated_home, cli)
    before = json.loads(ok(cli, "due", "--json", "--today", TODAY, "--within", "30").stdout)
    assert "Dana Reyes" in [row["name"] for row in before]

    first = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV)
    out = first.stdout
    assert "Dana Reyes: replied on" in out and "the follow-ups stop" in out
    assert "Lee Park: the gmail draft was sent on 2026-11-24" in out
    assert "Priya Nair: out of the office until" in out and "snooze 'Priya Nair' --until 2026-12-07" in out
    assert "Kim Lu: a message to kim@hooli.example bounced" in out
    assert "Sam Ortiz:" in out and "may ask to stop" in out and "followup-script stop 'Sam Ortiz'" in out
    assert "unknown.example" not in out and "digest" not in out.lower()
    assert out.strip().splitlines()[-1].startswith("sync: 1 reply logged")

    after = json.loads(ok(cli, "due", "--json", "--today", TODAY, "--within", "30").stdout)
    assert "Dana Reyes" not in [row["name"] for row in after]  # the weekly series stopped
    calendar = ok(cli, "calendar", "--today", TODAY).stdout
    assert "Cancelled: follow up with Dana Reyes" in calendar and "STATUS:CANCELLED" in calendar
    why = ok(cli, "why", "Dana Reyes", "--today", TODAY).stdout
    assert "Stage:  done" in why and "replied (found by sync: reply from hr@acme.example)" in why
    lee = ok(cli, "touch", "list", "Lee Park").stdout
    assert "2026-11-24" in lee or "24 November" in lee
    kim = contact_json(cli, "Kim Lu")
    assert kim["bounce"]["on"] == "2026-11-21"
    assert "bounced      on 2026-11-21" in ok(cli, "contact", "show", "Kim Lu", "--today", TODAY).stdout
    assert contact_json(cli, "Sam Ortiz")["stop"] is None  # an email asking to stop is never acted on silently
    assert imap.flags() == [[]] * len(imap.flags())  # read-only: nothing marked read

    second = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV)
    assert second.stdout.strip() == "sync: nothing new"
    assert ok(cli, "touch", "list", "Lee Park").stdout == lee  # the sent draft was logged once


def test_a_reply_among_400_unrelated_messages(imap, isolated_home, cli):
    """The server finds the one reply among 400 newsletters (two FETCHes' worth, were they
    fetched; 10,000 and 100,000: bench/sync_bench.py); nothing else is logged."""
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    imap.add([*noise(400), mail("dana@acme.example", USER, "Re: hi", "Yes, let's talk.")])
    found = json.loads(ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", "--json", env=ENV).stdout)
    assert [(e["contact"], e["action"]) for e in found["events"]] == [("Dana Reyes", "replied")]
    assert imap.fetches == 1  # one FETCH command: the SEARCH left the newsletters on the server


def test_dry_run_and_json_log_nothing(imap, isolated_home, cli):
    seed_everything(imap, isolated_home, cli)
    dry = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", "--dry-run", env=ENV)
    assert "Dana Reyes: replied on" in dry.stdout and "would be logged" in dry.stdout
    assert dry.stdout.strip().splitlines()[-1].startswith("sync (dry run, nothing logged): 1 reply to log")
    assert "Stage:  done" not in ok(cli, "why", "Dana Reyes", "--today", TODAY).stdout
    found = json.loads(ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", "--json", env=ENV).stdout)
    actions = {e["contact"]: e["action"] for e in found["events"]}
    assert actions == {"Dana Reyes": "replied", "Lee Park": "delivered", "Priya Nair": "snooze-offered",
                       "Kim Lu": "bounced", "Sam Ortiz": "confirm-stop"}
    assert json.loads(ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", "--json",
                         env=ENV).stdout)["events"] == []


def test_address_match_ignores_case_and_tag(imap, isolated_home, cli):
    add(cli, "Dana Reyes", "--email", "Dana.Reyes+jobs@Acme.example")
    imap.add([mail("dana.reyes@acme.example", USER, "Re: hello", "Sounds good",
                   when=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))])
    assert "Dana Reyes: replied on" in sync(cli).stdout


def test_wrong_password_is_one_line_exit_2_and_never_printed(imap, cli):
    add(cli, "Dana Reyes", "--email", "dana@acme.example", last=None)
    result = cli("sync", "--today", TODAY, env={"IMAP_PASSWORD": "wrong-Secret-42"})
    one_error_line(result, "refused the login", "imap.user", code=2)
    assert "wrong-Secret-42" not in result.stderr + result.stdout


def test_tls_failure_is_one_line_exit_3(imap, isolated_home, cli):
    write_config(isolated_home, imap.port, security="ssl")
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    one_error_line(sync(cli), "TLS with the IMAP server", "imap.security", code=3)


def test_server_gone_mid_fetch_keeps_what_was_logged_and_rerun_continues(imap, isolated_home, cli, monkeypatch):
    from followup_script.inbox import imap as imap_inbox

    monkeypatch.setattr(imap_inbox, "FETCH_CHUNK", 1)  # one message per FETCH command
    names = [f"Person {n}" for n in range(4)]
    for n, name in enumerate(names):
        add(cli, name, "--email", f"p{n}@firm{n}.example")
        imap.add([mail(f"p{n}@firm{n}.example", USER, "Re: hi", "Yes, let's talk.",
                       when=dt.datetime(2026, 11, 20, 9, n, tzinfo=dt.UTC))])
    imap.drop_at_fetch = 3
    broken = sync(cli)
    error = [line for line in broken.stderr.splitlines() if line.startswith("followup-script: error")]
    assert broken.returncode == 3 and len(error) == 1 and "was lost" in error[0], broken.stderr
    done_before = [n for n in names if "Stage:  done" in ok(cli, "why", n, "--today", TODAY).stdout]
    assert len(done_before) == 2  # the two messages read before the server went are logged
    imap.drop_at_fetch = None
    rerun = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV)
    assert rerun.stdout.strip().splitlines()[-1] == "sync: 2 replies logged"
    assert all("Stage:  done" in ok(cli, "why", n, "--today", TODAY).stdout for n in names)


def test_a_server_refusing_the_search_is_one_line_exit_3(imap, isolated_home, cli):
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    imap.config.disable_search_keys.append(b"FROM")  # the server answers NO to a FROM search
    try:
        one_error_line(sync(cli), "refused a command", "run sync again later", code=3)
    finally:
        imap.config.disable_search_keys.clear()


def test_malformed_message_does_not_stop_the_others(imap, isolated_home, cli):
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    add(cli, "Lee Park", "--email", "lee@globex.example")
    imap.add([
        b"From: dana@acme.example\r\nDate: not a date at all\r\nSubject: =?x-unknown?Q?=FF=FE?=\r\n"
        b"Content-Type: multipart/mixed; boundary=\"b\"\r\nMessage-ID: <broken@acme.example>\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!! not base64 \xff\xfe\r\n",
        mail("lee@globex.example", USER, "Re: hi", "Happy to chat."),
    ])
    result = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV)
    assert "Lee Park: replied on" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_date_the_tracker_refuses_skips_that_message_only(imap, isolated_home, cli):
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    add(cli, "Lee Park", "--email", "lee@globex.example")
    imap.add([mail("dana@acme.example", USER, "Re: hi", "Yes.", when=dt.datetime(1999, 1, 4, 9, 0, tzinfo=dt.UTC)),
              mail("lee@globex.example", USER, "Re: hi", "Happy to chat.")])
    result = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV)
    assert "Lee Park: replied on" in result.stdout and "Dana Reyes" not in result.stdout
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1 and "which could not be logged" in warning[0] and "1999" in warning[0]


def test_no_contact_with_an_address_is_one_line(imap, cli):
    add(cli, "No Address")
    one_error_line(sync(cli), "no tracked contact has an email address or a phone number", code=2)


def test_no_inbox_set_up_is_one_line(isolated_home, cli):
    (isolated_home / "config.toml").write_text('[profile]\nname = "Ana Lima"\n')
    one_error_line(cli("sync", "--today", TODAY), "no inbox is set up for sync", "docs/inbox.md", code=2)


def test_unknown_inbox_is_one_line(imap, cli):
    one_error_line(sync(cli, "--inbox", "pigeon"), "pigeon", "imap", code=2)


def test_due_and_the_wizard_say_who_replied_as_sync_found(imap, isolated_home, cli, capsys):
    from followup_script.wizard.flow import Wizard
    from tests.test_wizard import ENTER, PROFILE, drive, new_writer

    add(cli, "Dana Reyes", "--email", "dana@acme.example", "--company", "Acme")
    add(cli, "Lee Park", "--email", "lee@globex.example")
    imap.add([mail("dana@acme.example", USER, "Re: hi", "Yes, let's talk.",
                   when=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))])
    ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=ENV)
    due = ok(cli, "due", "--today", TODAY)
    assert "Lee Park" in due.stdout and "Dana Reyes" not in due.stdout
    assert due.stderr.strip() == "Replied: Dana Reyes on Monday 23 November 2026 (found by sync)"
    assert "Replied:" not in ok(cli, "due", "--today", "2026-12-07").stderr  # a week later: old news
    session = Wizard(new_writer(isolated_home / "c.toml", {"profile": dict(PROFILE)}), dt.date(2026, 11, 27),
                     isolated_home / "tracker.sqlite3", clipboard=None)
    capsys.readouterr()
    drive(session, "Dana Reyes", ENTER, "q", ENTER)
    out = capsys.readouterr().out
    assert "Replied: Dana Reyes on Monday 23 November 2026 (found by sync)" in out
    assert "Done: they got back to you" in out or "Done:" in out


def test_one_message_seen_by_two_inboxes_is_logged_once(imap, isolated_home, cli, tmp_path):
    """Gmail read over IMAP and through the API (here: the postcard test plugin's inbox, which
    reads a file) see the same Message-ID: the reply is logged once."""
    add(cli, "Dana Reyes", "--email", "dana@acme.example")
    imap.add([mail("dana@acme.example", USER, "Re: hi", "Yes.", message_id="<same-1@acme.example>",
                   when=dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))])
    replies = tmp_path / "replies.jsonl"
    replies.write_text(json.dumps({"id": "<same-1@acme.example>", "from": "dana@acme.example",
                                   "at": "2026-11-23T10:00:00+00:00"}) + "\n")
    with open(isolated_home / "config.toml", "a") as config:
        config.write(f'\n[postcard]\nreplies = "{replies}"\n')
    env = {**ENV, "FOLLOWUP_SCRIPT_LOAD_PLUGINS": "followup-script-postcard"}
    result = ok(cli, "sync", "--today", TODAY, "--since", "2026-11-01", env=env)
    assert result.stdout.strip().splitlines()[-1] == "sync: 1 reply logged"
    touches = json.loads(ok(cli, "contact", "show", "Dana Reyes", "--json", "--today", TODAY).stdout)["touches"]
    assert [t["outcome"] for t in touches] == ["no-answer", "replied"]


def test_on_a_terminal_sync_offers_the_snooze_and_asks_before_a_stop(imap, isolated_home, tmp_path):
    """The one run of the installed command in a real terminal: the out-of-office's snooze
    is taken with a yes, a request to stop is marked only after a yes."""
    import os

    import pexpect

    add(None, "Priya Nair", "--email", "priya@initrode.example")
    add(None, "Sam Ortiz", "--email", "sam.ortiz@gmail.com")
    imap.add([mail("priya@initrode.example", USER, "Automatic reply: hi", "Back on Monday 7 December.",
                   headers={"Auto-Submitted": "auto-replied"}, when=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)),
              mail("sam.ortiz@gmail.com", USER, "Re: hi", "Please remove me from your list.")])
    command = str(Path(sys.executable).parent / "followup-script")
    child = pexpect.spawn(command, ["sync", "--today", TODAY, "--since", "2026-11-01"], encoding="utf-8",
                          timeout=60, env={**os.environ, **ENV, "COLUMNS": "200"}, dimensions=(40, 200))
    child.expect_exact("Snooze Priya Nair until Monday 7 December 2026? [Y/n]")
    child.sendline("y")
    child.expect_exact("Mark Sam Ortiz stop (nothing more is sent to them, on any channel)? [y/N]")
    child.sendline("y")
    child.expect_exact("stopped Sam Ortiz")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    from followup_script.tracker.service import Tracker

    with Tracker.open() as tracker:
        assert tracker.find("Priya Nair").snoozed_until == "2026-12-07"
        assert tracker.find("Sam Ortiz").stopped_on == TODAY
