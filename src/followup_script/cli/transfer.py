"""The tracker's files: ``calendar`` (.ics), ``export`` (JSON) and ``import`` (CSV or JSON)."""

from __future__ import annotations

import click

from followup_script.cli.options import db_option, today_option
from followup_script.cli.session import Session


@click.command("calendar")
@click.option("--output", "-o", metavar="FILE", help="Write the .ics file to FILE instead of stdout.")
@click.option("--weeks", default=8, show_default=True, type=int, metavar="N",
              help="How many weekly nudges each series holds (RRULE COUNT).")
@click.option("--reminder", default=15, show_default=True, type=int, metavar="MIN",
              help="Minutes before each follow-up that the alarm goes off.")
@today_option
@db_option
@click.pass_context
def calendar(ctx, output, weeks, reminder, today, db_path):
    """Follow-ups as an iCalendar (.ics) file; re-export to update.

    \b
      followup-script calendar --output followups.ics
    """
    from followup_script.cli.output import send_output

    session = Session.of(ctx)
    today = session.today(today)
    data = session.tracker(db_path).calendar(today, weeks, reminder)
    send_output(data, output)


@click.command("export")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option("--salvage", is_flag=True,
              help="Read a damaged tracker row by row: skip the rows that cannot be read and say how many.")
@db_option
@click.pass_context
def export(ctx, output, salvage, db_path):
    """Everything in the tracker as JSON, ready for `import`.

    \b
      followup-script export --output tracker.json
      followup-script export --salvage --output rescued.json
    """
    from followup_script.cli.output import send_output

    if salvage:
        import json

        from followup_script.tracker.database import default_path
        from followup_script.tracker.salvage import salvage as salvage_file

        path = db_path or default_path()
        found = salvage_file(path)
        send_output((json.dumps(found.data, indent=2, ensure_ascii=False) + "\n").encode(), output)
        click.echo(found.summary(path), err=True)
        return
    from followup_script.tracker.transfer import export_json

    data = export_json(Session.of(ctx).tracker(db_path)).encode()
    send_output(data, output)


@click.command("import")
@click.argument("file", metavar="FILE.csv|FILE.json")
@click.option("--dry-run", is_flag=True, help="Only report what would change.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), help="Override the file extension.")
@today_option
@db_option
@click.pass_context
def import_command(ctx, file, dry_run, fmt, today, db_path):
    """Import contacts and touches from CSV or an export (all or nothing).

    \b
      followup-script import contacts.csv --dry-run
      followup-script import tracker.json
    """
    from followup_script.tracker.transfer import read_import

    session = Session.of(ctx)
    today = session.today(today)
    records = read_import(file, today, fmt)
    report = session.tracker(db_path).import_records(records, today, dry_run=dry_run)
    for line in report.lines:
        click.echo(("would " if dry_run else "") + line)
    click.echo(report.summary())
