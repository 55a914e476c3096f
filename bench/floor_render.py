"""The floor: bare Jinja rendering the same built-in template for every row.

Used by bench/run.py. No planning, no guard, no plugins: the least any tool
must do to turn a row into a voicemail script.
"""

import csv
import json
import sys

import jinja2

from followup_script.render import builtin_templates

env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(builtin_templates())), trim_blocks=True,
                         lstrip_blocks=True, keep_trailing_newline=True)
template = env.get_template("voicemail/three-day-check.txt.j2")
me = {"name": "Ana Lima", "first_name": "Ana", "phone": "+1 555 123 4567",
      "phone_spoken": "five five five, one two three, four five six seven",
      "callback_window": "any weekday"}
rows = csv.DictReader(open(sys.argv[1], newline="")) if len(sys.argv) > 1 else [
    {"name": "Dana Reyes", "company": "Acme", "role": "Data Engineer"}]
out = sys.stdout
for row in rows:
    contact = {"name": row["name"], "first_name": row["name"].split()[0], "company": row["company"],
               "role": row["role"]}
    text = template.render(me=me, contact=contact, situation="application", last_contact_words="on Friday")
    out.write(json.dumps({"script": text}) + "\n")
