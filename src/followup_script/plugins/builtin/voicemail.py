"""The ``voicemail`` channel: a script to read aloud, timed at 150 words a minute."""

from followup_script import Channel, Option, hookimpl
from followup_script.writing.people import short_name
from followup_script.writing.phones import phone_forms
from followup_script.writing.speech import measure_speech

DEFAULT_BUDGET = 30


def finish(message, job):
    phones = phone_forms(message.profile.get("phone"), message.contact.get("phone"),
                         region=message.profile.get("region"))
    message.metrics.update(measure_speech(message.text, phones))
    budget = job.settings.get("budget_seconds", DEFAULT_BUDGET)  # a number: checked by the core (Option)
    if not budget > 0:
        budget = DEFAULT_BUDGET
    message.metrics["budget_seconds"] = budget
    seconds = message.metrics["estimated_seconds"]
    mine = message.profile.get("name")
    short = short_name(mine) if seconds > budget and mine else None
    if short:  # tight: say the user's first and last name ("Ana Lima", not "Ana Carolina Lima")
        text = job.rerender(lambda value: short if value == mine else value)
        metrics = measure_speech(text, phones)
        if metrics["estimated_seconds"] < seconds:
            message.text = text
            message.metrics.update(metrics)
            seconds = metrics["estimated_seconds"]
    if seconds > budget:
        message.warnings.append(
            f"this voicemail runs about {seconds:g} s, over the {budget:g} s budget; "
            "callbacks drop past 30 s, so trim the role or company wording"
        )


@hookimpl
def register_channels(register):
    register(
        Channel(
            name="voicemail",
            description="A voicemail to read aloud, about 30 seconds, your number said slowly twice",
            kind="voicemail",
            finish=finish,
            options={"budget_seconds": Option("the most seconds a voicemail should run (default 30)",
                                              type=float, default=DEFAULT_BUDGET)},
        )
    )
