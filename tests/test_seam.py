"""Issue 17, the plugin seam: the public email API every email channel gets, channel-scoped
templates and ``via``, the guard on every delivered part, the typed Channel and its
contracts (findings 1-6), and issue 15's threading of weekly nudges (finding 8)."""

import email
import email.policy
import json
import textwrap
import warnings

import pytest

import followup_script
from followup_script import Channel, ConfigError, History, Receipt, Scriptwriter, ToneError
from followup_script.channels import email as email_api
from followup_script.plugins.manager import build_plugin_manager

from .conftest import CONTACT, PROFILE, TODAY, ok
from .test_smtp import (
    free_port,  # noqa: F401 (the aiosmtpd helpers)
    smtp,  # noqa: F401 (fixture)
)

LAST = TODAY.replace(day=20)


def drafts_plugin(**channel):
    """A third-party email channel with no finish of its own (finding 1's plugin)."""

    class Drafts:
        sent = []

        @staticmethod
        def deliver(message, context):
            Drafts.sent.append(message)
            return Receipt(channel=message.channel, id="d-1")

        @followup_script.hookimpl
        def register_channels(self, register):
            register(Channel(**{"name": "drafts", "description": "drafts", "kind": "email",
                                "deliver": self.deliver, **channel}))

    return Drafts()


def writer_with(config, *plugins, **kw):
    return Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=plugins), **kw)


def nudge_plan(writer, attempts=0):
    return writer.plan(History(LAST, "no-commitment", attempts=attempts), TODAY)


# -- finding 1: the email behaviour is offered to every email channel --------------------------

def test_an_email_channel_without_finish_gets_subject_html_and_words(config):
    writer = writer_with(config, drafts_plugin())
    message = writer.write("drafts", nudge_plan(writer), CONTACT, today=TODAY)
    assert message.subject and not message.text.lower().startswith("subject:")
    assert message.html.startswith("<p>") and "<strong>" not in message.text
    assert message.metrics["words"] == len(message.text.split())
    assert message.is_email and message.via == "email"


def test_the_email_api_is_public_and_what_the_builtin_uses():
    import followup_script.plugins.builtin.email as builtin

    assert builtin.finish is email_api.finish
    assert set(email_api.__all__) >= {"finish", "build_email", "eml", "split_subject", "to_html",
                                      "html_text", "EmailThread", "WORDS"}
    assert email_api.WORDS == (50, 150)


# -- finding 2: --format eml on a plugin email channel -----------------------------------------

PLUGIN_FILE = """
import followup_script
from followup_script import Channel, Receipt


def deliver(message, context):
    return Receipt(channel=message.channel, id="x")


@followup_script.hookimpl
def register_channels(register):
    register(Channel(name="drafts", description="drafts", kind="email", deliver=deliver))
    register(Channel(name="outlook", description="a kind of its own", kind="outlook", email=True))
"""


def test_format_eml_works_on_a_plugin_email_channel(cli, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    (folder / "drafts.py").write_text(PLUGIN_FILE)
    for channel in ("drafts", "outlook"):
        result = ok(cli, "--plugins-dir", folder, "--name", "Dana Reyes", "--email", "dana@acme.example",
                    "--role", "Data Engineer", "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567",
                    "--from-email", "ana@example.com", "--last-contact", "2026-11-20", "--today", "2026-11-25",
                    "--channel", channel, "--format", "eml")
        msg = email.message_from_string(result.stdout, policy=email.policy.default)
        assert msg.get_content_type() == "multipart/alternative", channel
        assert msg["Subject"] and "Subject:" not in msg.get_body(("plain",)).get_content()


# -- finding 3: templates per channel, via per channel -----------------------------------------

def test_a_plugin_restyles_its_own_channel_and_nobody_elses(config, tmp_path):
    folder = tmp_path / "tpl" / "drafts"
    folder.mkdir(parents=True)
    (folder / "three-day-check.md.j2").write_text(
        "Subject: A drafts-only subject for {{ contact.name }}\n\nHello {{ contact.first_name }}, "
        "thank you for your time.\n")

    class Templates:
        @followup_script.hookimpl
        def register_template_dirs(self, register):
            register(tmp_path / "tpl")

    templates = Templates()
    writer = writer_with(config, drafts_plugin(), templates)
    plan = nudge_plan(writer)
    assert writer.write("drafts", plan, CONTACT, today=TODAY).subject == "A drafts-only subject for Dana Reyes"
    assert "drafts-only" not in writer.write("email", plan, CONTACT, today=TODAY).subject
    # the user's own email/ template still wins over the plugin's drafts/ one
    user = tmp_path / "mine" / "email"
    user.mkdir(parents=True)
    (user / "three-day-check.md.j2").write_text("Subject: Mine\n\nHi {{ contact.first_name }}, thank you.\n")
    mine = Scriptwriter(config, writer.plugins, templates_dir=tmp_path / "mine")
    assert mine.write("drafts", plan, CONTACT, today=TODAY).subject == "Mine"
    # templates list says which channels each folder serves
    from followup_script.compose.catalog import template_files

    listed = {(f.name, f.origin): f.channels for f in template_files(mine)}
    assert listed[("drafts/three-day-check.md.j2", f"plugin {writer.plugins.pm.get_name(templates)}")] == ["drafts"]
    assert "drafts" in listed[("email/three-day-check.md.j2", "user")]


def test_via_is_the_channels_own_and_checked(config):
    outlook = Channel("outlook", "a kind of its own", "outlook", email=True)
    assert (outlook.via, outlook.email) == ("email", True)
    assert Channel("fax", "faxes", "fax", via="call").via == "call"
    with pytest.warns(DeprecationWarning, match="pass via="):
        legacy = Channel("memo", "a memo", "memo")
    assert legacy.via == "sms"  # as 0.1 logged it, with the warning

    class Bad:
        @followup_script.hookimpl
        def register_channels(self, register):
            register(Channel("pigeon", "birds", "pigeon", via="pigeon"))

    plugins = build_plugin_manager(load_entrypoints=False, extra=[Bad()])
    assert "pigeon" not in plugins.channels
    assert "via='pigeon' is not how the tracker logs it" in plugins.errors[0].error


def test_the_tracker_logs_the_channels_via(cli, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    (folder / "fax.py").write_text(textwrap.dedent("""
        import followup_script
        from followup_script import Channel, Receipt

        @followup_script.hookimpl
        def register_channels(register):
            register(Channel(name="fax", description="fax", kind="voicemail", via="call",
                             deliver=lambda m, c: Receipt(channel=m.channel, id="f-1")))
    """))
    ok(cli, "contact", "add", "Dana Reyes", "--phone", "+1 555 987 6543")
    ok(cli, "log", "Dana Reyes", "--outcome", "no-commitment", "--via", "call", "--date", "2026-11-20",
       "--today", "2026-11-25")
    ok(cli, "--plugins-dir", folder, "next", "Dana Reyes", "--channel", "fax", "--deliver", "--yes",
       "--from-name", "Ana Lima", "--from-phone", "+1 555 123 4567", "--today", "2026-11-25")
    shown = json.loads(ok(cli, "contact", "show", "Dana Reyes", "--json").stdout)
    assert shown["touches"][-1]["via"] == "call"


# -- finding 4: the guard reads every part that is delivered ------------------------------------

def test_the_guard_checks_the_html_a_finish_wrote(config):
    def finish(message, job):
        email_api.finish(message, job)
        message.html = "<p>FINAL NOTICE: reply ASAP!!!</p>"

    writer = writer_with(config, drafts_plugin(finish=finish))
    with pytest.raises(ToneError, match="HTML"):
        writer.write("drafts", nudge_plan(writer), CONTACT, today=TODAY)


# -- findings 5 and 6: the contracts --------------------------------------------------------------

def test_a_dict_receipt_may_name_its_channel(config):
    plugin = drafts_plugin(deliver=lambda m, c: {"channel": "drafts", "id": "d-9"})
    writer = writer_with(config, plugin)
    receipt = writer.deliver(writer.write("drafts", nudge_plan(writer), CONTACT, today=TODAY))
    assert (receipt.channel, receipt.id) == ("drafts", "d-9")


def test_options_are_typed_and_checked_by_the_core(tmp_path):
    from followup_script.channels.channel import Option
    from followup_script.input.config import Config

    seen = []
    plugin = drafts_plugin(
        options={"retries": Option("how many tries", type=int, default=2),
                 "outbox": Option("where drafts go", required=True)},
        deliver=lambda m, c: seen.append(c.settings) or Receipt(channel=m.channel, id="x"))
    good = Config(tmp_path / "c.toml", {"profile": dict(PROFILE), "drafts": {"outbox": "out", "retries": "3"}})
    writer = writer_with(good, plugin)
    writer.deliver(writer.write("drafts", nudge_plan(writer), CONTACT, today=TODAY))
    assert seen == [{"outbox": "out", "retries": 3}]
    bad = Config(tmp_path / "c.toml", {"profile": dict(PROFILE), "drafts": {"outbox": "out", "retries": "many"}})
    with pytest.raises(ConfigError, match=r"drafts.retries = 'many' is not a whole number"):
        writer_with(bad, plugin).write("drafts", nudge_plan(writer), CONTACT, today=TODAY)
    missing = writer_with(Config(tmp_path / "c.toml", {"profile": dict(PROFILE)}), plugin)
    message = missing.write("drafts", nudge_plan(writer), CONTACT, today=TODAY)  # written without it
    with pytest.raises(ConfigError, match=r"needs drafts.outbox"):
        missing.deliver(message)
    assert len(seen) == 1


def test_a_typed_subclass_is_a_channel():
    from followup_script.channels.channel import Option

    class Outbox(Channel):
        name, description, kind = "outbox", "drafts in a folder", "email"
        options = {"folder": Option("the folder")}

        def deliver(self, message, context):
            return Receipt(channel=self.name, id="o-1")

    channel = Outbox()
    channel.check()
    assert channel.email and channel.via == "email" and channel.deliver is not None
    assert channel.finish is None  # the core's email finish applies
    assert channel.to_dict()["options"] == {"folder": "the folder"}
    from followup_script.present.offers import not_deliverable

    said = Channel("fax", "faxes", "fax", via="call", needs="phone", deliver=lambda m, c: None,
                   ready=lambda config: "set fax.line first")
    assert not_deliverable(said, None, {"name": "Dana", "phone": "+1 555 987 6543"}) == "set fax.line first"
    with pytest.raises(followup_script.PluginError, match="needs="):
        Channel("fax", "faxes", "fax", via="call", needs="pigeon").check()


def test_the_01_form_keeps_working_without_a_warning(config):
    from followup_script.plugins.builtin.email import finish  # where 0.1 plugins took it from

    sent = []

    class Old:
        @followup_script.hookimpl
        def register_channels(self, register):
            register(Channel(name="old", description="0.1", kind="email", finish=finish,
                             deliver=lambda m, c: sent.append(m) or Receipt(channel="old", id="o-1"),
                             options={"host": "a server"}))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        writer = writer_with(config, Old())
        message = writer.write("old", nudge_plan(writer), CONTACT, today=TODAY)
        assert writer.deliver(message).id == "o-1"
    assert writer.plugins.channels["old"].options["host"].help == "a server"
    assert message.subject and message.html and sent == [message]
    assert message.to_email().get_content_type() == "multipart/alternative"


def test_register_commands_reach_the_session_and_its_config(cli, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    (folder / "where.py").write_text(textwrap.dedent("""
        import click
        import followup_script

        @followup_script.hookimpl
        def register_commands(cli):
            @cli.command(name="where")
            @click.pass_context
            def where(ctx):
                click.echo(f"{ctx.obj.config.path}|{ctx.obj.config.profile.get('name')}")
    """))
    config = tmp_path / "elsewhere.toml"
    config.write_text('[profile]\nname = "Ana Lima"\n')
    result = ok(cli, "--plugins-dir", folder, "--config", config, "where")
    assert result.stdout.strip() == f"{config}|Ana Lima"


def test_one_email_word_range_everywhere():
    from pathlib import Path

    root = Path(__file__).parent.parent
    low, high = email_api.WORDS
    for doc in ("docs/templates.md", "docs/cli.md", "docs/plugins.md"):
        text = (root / doc).read_text()
        assert f"{low}–{high}" in text or f"{low} to {high}" in text, doc
        for other in ("60–180", "100–180", "60 to 180"):
            assert other not in text, (doc, other)


# -- issue 15, finding 8: a weekly nudge replies in the thread -------------------------------------

def test_a_weekly_nudge_replies_in_the_thread_over_smtp_and_in_eml(cli, smtp, tmp_path):  # noqa: F811
    config = tmp_path / "config.toml"
    config.write_text(textwrap.dedent(f"""
        [profile]
        name = "Ana Lima"
        phone = "+1 555 123 4567"
        email = "ana@example.com"
        [email]
        host = "127.0.0.1"
        port = {smtp.port}
        security = "none"
        timeout = 10
    """))
    base = ["--config", config]
    ok(cli, *base, "contact", "add", "Dana Reyes", "--company", "Acme Analytics", "--role", "Data Engineer",
       "--email", "dana@acme.example")
    ok(cli, *base, "log", "Dana Reyes", "--outcome", "no-commitment", "--via", "call", "--date", "2026-11-09",
       "--today", "2026-11-12")
    ok(cli, *base, "next", "Dana Reyes", "--channel", "email", "--deliver", "--yes", "--today", "2026-11-12")
    ok(cli, *base, "next", "Dana Reyes", "--channel", "email", "--deliver", "--yes", "--today", "2026-11-19")
    first, second = (email.message_from_bytes(e.original_content, policy=email.policy.default)
                     for e in smtp.messages)
    assert not first["Subject"].startswith("Re:") and first["In-Reply-To"] is None
    assert second["Subject"] == f"Re: {first['Subject']}"
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"] == first["Message-ID"]
    eml = ok(cli, *base, "next", "Dana Reyes", "--channel", "email", "--format", "eml", "--today", "2026-11-26")
    third = email.message_from_string(eml.stdout, policy=email.policy.default)
    assert third["Subject"] == f"Re: {first['Subject']}"
    assert third["In-Reply-To"] == second["Message-ID"]
    assert third["References"].split() == [first["Message-ID"], second["Message-ID"]]


def test_only_a_weekly_nudge_replies(config):
    writer = writer_with(config)
    thread = {"subject": "Hello", "message_id": "<a@b>", "references": [], "thread_id": None}
    three_day = writer.write("email", nudge_plan(writer), CONTACT, today=TODAY, thread=thread)
    assert three_day.thread is None and not three_day.subject.startswith("Re:")
    nudge = writer.write("email", nudge_plan(writer, attempts=1), CONTACT, today=TODAY, thread=thread)
    assert nudge.subject == "Re: Hello"
    msg = nudge.to_email()
    assert (msg["In-Reply-To"], msg["References"]) == ("<a@b>", "<a@b>")
    voicemail = writer.write("voicemail", nudge_plan(writer, attempts=1), CONTACT, today=TODAY, thread=thread)
    assert voicemail.thread is None


def test_config_masks_secrets_but_not_the_names_that_point_at_them(tmp_path):
    from followup_script.input.config import Config

    shown = Config(tmp_path / "c.toml", {"sms": {"token_env": "TWILIO_TOKEN", "auth_token": "s3cr3t",
                                                 "api_key": "k", "password_env": "S3cr3t-Value"}}).display()
    assert shown["sms"] == {"token_env": "TWILIO_TOKEN", "auth_token": "********", "api_key": "********",
                            "password_env": "********"}  # not a variable's name: a password typed there


def test_templates_check_files_a_finish_error_under_the_channel(config):
    from followup_script.compose import lint
    from followup_script.errors import InputError

    def finish(message, job):
        raise InputError("the drafts service needs a role; pass --role")

    report = lint.check(writer_with(config, drafts_plugin(finish=finish)), channels=["drafts"])
    rules = {problem.rule for problem in report.problems if "drafts service" in problem.detail}
    assert rules == {"channel"}


def test_the_voicemail_budget_is_a_typed_option(cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[voicemail]\nbudget_seconds = "soon"\n')
    args = ["--config", config, "--name", "Dana", "--last-contact", "2026-11-20", "--from-name", "Ana Lima",
            "--from-phone", "+1 555 123 4567", "--today", "2026-11-25", "--format", "json"]
    refused = cli(*args)
    assert refused.returncode == 2 and "voicemail.budget_seconds = 'soon' is not a number" in refused.stderr
    config.write_text('[voicemail]\nbudget_seconds = "45"\n')  # as config set stores it: text
    assert json.loads(ok(cli, *args).stdout)["budget_seconds"] == 45.0


def test_config_set_checks_a_channels_typed_option(cli, tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    (folder / "tries.py").write_text(textwrap.dedent("""
        import followup_script
        from followup_script import Channel, Option

        @followup_script.hookimpl
        def register_channels(register):
            register(Channel(name="drafts", description="drafts", kind="email",
                             options={"retries": Option("how many tries", type=int),
                                      "fast": Option("skip the wait", type=bool)}))
    """))
    refused = cli("--plugins-dir", folder, "config", "set", "drafts.retries", "many")
    assert refused.returncode == 2 and "drafts.retries = 'many' is not a whole number" in refused.stderr
    ok(cli, "--plugins-dir", folder, "config", "set", "drafts.retries", "3")
    ok(cli, "--plugins-dir", folder, "config", "set", "drafts.fast", "yes")
    shown = ok(cli, "--plugins-dir", folder, "config").stdout
    assert "retries = 3" in shown and "fast = true" in shown
