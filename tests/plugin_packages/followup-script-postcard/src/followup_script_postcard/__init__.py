"""A third-party-style channel plugin used by followup-script's own tests."""

import json
from pathlib import Path

import click

import followup_script
from followup_script import Channel, DeliveryVetoed, Receipt

HERE = Path(__file__).parent


def deliver(message, context):
    outbox = context.config.section("postcard").get("outbox")
    if not outbox:
        raise followup_script.ConfigError("set postcard.outbox to a folder for the postcards")
    folder = Path(outbox)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{context.key}.txt"
    path.write_text(message.text, encoding="utf-8")
    return Receipt(channel=message.channel, id=context.key, path=str(path))


def finish(message, job):
    message.metrics["lines"] = len(message.text.splitlines())


@followup_script.hookimpl
def register_channels(register):
    register(Channel(name="postcard", description="A postcard written to a folder",
                     kind="postcard", via="sms", deliver=deliver, finish=finish,
                     options={"outbox": "folder the postcards go to"}))


@followup_script.hookimpl
def register_template_dirs(register):
    register(HERE / "templates")


@followup_script.hookimpl
def prepare_jinja2_environment(env):
    env.filters["signature"] = lambda name: f"-- {name}, with thanks"


@followup_script.hookimpl
def register_commands(cli):
    @cli.command(name="postcard-outbox")
    @click.argument("folder", type=click.Path(file_okay=False))
    def postcard_outbox(folder):
        """List the postcards waiting in FOLDER."""
        for path in sorted(Path(folder).glob("*.txt")):
            click.echo(path.name)


@followup_script.hookimpl(wrapper=True)
def deliver_message(channel, message, context):
    settings = context.config.section("postcard")
    if settings.get("hold"):
        raise DeliveryVetoed("postcard.hold is set: deliveries are on hold; unset it to send")
    receipt = yield
    log = settings.get("audit_log")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"channel": channel.name, "id": receipt.id}) + "\n")
    return receipt


def _replies(config, since, watch):
    """Postcards back: a JSON-lines file of {id, from, at} (postcard.replies)."""
    import datetime as dt

    from followup_script.inbox import Event

    path = config.section("postcard").get("replies")
    for line in Path(path).read_text(encoding="utf-8").splitlines() if path else ():
        item = json.loads(line)
        at = dt.datetime.fromisoformat(item["at"])
        if at.date() >= since and item["from"] in watch.addresses:
            yield Event("reply", "postcard", item["id"], at, address=item["from"])


@followup_script.hookimpl
def register_inboxes(register):
    from followup_script.inbox import Inbox

    register(Inbox(name="postcard", description="Postcards that came back", read=_replies, section="postcard",
                   configured=lambda config: bool(config.section("postcard").get("replies"))))
