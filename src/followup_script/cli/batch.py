"""``followup-script batch``: the follow-up for every row of a CSV or JSON Lines file."""

from __future__ import annotations

import os
import sys

import click

from followup_script.cli.options import profile_options
from followup_script.cli.session import Session
from followup_script.errors import InputError


@click.command()
@click.argument("file", metavar="FILE.csv|FILE.jsonl")
@click.option("--channel", metavar="C", help="The channel for every row (default: voicemail).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per row, as --format json; text: the text report per row.")
@click.option("--out-dir", metavar="DIR", help="Write one file per row into DIR (.txt, or .eml for email).")
@click.option("--strict", is_flag=True, help="Stop at the first bad row.")
@click.option("--today", metavar="DATE", help="Pretend today is DATE.")
@click.option("--calendar-days", is_flag=True, help="Do not move weekend due dates to Monday.")
@click.option("--allow-tone", is_flag=True, help="Let messages that fail the courtesy guard through.")
@profile_options
@click.pass_context
def batch(ctx, file, channel, fmt, out_dir, strict, today, calendar_days, allow_tone):
    """Write the follow-up for every row of a CSV or JSON Lines file.

    Columns are named like the one-shot options, and are the ones `import`
    reads: name, company, role, phone, email, situation, last_contact,
    outcome, scheduled_for, attempts, and optionally via, from_name,
    from_phone, from_email (docs/columns.md). Case, spaces and hyphens do not
    matter ('Last Contact'); commas, semicolons or tabs separate the cells. A
    bad row is reported on stderr with its line number and the others go on;
    the exit code is 2 if any row failed. A last contact over 180 days ago
    is written, with a warning on that row's line.

    \b
      followup-script batch applications.csv
      followup-script batch applications.csv --channel email --out-dir drafts
    """
    import json
    from pathlib import Path

    from followup_script.compose.batch import generate, read_rows

    if out_dir or fmt == "text":  # what JSON Lines rows on stdout never use is not imported for them
        from followup_script.present.message import heading, text_report
    if out_dir:
        from followup_script.present.files import write_file
        from followup_script.present.slug import Unique, slug

        unique = Unique()
    session = Session.of(ctx)
    today = session.today(today)
    writer = session.writer(allow_tone=allow_tone)
    channel = session.channel_name(channel)
    writer.channel(channel)
    business_days = session.business_days(calendar_days)
    if out_dir:
        make_out_dir(out_dir)
    bar = progress_bar(file, out_dir)
    out = sys.stdout
    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps would build one a row
    pending: list[str] = []  # written 64 rows at a time: one write, not 64 (PYTHONUNBUFFERED)

    def write_pending() -> None:
        chunk = "".join(pending)
        pending.clear()  # first: a chunk interrupted mid-write is never written twice
        try:
            out.write(chunk)
        except UnicodeEncodeError as exc:
            raise InputError(
                f"the output cannot hold {exc.object[exc.start:exc.end]!r} in its encoding "
                f"({exc.encoding}); set PYTHONIOENCODING=utf-8 or use --out-dir"
            ) from None

    done = failed = 0
    unneeded = {"done": 0, "stopped": 0}  # replied or stopped: no script, no file
    try:
        for result in generate(writer, read_rows(file), channel, today, business_days):
            for doubt in result.doubts:
                write_pending()
                out.flush()
                click.echo(("\r\x1b[K" if bar is not None else "")
                           + f"followup-script: {file} line {result.line}: warning: "
                           + doubt.sentence(result.label(doubt.field)), err=True)
            if result.error is not None:
                failed += 1
                write_pending()  # the rows before it first, so the order is kept
                out.flush()
                error = result.error  # a value in a row is named by its column, as the file names it
                said = error.sentence(result.label(error.field)) if isinstance(error, InputError) else str(error)
                click.echo(("\r\x1b[K" if bar is not None else "")  # over the bar; it is drawn again below
                           + f"followup-script: {file} line {result.line}: {said}", err=True)
                if strict:
                    raise InputError(f"stopped at line {result.line} (--strict); {done} row(s) written before it")
                continue
            message = result.message
            if message.text is None and (out_dir or fmt == "text"):  # replied or stopped: nothing to do
                unneeded[message.plan.stage.value] = unneeded.get(message.plan.stage.value, 0) + 1
                continue
            if out_dir:
                if message.text is not None and message.is_email:
                    data = bytes(message.to_email())
                else:
                    data = (f"# {heading(message)}\n" + text_report(message)).encode()
                name = unique(slug(message.contact.get("name")), ".eml" if message.is_email else ".txt")
                write_file(Path(out_dir) / name, data, field="out_dir")
            elif fmt == "jsonl":
                record = message.to_dict()
                record["line"] = result.line
                pending.append(encode(record) + "\n")
            else:
                pending.append(f"# {heading(message)}\n" + text_report(message) + "\n")
            if len(pending) >= 64:
                write_pending()
            done += 1
            if bar is not None and done % 100 == 0:
                bar.update(result.line - bar.pos)
        if bar is not None:
            bar.update(bar.length - bar.pos)  # every line read
    finally:
        if pending:  # rows already made are never lost to an error, Ctrl-C or --strict
            try:
                write_pending()
            except OSError:
                pass
        if bar is not None:
            bar.render_finish()
    out.flush()
    click.echo(f"followup-script: {done} row(s) written, {need_nothing(unneeded)}{failed} failed", err=True)
    if failed:
        ctx.exit(2)


def need_nothing(counts: dict) -> str:
    """``2 need nothing (1 replied, 1 stopped), `` for the closing line; empty when none."""
    total = sum(counts.values())
    if not total:
        return ""
    parts = [f"{n} {'replied' if stage == 'done' else stage}" for stage, n in counts.items() if n]
    return f"{total} need nothing ({', '.join(parts)}), "


def progress_bar(file: str, out_dir: str | None, least_lines: int = 500):
    """A progress bar on stderr for a long batch, or None.

    Shown only when stderr is a terminal and the output is not (it goes to a
    file, a pipe or ``--out-dir``), so it never mixes with the rows, and only
    for files of at least ``least_lines`` lines. It moves by lines read, against
    a count of the file's lines made first (a fast pass over the bytes).
    """
    if not sys.stderr.isatty() or (sys.stdout.isatty() and not out_dir):
        return None
    if not os.path.isfile(file):  # a pipe or FIFO can be read only once: no count, no bar
        return None
    try:
        with open(file, "rb") as handle:
            lines = ends = 0
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
                ends = chunk.endswith(b"\n")
            lines += not ends
    except OSError:
        return None  # read_rows says why
    if lines < least_lines:
        return None
    bar = click.progressbar(length=lines, file=sys.stderr, label="followup-script: rows", width=30,
                            show_eta=True, show_percent=True)
    bar.render_progress()
    return bar


def make_out_dir(out_dir: str) -> None:
    """The ``--out-dir`` folder, made 0700 if new; one line if it cannot be."""
    from followup_script._files import private_folder

    try:
        private_folder(out_dir)
    except FileExistsError as exc:  # a link to a folder that does not exist
        raise InputError(f"is {exc.strerror}", field="out_dir", value=out_dir,
                         fix="create that folder or give another one") from None
    except NotADirectoryError:
        raise InputError("is a file, or is inside one", field="out_dir", value=out_dir,
                         fix="give a folder") from None
    except OSError as exc:
        raise InputError(f"cannot be created ({exc.strerror or exc})", field="out_dir", value=out_dir,
                         fix="give another folder") from None
