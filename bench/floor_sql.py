"""The floor for `due --json`: a hand-written query for the latest touch of every
contact, through sqlite3, printed as JSON. No stage decisions at all."""

import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    """
    SELECT c.name, c.company, t.at, t.outcome
    FROM contacts c
    JOIN touches t ON t.id = (SELECT id FROM touches WHERE contact_id = c.id ORDER BY at DESC, id DESC LIMIT 1)
    ORDER BY t.at, c.name
    """
)
json.dump([{"name": n, "company": c, "last_touch": a, "outcome": o} for n, c, a, o in rows], sys.stdout)
