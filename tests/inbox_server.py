"""A real IMAP server on 127.0.0.1 for the sync tests and the sync benchmark.

pymap serves IMAP in this process, on its own thread and event loop, with its
in-memory (dict) backend. Messages are put straight into the backend's folders
(no IMAP APPEND round trips), so seeding 1,000 messages takes well under a
second. :func:`mail` builds realistic messages: replies in a thread, out-of-office
notices with ``Auto-Submitted``, delivery status notifications, RFC 2047 headers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
from argparse import Namespace
from contextlib import AsyncExitStack
from email.header import Header
from email.utils import format_datetime

USER, PASSWORD = "ana@example.com", "app-pass-Zq7!x"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ImapServer:
    """pymap with one user (:data:`USER`/:data:`PASSWORD`) and the folders INBOX and Sent."""

    def __init__(self) -> None:
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="pymap")
        self._connections: list = []
        #: set to N: the server drops the connection when it reads the Nth FETCH command
        self.drop_at_fetch: int | None = None
        self.fetches = 0
        #: every command line the clients sent (the tests read what sync asked the server for)
        self.commands: list[bytes] = []

    # -- running ----------------------------------------------------------------------------------
    def start(self) -> ImapServer:
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"the IMAP server did not start: {self._error!r}")
        self.call(self._make_folders())
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # pragma: no cover - reported by start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        from pymap.backend.dict import DictBackend
        from pymap.imap import IMAPServer

        args = Namespace(demo_data=False, demo_user=USER, demo_password=PASSWORD, host="127.0.0.1",
                         port=self.port, debug=False, cert=None, key=None, tls=False, passlib_cfg=None,
                         inherited_sockets=None, proxy_protocol=None)
        self.backend, self.config = await DictBackend.init(args, invalid_user_sleep=0.0)
        self.config.apply_context()
        from proxyprotocol.reader import ProxyProtocolReader

        imap = IMAPServer(self.backend.login, self.config)

        owner = self

        class Reader:  # the client's commands as pymap reads them; counts FETCH commands
            def __init__(self, reader, writer):
                self.reader, self.writer = reader, writer

            async def readline(self):
                line = await self.reader.readline()
                owner.commands.append(line)
                if b" FETCH " in line.upper():
                    owner.fetches += 1
                    if owner.drop_at_fetch is not None and owner.fetches >= owner.drop_at_fetch:
                        self.writer.transport.abort()  # gone, mid-fetch
                        return b""
                return line

            def __getattr__(self, name):
                return getattr(self.reader, name)

        async def tracked(reader, writer, sock_info):
            self._connections.append(writer)
            await imap(Reader(reader, writer), writer, sock_info)

        serve = ProxyProtocolReader(self.config.proxy_protocol).get_callback(tracked)

        self._stop = asyncio.Event()
        async with AsyncExitStack() as stack:
            await self.backend.start(stack)
            server = await asyncio.start_server(serve, "127.0.0.1", self.port)
            await stack.enter_async_context(server)
            self._ready.set()
            await self._stop.wait()

    def call(self, coro, timeout: float = 600):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def drop_connections(self) -> None:
        """Close every client connection at once: the server gone mid-fetch."""
        def close_all():
            for writer in self._connections:
                writer.transport.abort()
            self._connections.clear()

        self.loop.call_soon_threadsafe(close_all)

    # -- the mailbox ------------------------------------------------------------------------------
    async def _session_mailboxes(self):
        identity = self.backend.login.demo_user_identity
        async with identity.new_session() as session:
            return session.mailbox_set

    async def _make_folders(self) -> None:
        mailboxes = await self._session_mailboxes()
        await mailboxes.add_mailbox("Sent")

    def reset(self) -> None:
        """Empty mailboxes again (INBOX and Sent), for the next test."""
        self.call(self._reset())

    async def _reset(self) -> None:
        self.config.set_cache.clear()
        await self._make_folders()

    def add(self, messages, folder: str = "INBOX") -> None:
        """Put ``messages`` (bytes) into ``folder``, as delivered mail."""
        from pymap.parsing.message import AppendMessage

        async def append():
            mailboxes = await self._session_mailboxes()
            box = await mailboxes.get_mailbox(folder)
            when = dt.datetime.now(dt.UTC)
            for raw in messages:
                await box.append(AppendMessage(raw, when, frozenset()))

        self.call(append())

    def flags(self, folder: str = "INBOX") -> list:
        """Each message's flags: sync must leave them as they were (nothing marked read)."""
        async def read():
            mailboxes = await self._session_mailboxes()
            box = await mailboxes.get_mailbox(folder)
            return [sorted(str(f) for f in message.permanent_flags) async for message in box.messages()]

        return self.call(read())


# -- realistic messages ---------------------------------------------------------------------------


def mail(sender: str, to: str, subject: str, body: str = "Thanks for your note.", *,
         when: dt.datetime | None = None, message_id: str | None = None, in_reply_to: str | None = None,
         headers: dict | None = None, sender_name: str | None = None) -> bytes:
    """One RFC 5322 message; a non-ASCII subject or name is written as RFC 2047 words."""
    when = when or dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC)
    subject_header = subject if subject.isascii() else Header(subject, "utf-8").encode()
    from_header = sender if not sender_name else (
        f"{sender_name} <{sender}>" if sender_name.isascii() else f"{Header(sender_name, 'utf-8').encode()} <{sender}>")
    lines = [f"From: {from_header}", f"To: {to}", f"Subject: {subject_header}",
             f"Date: {format_datetime(when)}",
             f"Message-ID: {message_id or f'<{abs(hash((sender, subject, when)))}@mail.example>'}"]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    lines += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"',
              "Content-Transfer-Encoding: 8bit", "", body, ""]
    return "\r\n".join(lines).encode("utf-8")


def bounce(failed: str, original_id: str, *, when: dt.datetime | None = None, to: str = USER) -> bytes:
    """A delivery status notification (RFC 3464) for a message to ``failed``."""
    when = when or dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    boundary = "dsn-boundary-1"
    return "\r\n".join([
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>", f"To: {to}",
        "Subject: Undelivered Mail Returned to Sender", f"Date: {format_datetime(when)}",
        f"Message-ID: <dsn-{abs(hash(failed))}@mx.example.com>", "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"', "",
        f"--{boundary}", "Content-Type: text/plain; charset=us-ascii", "",
        "This is the mail system. Your message could not be delivered.", "",
        f"--{boundary}", "Content-Type: message/delivery-status", "",
        "Reporting-MTA: dns; mx.example.com", "", f"Final-Recipient: rfc822; {failed}", "Action: failed",
        "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 user unknown", "",
        f"--{boundary}", "Content-Type: text/rfc822-headers", "",
        f"From: {to}", f"To: {failed}", f"Message-ID: {original_id}", "Subject: Following up", "",
        f"--{boundary}--", ""]).encode("ascii")


def noise(count: int, start: int = 0) -> list[bytes]:
    """``count`` unrelated messages (newsletters, notifications) from senders nobody tracks."""
    when = dt.datetime(2026, 11, 18, 8, 0, tzinfo=dt.UTC)
    return [mail(f"news{n % 97}@list{n % 13}.example.org", USER, f"Weekly digest {n}",
                 f"Item {n}: nothing to do with your job search.\r\n" * 3,
                 when=when + dt.timedelta(minutes=n), message_id=f"<noise-{n}@list.example.org>")
            for n in range(start, start + count)]


def main(argv=None) -> None:
    """``python -m tests.inbox_server --noise N [--replies FILE]``: serve a seeded mailbox from a
    process of its own (the benchmark measures its clients alone: a client forked from a
    process holding the mailbox would count that memory as its own)."""
    import argparse
    import signal

    parser = argparse.ArgumentParser()
    parser.add_argument("--noise", type=int, default=0)
    parser.add_argument("--replies", help="a file of addresses: one reply from each")
    args = parser.parse_args(argv)
    server = ImapServer().start()
    for start in range(0, args.noise, 5_000):
        server.add(noise(min(5_000, args.noise - start), start=start))
    if args.replies:
        with open(args.replies, encoding="utf-8") as handle:
            addresses = [line.strip() for line in handle if line.strip()]
        server.add([mail(a, USER, "Re: Following up", "Thanks, let's talk next week.",
                         when=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), message_id=f"<reply-{n}@bench>")
                    for n, a in enumerate(addresses)])
    print(server.port, flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    server.stop()


if __name__ == "__main__":
    main()
