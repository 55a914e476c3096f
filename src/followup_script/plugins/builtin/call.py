"""The ``call`` channel: a live talk track that always ends with the next call scheduled."""

from followup_script import Channel, hookimpl
from followup_script.writing.phones import phone_forms
from followup_script.writing.speech import measure_speech


def finish(message, job):
    phones = phone_forms(message.profile.get("phone"), message.contact.get("phone"),
                         region=message.profile.get("region"))
    message.metrics.update(measure_speech(message.text, phones))


@hookimpl
def register_channels(register):
    register(
        Channel(
            name="call",
            description="A talk track for a live call that ends with the next conversation booked",
            kind="call",
            finish=finish,
        )
    )
