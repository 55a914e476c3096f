"""The floor for ``sync``: a hand-written imaplib script doing what sync must at least do.

    python bench/floor_imap.py PORT USER PASSWORD SINCE ADDRESSES_FILE

Logs in, EXAMINEs INBOX, sends one SEARCH (SINCE the date, FROM any of the addresses)
and one FETCH of the headers sync reads for what it found; prints how many.
"""

import imaplib
import sys


def either(keys):
    """IMAP's OR takes two keys: OR a OR b c."""
    found = keys[-1]
    for key in reversed(keys[:-1]):
        found = f"OR {key} {found}"
    return found


def main(port, user, password, since, addresses_file):
    addresses = [a.strip() for a in open(addresses_file, encoding="utf-8") if a.strip()]
    day = __import__("datetime").date.fromisoformat(since).strftime("%d-%b-%Y")
    with imaplib.IMAP4("127.0.0.1", int(port)) as client:
        client.login(user, password)
        client.select("INBOX", readonly=True)
        _, found = client.uid("SEARCH", f"SINCE {day} {either([f'FROM {a}' for a in addresses])}")
        uids = found[0].split()
        count = 0
        if uids:
            _, data = client.uid("FETCH", b",".join(uids).decode(),
                                 "(BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID IN-REPLY-TO "
                                 "REFERENCES AUTO-SUBMITTED CONTENT-TYPE)])")
            count = sum(1 for part in data if isinstance(part, tuple))
        print(count)


if __name__ == "__main__":
    main(*sys.argv[1:])
