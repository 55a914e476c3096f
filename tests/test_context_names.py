"""A message's context is built with only the names its template reads
(writing/context.names_read, compose/prepared.py): every template still gets every name it
reads, and renders exactly what it renders with the whole context; a template whose reads
cannot be known for sure (it hands its context on, or a function is given the context) gets
the whole context."""

import datetime as dt

import jinja2
import pytest

from followup_script import History, Outcome, Scriptwriter, Situation
from followup_script.compose.prepared import reading_day
from followup_script.engine.stages import plan as decide
from followup_script.plugins.manager import build_plugin_manager
from followup_script.writing.context import NAMES, build_context, names_read
from followup_script.writing.render import Renderer

from .conftest import PROFILE, TODAY

LAST = dt.date(2026, 11, 20)
CONTACTS = [
    {"name": "Chloé Park", "company": "Acme", "role": "Data Engineer", "email": "chloe@acme.example",
     "update": "I finished a course in SQL", "topic": "the data team"},
    {"name": "Dr. Priya Natarajan", "company": "Globex", "phone": "+44 20 7946 0958", "timezone": "Europe/London",
     "call_window": "09:00-11:00"},
    {"name": "Hiring Manager"},
]
# every stage of every situation (done and stopped need no message)
HISTORIES = [history for situation in Situation for history in (
    History(LAST, Outcome.NO_COMMITMENT, situation),
    History(LAST, Outcome.NO_COMMITMENT, situation, attempts=2),
    History(LAST, Outcome.NO_ANSWER, situation, attempts=1),
    History(TODAY, Outcome.NO_TIME, situation),
    History(LAST, Outcome.SCHEDULED, situation, dt.datetime(2026, 11, 27, 10, 30)),
    History(LAST, Outcome.SCHEDULED, situation, dt.date(2026, 11, 23)),
)]


@pytest.fixture
def writer(config):
    import followup_script_sms

    return Scriptwriter(config, build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms]))


def _alike(writer, template, plan, contact, names) -> int:
    """``template`` renders the same with the context of ``names`` as with the whole one (a
    name it reads and is not given is an error naming it); how many names were left out."""
    read_on = reading_day(plan, TODAY)
    full = build_context(plan, PROFILE, contact, read_on)
    part = build_context(plan, PROFILE, contact, read_on, names=names)
    assert names <= part.keys() <= full.keys()
    assert {key: full[key] for key in part} == part
    assert writer.renderer.render(template, part) == writer.renderer.render(template, full)
    return len(full.keys() - part.keys())


@pytest.mark.parametrize("channel", ["voicemail", "call", "email", "sms"])
def test_every_builtin_template_gets_every_name_it_reads(writer, channel, speedups):
    prepared = writer.prepare(channel, today=TODAY)
    stages, left_out = set(), 0
    for history in HISTORIES:
        plan = writer.plan(history, TODAY)
        template, names, timed = prepared._template(plan)
        stages.add(plan.stage)
        if channel == "sms":  # its templates import their phrases with context: every name
            assert names is None and timed is None
            continue
        assert names is not None and timed == names | {"scheduled_for"}, template.name
        for contact in CONTACTS:
            left_out += _alike(writer, template, plan, contact, names)
    assert len(stages) == 5
    assert channel == "sms" or left_out  # the test narrows contexts, so it can fail


# Templates of the user's own: each gives the names its code reads, and renders alike
READ = {
    "a macro of its own": ('{% macro m(x) %}{{ x }}: {{ update }} {{ nudge.opening % 3 }}{% endmacro %}{{ m(hello) }}',
                           {"update", "nudge", "hello"}),
    "a call block": ('{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}{{ due_words }}|{{ agreed_words }}'
                     '{% endcall %}', {"due_words", "agreed_words"}),
    "the built-in macros": ('{% import "default:_common.j2" as common %}{% set b = {"call_offer": call_offer, '
                            '"first_slot": call_slots[0].said} %}{{ common.book(b) }} {{ common.again(me) }}',
                            {"call_offer", "call_slots", "me"}),
    "a from import": ('{% from "default:_common.j2" import the_role %}{{ the_role(contact) }} {{ agreed_said }}',
                      {"contact", "agreed_said"}),
    "a loop": ('{% for s in call_slots %}{{ loop.index }} {{ s.said }}{% endfor %} {{ scheduled_for }} {{ today }}',
               {"call_slots", "scheduled_for", "today"}),
    "a set and a filter": ('{% set when = last_contact_words %}{{ when|upper }} {{ zone_words }} '
                           '{{ call_slots|map(attribute="said")|join(", ") }} {{ agreed_time }}',
                           {"last_contact_words", "zone_words", "call_slots", "agreed_time"}),
}
# ... and templates whose reads are not known for sure: the whole context
HANDED_ON = {
    "an include": '{% include "default:call/weekly-nudge.txt.j2" %}',
    "an extends": '{% extends "default:call/three-day-check.txt.j2" %}',
    "an import with context": '{% import "default:_common.j2" as c with context %}{{ c.again(me) }}',
    "a block and self": '{% block b %}{{ update }}{% endblock %} {{ self.b() }}',
}


@pytest.mark.parametrize("source", READ.values(), ids=list(READ))
def test_a_template_of_the_users_gets_every_name_it_reads(writer, source, speedups):
    text, expected = source
    template = writer.renderer.env.from_string(text)
    names = names_read(template)
    assert names is not None and expected <= names
    history = History(LAST, Outcome.SCHEDULED, Situation.INTERVIEW, dt.datetime(2026, 11, 27, 10, 30))
    assert _alike(writer, template, writer.plan(history, TODAY), CONTACTS[1], names)


@pytest.mark.parametrize("source", HANDED_ON.values(), ids=list(HANDED_ON))
def test_a_template_that_hands_its_context_on_gets_all_of_it(writer, source):
    assert names_read(writer.renderer.env.from_string(source)) is None


def _peek(context, name):
    return context[name]


class _Peeker:
    @jinja2.pass_context
    def __call__(self, context, name):
        return context[name]


@pytest.mark.parametrize("change", [
    lambda env: env.globals.update(peek=jinja2.pass_context(_peek)),
    lambda env: env.filters.update(peek=jinja2.pass_context(_peek)),
    lambda env: env.tests.update(peek=jinja2.pass_context(_peek)),
    lambda env: env.globals.update(peek=_Peeker()),
    lambda env: env.globals.update(update="a global the context hides"),
    lambda env: env.add_extension("jinja2.ext.loopcontrols"),
    lambda env: setattr(env, "finalize", jinja2.pass_context(lambda context, value: value)),
], ids=["global", "filter", "test", "callable object", "a global named as a value", "extension", "finalize"])
def test_a_function_given_the_context_makes_every_name_needed(change):
    """A plugin's prepare hook may give the environment a function that reads the context by a
    name made at render time (``peek("up" ~ "date")``): no template's reads are known then."""
    renderer = Renderer(prepare=change)
    assert names_read(renderer.env.from_string('{{ hello }}')) is None
    assert names_read(Renderer().env.from_string('{{ hello }}')) == {"hello"}


@pytest.mark.parametrize("given", [{"peek": jinja2.pass_context(_peek)}, {"update": "a template global"}])
def test_a_templates_own_globals_are_asked_too(given):
    assert names_read(Renderer().env.from_string('{{ hello }}', globals=given)) is None


def test_a_prepared_message_is_written_alike_whatever_its_template_reads(config, tmp_path, speedups):
    """A template of the user's that reads none of the time words: the message still says its
    agreed time (``due_said``, ``agreed_said``); the voicemail's finish renders it again (too long,
    with a long name) from the same context."""
    folder = tmp_path / "templates"
    (folder / "voicemail").mkdir(parents=True)
    (folder / "voicemail" / "scheduled-call.txt.j2").write_text(
        "About our {{ situation }} call. " + "Thank you so much for your time. " * 12)
    writer = Scriptwriter(config, build_plugin_manager(load_entrypoints=False), templates_dir=folder)
    profile = {**PROFILE, "name": "Ana Carolina de Souza Lima"}
    plan = writer.plan(History(LAST, Outcome.SCHEDULED, Situation.INTERVIEW, dt.datetime(2026, 11, 27, 10, 30)),
                       TODAY)
    message = writer.write("voicemail", plan, CONTACTS[1], profile=profile, today=TODAY)
    said = build_context(plan, profile, CONTACTS[1], reading_day(plan, TODAY))["scheduled_for"]
    assert message.due_said == message.agreed_said == said and "10:30" in said
    assert message.text.startswith("About our interview call.")
    assert message.metrics["estimated_seconds"] > message.metrics["budget_seconds"]  # rendered again, shorter


def test_the_names_are_the_names_a_context_has():
    history = History(LAST, Outcome.SCHEDULED, Situation.INFO, dt.datetime(2026, 11, 30, 15, 0))
    context = build_context(decide(history, TODAY), PROFILE, CONTACTS[0], TODAY)
    assert set(context) == NAMES
    assert list(build_context(decide(history, TODAY), PROFILE, CONTACTS[0], TODAY, names=NAMES)) == list(context)


def test_a_writer_works_out_what_a_template_reads_once(writer, monkeypatch):
    """Rows with a sender of their own are each written by ``Scriptwriter.write`` (a writer
    prepared for one message): what their template reads is still worked out once."""
    from followup_script.compose import batch, scriptwriter

    asked = []
    monkeypatch.setattr(scriptwriter, "names_read", lambda template: asked.append(template.name) or names_read(template))
    rows = [batch.Row(n + 2, {"name": contact["name"], "last_contact": "2026-11-20", "outcome": "no-commitment",
                              "from_name": f"Ana {n}"}) for n, contact in enumerate(CONTACTS * 3)]
    results = list(batch.generate(writer, rows, "voicemail", TODAY))
    assert all(result.message is not None and result.message.text for result in results)
    assert asked == ["voicemail/three-day-check.txt.j2"]
    writer.write("voicemail", writer.plan(HISTORIES[0], TODAY), CONTACTS[0], today=TODAY)
    assert len(asked) == 1
