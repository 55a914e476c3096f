"""The floor: bare Jinja rendering the same built-in template for every row.

Used by bench/run.py. No planning, no guard, no plugins: the least any tool
must do to turn a row into a script. ``--kind email`` renders the email
template instead of the voicemail one (the text only: no HTML, no message).

    python bench/floor_render.py [ROWS.csv] [--kind voicemail|email]
"""

import csv
import importlib.util
import json
import os
import sys

import jinja2

# The built-in templates, found without importing followup-script (the floor runs no code
# of ours): the checkout's templates/ beside src/ (editable), else the package's own.
package = os.path.dirname(importlib.util.find_spec("followup_script").origin)
checkout = os.path.join(package, os.pardir, os.pardir, "templates")
templates = checkout if os.path.basename(os.path.dirname(package)) == "src" and os.path.isdir(checkout) \
    else os.path.join(package, "templates")

args = sys.argv[1:]
kind = "voicemail"
if "--kind" in args:
    at = args.index("--kind")
    kind = args[at + 1]
    del args[at:at + 2]
name = {"voicemail": "voicemail/three-day-check.txt.j2", "email": "email/three-day-check.md.j2"}[kind]

env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), trim_blocks=True,
                         lstrip_blocks=True, keep_trailing_newline=True)
# the two filters the templates use, as plainly as they can be written (ours: engine/grammar.py)
env.filters["sentence"] = lambda text: text if str(text).rstrip()[-1:] in ".!?" else f"{text}."
env.filters["a_an"] = lambda word: ("an " if str(word)[:1].lower() in "aeiou" else "a ") + str(word)
template = env.get_template(name)
me = {"name": "Ana Lima", "first_name": "Ana", "phone": "+1 555 123 4567",
      "phone_spoken": "five five five, one two three, four five six seven",
      "phone_slow": "five five five ... one two three ... four five six seven",
      "email": "ana.lima@example.com", "callback_window": "on weekdays, 9 am to 5 pm"}
rows = csv.DictReader(open(args[0], newline="", encoding="utf-8")) if args else [
    {"name": "Dana Reyes", "company": "Acme", "role": "Data Engineer"}]
out = sys.stdout
for row in rows:
    contact = {"name": row["name"], "first_name": row["name"].split()[0], "company": row["company"],
               "role": row["role"]}
    text = template.render(me=me, contact=contact, situation="application", last_contact_words="on Friday",
                           hello=f"Hi {contact['first_name']}", dear=f"Dear {contact['first_name']}", topic="")
    out.write(json.dumps({"script": text}) + "\n")
