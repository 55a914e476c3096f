"""Write an import file for the tracker benchmark: N contacts, T touches each.

    python bench/gen_tracker.py 100000 10 out.json
"""

import datetime as dt
import json
import sys

OUTCOMES = ["no-commitment", "no-answer", "no-answer", "no-time", "no-answer"]


def main(contacts: int, per_contact: int, path: str) -> None:
    start = dt.date(2025, 1, 6)
    with open(path, "w") as out:
        out.write('{"format": "followup-script", "version": 1, "contacts": [\n')
        for n in range(contacts):
            touches = []
            for k in range(per_contact):
                day = start + dt.timedelta(days=(n % 200) + 7 * k)
                touches.append({"at": day.isoformat(), "via": "call" if k == 0 else "voicemail",
                                "outcome": "no-commitment" if k == 0 else OUTCOMES[k % len(OUTCOMES)]})
            contact = {"name": f"Person {n:06d}", "company": f"Company {n % 97}", "role": "Data Engineer",
                       "touches": touches}
            out.write(("," if n else "") + json.dumps(contact) + "\n")
        out.write("]}\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
