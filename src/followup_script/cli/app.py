"""The ``followup-script`` command: a thin layer over the library.

Heavy modules (Jinja, markdown-it, questionary, vendor SDKs) are imported
inside the commands that use them, so ``--help`` starts fast.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from followup_script import __version__
from followup_script.errors import FollowupError, InputError, PluginError
from followup_script.engine.vocabulary import OUTCOME_HELP, SITUATION_HELP

# -- parsing values ------------------------------------------------------------------------


def _choice_help(options: dict) -> str:
    return "; ".join(f"{k}: {v}" for k, v in options.items())


# -- the group, with plugin commands loaded on demand -------------------------------------


def terminal_columns() -> int:
    """What ``shutil.get_terminal_size().columns`` gives, without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class FollowupContext(click.Context):
    """Help is laid out as click does it; only the terminal size is read directly
    (click imports shutil for it, a tenth of the time ``--help`` takes)."""

    def make_formatter(self):
        width = self.terminal_width
        if width is None and click.formatting.FORCED_WIDTH is None:
            width = max(min(terminal_columns(), self.max_content_width or 80) - 2, 50)
        return self.formatter_class(width=width, max_width=self.max_content_width)


class FollowupCommand(click.Command):
    context_class = FollowupContext


class FollowupGroup(click.Group):
    """Commands load on demand, so a command starts with only what it needs.

    The core commands live in this module. The tracker, wizard and templates
    commands are imported the first time a name is not found here, plugin
    commands after that. ``--help`` lists them all from a small cache of their
    names and help (see :func:`command_rows`) when nothing changed since the last
    full listing, so it imports neither those modules nor any plugin.
    """

    context_class = FollowupContext
    command_class = FollowupCommand
    COMMAND_MODULES = ("tracker", "wizard", "templates")
    _modules_loaded = False
    _plugin_commands_loaded = False

    def _load_command_modules(self) -> None:
        if self._modules_loaded:
            return
        self._modules_loaded = True
        for name in self.COMMAND_MODULES:
            importlib.import_module(f"followup_script.cli.{name}").register(self)

    def _load_plugin_commands(self, ctx: click.Context) -> None:
        if self._plugin_commands_loaded:
            return
        self._plugin_commands_loaded = True
        plugins = load_plugins(ctx)
        plugins.call_each("register_commands", lambda _plugin: self)
        report_plugin_errors(ctx, plugins)

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        if command is None and not self._modules_loaded:
            self._load_command_modules()
            command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_plugin_commands(ctx)
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx):
        self._load_command_modules()
        self._load_plugin_commands(ctx)
        return super().list_commands(ctx)

    def format_commands(self, ctx, formatter):
        rows = [(name, click.Command(name, help=text, short_help=short))
                for name, short, text in command_rows(self, ctx)]
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])


def _listing_key(group: FollowupGroup, ctx) -> dict | None:
    """What the command listing depends on; None when it must not be cached."""
    from followup_script._cache import ENV_ALLOW, path_key

    if ctx.find_root().params.get("plugins_dir"):
        return None
    here = os.path.dirname(__file__)
    try:
        modules = [os.stat(os.path.join(here, f"{name}.py")).st_mtime_ns for name in group.COMMAND_MODULES]
    except OSError:
        return None
    return {"version": __version__, "modules": modules, "paths": path_key(),
            "allow": os.environ.get(ENV_ALLOW)}


def command_rows(group: FollowupGroup, ctx) -> list[tuple[str, str | None, str | None]]:
    """``(name, short_help, help)`` of every visible command, sorted by name.

    The commands defined here are read live; the others come from
    ``commands.marshal`` in the user cache dir when its key still matches, else
    everything is loaded (reporting plugin problems) and the cache rewritten.
    It is in marshal format, like a ``.pyc``: reading it needs no import (json
    would be a fiftieth of ``--help``), and a version or file that does not load
    is a miss.
    """
    import marshal

    from followup_script._cache import cache_path

    own = {n: c for n, c in group.commands.items()} if not group._modules_loaded else None
    key = _listing_key(group, ctx)
    path = cache_path("commands.marshal")
    extra = None
    if key is not None and own is not None:
        try:
            with open(path, "rb") as handle:
                cached = marshal.load(handle)
            if cached.get("key") == key:
                extra = [tuple(row) for row in cached["commands"]]
        except (OSError, ValueError, TypeError, KeyError, EOFError, AttributeError):
            extra = None
    if extra is None:
        before = set(group.commands)
        names = group.list_commands(ctx)
        from followup_script.plugins.manager import get_plugins

        extra = [(n, group.commands[n].short_help, group.commands[n].help)
                 for n in names if n not in before and not group.commands[n].hidden]
        if key is not None and own is not None and not get_plugins().errors:
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                tmp = os.path.join(os.path.dirname(path), f".commands.marshal.{os.getpid()}.tmp")
                with open(tmp, "wb") as handle:
                    marshal.dump({"key": key, "commands": extra}, handle)
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only cache dir only costs speed
    rows = {n: (n, c.short_help, c.help) for n, c in group.commands.items() if not c.hidden}
    rows.update({row[0]: row for row in extra})
    return [rows[n] for n in sorted(rows)]


def load_plugins(ctx: click.Context | None = None):
    from followup_script.plugins.manager import get_plugins

    plugins = get_plugins()
    report_plugin_errors(ctx, plugins)
    return plugins


def report_plugin_errors(ctx, plugins) -> None:
    reported = getattr(plugins, "_reported", 0)
    new = plugins.errors[reported:]
    plugins._reported = len(plugins.errors)
    if not new:
        return
    strict = bool(ctx and ctx.find_root().params.get("strict_plugins"))
    for error in new:
        click.echo(f"followup-script: {'error' if strict else 'warning'}: {error}", err=True)
    if strict:
        raise PluginError(
            f"{len(new)} plugin problem(s), see above; fix or uninstall the plugin, "
            "or drop --strict-plugins"
        )


def _set_plugins_dir(ctx, param, value):
    if value:
        from followup_script.plugins.manager import set_plugins_dir

        set_plugins_dir(value)
    return value


def writer_for(ctx: click.Context, allow_tone: bool = False):
    from followup_script.compose.scriptwriter import Scriptwriter
    from followup_script.input.config import load

    root = ctx.find_root()
    config = load(root.params.get("config_path"))
    from followup_script.input.config import check_email, check_name, check_phone

    profile = dict(config.data.get("profile", {}))
    for key, check in (("name", lambda v: check_name(v, "--from-name")), ("phone", check_phone),
                       ("email", check_email)):
        value = root.params.get(f"from_{key}")
        if value is not None:
            profile[key] = check(value)
    config.data["profile"] = profile
    plugins = load_plugins(ctx)
    writer = Scriptwriter(config, plugins, allow_tone=allow_tone)
    writer.renderer  # noqa: B018 - template dirs and environment hooks load (and report) here
    report_plugin_errors(ctx, plugins)
    return writer


def write_output(path: str, data: bytes) -> None:
    """Write a file whole or not at all (temp name, then rename)."""
    from pathlib import Path

    target = Path(path)
    if target.is_dir():
        raise InputError(f"--output {path!r} is a directory; give a file name")
    if not target.parent.exists():
        raise InputError(f"--output {path!r}: folder {str(target.parent)!r} does not exist; create it first")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"--output {path!r} cannot be written ({exc.strerror}); pick another path") from None


ONE_SHOT = (
    "name", "company", "role", "phone", "email", "last_contact", "outcome",
    "scheduled_for", "attempts", "from_name", "from_phone", "from_email",
)


@click.group(
    cls=FollowupGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--name", help="The contact's name, e.g. 'Dana Reyes'.")
@click.option("--company", help="Their company, e.g. 'Acme Analytics'.")
@click.option("--role", help="The role you are after, e.g. 'Data Engineer'.")
@click.option("--phone", help="The contact's phone number (for SMS).")
@click.option("--email", help="The contact's email address (To: of emails).")
@click.option(
    "--situation", default="application", show_default=True, metavar="S",
    help="What you did: " + _choice_help(SITUATION_HELP) + ".",
)
@click.option("--last-contact", metavar="DATE", help="Date of the last touch: YYYY-MM-DD, today or yesterday.")
@click.option(
    "--outcome", metavar="O",
    help="How the last touch ended: " + _choice_help(OUTCOME_HELP)
    + ". Defaults to no-commitment for an application.",
)
@click.option("--scheduled-for", metavar="DATETIME", help="The agreed time, 'YYYY-MM-DD HH:MM' (with --outcome scheduled).")
@click.option("--attempts", type=int, default=0, show_default=True, help="Follow-up attempts since the last conversation.")
@click.option("--channel", metavar="C", help="voicemail, call, email or a plugin's channel (see `channels`). Default: voicemail.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "eml"]), default="text", show_default=True,
              help="eml writes a real email message (email channels only).")
@click.option("--output", "-o", metavar="FILE", help="Write the result to FILE instead of stdout.")
@click.option("--today", metavar="DATE", help="Pretend today is DATE (reproducible output).")
@click.option("--calendar-days", is_flag=True, help="Do not move weekend due dates to Monday.")
@click.option("--from-name", help="Your full name (else profile.name from the config).")
@click.option("--from-phone", help="Your phone number (else profile.phone).")
@click.option("--from-email", help="Your email address (else profile.email).")
@click.option("--deliver", is_flag=True, help="Hand the script to the channel (draft, send...). Asks first on a terminal.")
@click.option("--yes", "-y", is_flag=True, help="Deliver without asking.")
@click.option("--resend", is_flag=True, help="With --deliver: deliver even if this follow-up was delivered before.")
@click.option("--allow-tone", is_flag=True, help="Let a message that fails the courtesy guard through, with a warning.")
@click.option("--config", "config_path", metavar="FILE", envvar="FOLLOWUP_SCRIPT_CONFIG",
              help="Config file to use [env FOLLOWUP_SCRIPT_CONFIG].")
@click.option("--plugins-dir", metavar="DIR", callback=_set_plugins_dir, is_eager=True, expose_value=True,
              help="Also load every .py plugin file in DIR.")
@click.option("--strict-plugins", is_flag=True, help="Treat any plugin problem as an error (exit 5).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, "--version", prog_name="followup-script")
@click.pass_context
def cli(ctx: click.Context, **opts):
    """Tell you when to follow up with an employer, and exactly what to say.

    \b
    One-shot: say what happened last and get the next step and its script:
      followup-script --name "Dana Reyes" --company Acme --role "Data Engineer" \\
        --last-contact 2026-11-20 --outcome no-commitment --channel voicemail

    Exit codes: 0 ok, 1 internal error, 2 bad input, 3 delivery failed,
    4 refused (stop, courtesy guard, veto), 5 plugin error, 130 interrupted.
    """
    if ctx.invoked_subcommand is not None:
        return
    given = [k for k in ONE_SHOT if opts.get(k) not in (None, 0)]
    if not given:
        if sys.stdin.isatty() and sys.stdout.isatty():
            wizard = ctx.command.get_command(ctx, "wizard")
            if wizard is not None:
                return ctx.invoke(wizard)
        click.echo(ctx.get_help(), err=True)
        raise InputError(
            "nothing to do: pass --last-contact DATE and --outcome O for a one-shot script, "
            "or run a command such as `followup-script channels`"
        )
    one_shot(ctx, opts)


def one_shot(ctx: click.Context, opts: dict) -> None:
    import datetime as dt

    from followup_script.input.values import follow_up_from, parse_date

    today = parse_date(opts["today"], "--today") or dt.date.today()
    history, contact, overrides = follow_up_from(opts, today)
    writer = writer_for(ctx, allow_tone=opts["allow_tone"])
    channel_name = opts["channel"] or writer.config.section("defaults").get("channel", "voicemail")
    channel = writer.channel(channel_name)
    profile = {**writer.config.profile, **overrides}

    plan = writer.plan(history, today, business_days=False if opts["calendar_days"] else None)
    message = writer.write(channel, plan, contact, profile, today=today)

    receipt = None
    if opts["deliver"]:
        receipt = deliver_with_confirmation(ctx, writer, message, opts["yes"], opts["resend"])
    emit(message, opts["fmt"], opts["output"], receipt)
    if receipt is not None and receipt.contact_stopped:
        from followup_script.errors import StoppedError

        who = contact.get("name", "the contact")
        raise StoppedError(
            f"{who} opted out on the {receipt.channel} channel ({receipt.detail}); "
            "treat it as a stop: send nothing more"
        )


def deliver_with_confirmation(ctx, writer, message, yes: bool, resend: bool = False):
    if message.text is not None and not yes:
        if not sys.stdin.isatty():
            raise InputError("--deliver without a terminal needs --yes to confirm; add --yes")
        target = message.contact.get("email") or message.contact.get("phone") or message.contact.get("name") or "the contact"
        if not click.confirm(f"Deliver this {message.channel} to {target}?", default=False, err=True):
            raise click.Abort()
    if message.text is None or writer.channel(message.channel).deliver is None:
        return writer.deliver(message)  # refuses (stopped, nothing to deliver) before recording anything
    # Recorded by key in the tracker file, so a rerun never delivers the same follow-up twice.
    from followup_script.tracker.service import Tracker
    from followup_script.cli.tracker import report_already_delivered

    with Tracker.open() as tracker:
        done = tracker.deliver_once(writer, message, resend=resend)
    if done.already is not None:
        report_already_delivered(done)
        return None
    return done.receipt


def emit(message, fmt: str, output: str | None, receipt=None) -> None:
    for warning in message.warnings:
        click.echo(f"followup-script: warning: {warning}", err=True)
    if fmt == "eml":
        if message.kind != "email":
            raise InputError(f"--format eml needs an email channel; {message.channel!r} renders {message.kind}")
        if message.text is None:
            raise InputError(f"there is no email to write: the follow-up is {message.plan.stage.value}")
        data = bytes(message.to_email())
    elif fmt == "json":
        import json

        out = message.to_dict()
        if receipt is not None:
            out["receipt"] = receipt.to_dict()
        data = (json.dumps(out, indent=2, ensure_ascii=False) + "\n").encode()
    else:
        data = text_report(message, receipt).encode()
    send_output(data, output)


def send_output(data: bytes, output: str | None) -> None:
    """To ``output`` (whole or not at all, and say so) or to stdout."""
    if output:
        write_output(output, data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def text_report(message, receipt=None) -> str:
    from followup_script.engine.stages import human_date

    plan = message.plan
    lines = [f"Stage:   {plan.stage.value}" + (f" (attempt {plan.attempt})" if plan.attempt else "")]
    if plan.due:
        due = human_date(plan.due) + (f" at {plan.due_time:%H:%M}" if plan.due_time else "")
        if plan.overdue_days:
            due += f" ({plan.overdue_days} day{'s' if plan.overdue_days != 1 else ''} overdue)"
        lines.append(f"Due:     {due}")
    lines.append(f"Why:     {plan.reason}")
    if message.text is None:
        lines.append("")
        lines.append("No script: " + ("they asked you to stop, so nothing more is sent."
                                      if plan.stage.value == "stopped" else "they got back to you."))
        return "\n".join(lines) + "\n"
    facts = [message.channel]
    if message.metrics.get("words") is not None:
        facts.append(f"{message.metrics['words']} words")
    if message.metrics.get("estimated_seconds") is not None:
        facts.append(f"about {message.metrics['estimated_seconds']:g} s")
    if message.metrics.get("segments") is not None:
        facts.append(f"{message.metrics.get('characters')} characters, {message.metrics['segments']} segment(s)")
    lines.append(f"Channel: {' · '.join(facts)}")
    if message.subject:
        lines.append(f"Subject: {message.subject}")
    lines.append("")
    lines.append(message.text.rstrip("\n"))
    if receipt is not None:
        lines.append("")
        lines.append("Delivered: " + ", ".join(f"{k}={v}" for k, v in receipt.to_dict().items() if k != "channel"))
    return "\n".join(lines) + "\n"


# -- commands ----------------------------------------------------------------------------------


@cli.command()
@click.option("--all", "show_all", is_flag=True, help="Include the built-in default plugins.")
@click.pass_context
def plugins(ctx, show_all):
    """List installed plugins as JSON (name, version, hooks, channels, load errors).

    \b
      followup-script plugins
      followup-script plugins --all
    """
    import json

    loaded = load_plugins(ctx)
    click.echo(json.dumps(loaded.listing(include_builtin=show_all), indent=2))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def channels(ctx, as_json):
    """List the channels you can use with --channel.

    \b
      followup-script channels
    """
    loaded = load_plugins(ctx)
    found = loaded.channels
    report_plugin_errors(ctx, loaded)
    if as_json:
        import json

        click.echo(json.dumps([c.to_dict() for c in found.values()], indent=2))
        return
    width = max((len(n) for n in found), default=4)
    for name, channel in sorted(found.items()):
        delivers = "delivers" if channel.deliver else "prints"
        click.echo(f"{name:<{width}}  {channel.kind:<9}  {delivers:<8}  {channel.description}")


@cli.group(invoke_without_command=True)
@click.pass_context
def config(ctx):
    """Show where your config file is and what is set (secrets masked).

    \b
      followup-script config
      followup-script config set profile.name "Ana Lima"
      followup-script config set profile.phone "+1 555 123 4567"
      followup-script config unset profile.email
      followup-script config path
    """
    if ctx.invoked_subcommand is not None:
        return
    from followup_script.input.config import PROFILE_KEYS, dumps, load

    cfg = load(ctx.find_root().params.get("config_path"))
    click.echo(f"# config file: {cfg.path}" + ("" if cfg.path.exists() else " (not created yet)"))
    missing = [k for k in ("name", "phone", "email") if k not in cfg.profile]
    if missing:
        click.echo("# not set: " + ", ".join(f"profile.{k} ({PROFILE_KEYS[k]})" for k in missing))
    if cfg.data:
        click.echo(dumps(cfg.display()), nl=False)


@config.command("path")
@click.pass_context
def config_path(ctx):
    """Print the path of the config file."""
    from followup_script.input.config import load

    click.echo(load(ctx.find_root().params.get("config_path")).path)


@config.command("set")
@click.argument("key")
@click.argument("value")
@click.pass_context
def config_set(ctx, key, value):
    """Set KEY (section.name, e.g. profile.phone) to VALUE and save."""
    from followup_script.input.config import load, set_value

    cfg = load(ctx.find_root().params.get("config_path"))
    if value.lower() in ("true", "false"):
        value = value.lower() == "true"
    elif value.isdigit() and not key.startswith("profile."):
        value = int(value)
    cfg = set_value(cfg, key, value)
    shown = "********" if _is_secret(key) else value
    click.echo(f"set {key} = {shown!r} in {cfg.path}")


def _is_secret(key: str) -> bool:
    from followup_script.input.config import SECRET

    return bool(SECRET.search(key.rpartition(".")[2]))


@config.command("unset")
@click.argument("key")
@click.pass_context
def config_unset(ctx, key):
    """Remove KEY from the config file."""
    from followup_script.input.config import load, unset_value

    cfg = unset_value(load(ctx.find_root().params.get("config_path")), key)
    click.echo(f"removed {key} from {cfg.path}")


@cli.command()
@click.argument("file", metavar="FILE.csv|FILE.jsonl")
@click.option("--channel", metavar="C", help="The channel for every row (default: voicemail).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="jsonl", show_default=True,
              help="jsonl: one JSON object per row, as --format json; text: the text report per row.")
@click.option("--out-dir", metavar="DIR", help="Write one file per row into DIR (.txt, or .eml for email).")
@click.option("--strict", is_flag=True, help="Stop at the first bad row.")
@click.option("--today", metavar="DATE", help="Pretend today is DATE.")
@click.option("--calendar-days", is_flag=True, help="Do not move weekend due dates to Monday.")
@click.option("--allow-tone", is_flag=True, help="Let messages that fail the courtesy guard through.")
@click.pass_context
def batch(ctx, file, channel, fmt, out_dir, strict, today, calendar_days, allow_tone):
    """Write the follow-up for every row of a CSV or JSON Lines file.

    Columns are named like the one-shot options: name, company, role, phone,
    email, situation, last_contact, outcome, scheduled_for, attempts, and
    optionally from_name, from_phone, from_email. A bad row is reported on
    stderr with its line number and the others go on; the exit code is 2 if
    any row failed.

    \b
      followup-script batch applications.csv
      followup-script batch applications.csv --channel email --out-dir drafts
    """
    import datetime as dt
    import json
    from pathlib import Path

    from followup_script.compose.batch import file_name, generate, read_rows
    from followup_script.input.values import parse_date

    today = parse_date(today, "--today") or dt.date.today()
    writer = writer_for(ctx, allow_tone=allow_tone)
    channel = channel or writer.config.section("defaults").get("channel", "voicemail")
    writer.channel(channel)
    if out_dir:
        folder = Path(out_dir)
        if folder.exists() and not folder.is_dir():
            raise InputError(f"--out-dir {out_dir!r} is a file; give a folder")
        folder.mkdir(parents=True, exist_ok=True)
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
    try:
        for result in generate(writer, read_rows(file), channel, today, False if calendar_days else None):
            if result.error is not None:
                failed += 1
                write_pending()  # the rows before it first, so the order is kept
                out.flush()
                click.echo(("\r\x1b[K" if bar is not None else "")  # over the bar; it is drawn again below
                           + f"followup-script: {file} line {result.line}: {result.error}", err=True)
                if strict:
                    raise InputError(f"stopped at line {result.line} (--strict); {done} row(s) written before it")
                continue
            message = result.message
            if out_dir:
                if message.text is not None and message.kind == "email":
                    data = bytes(message.to_email())
                else:
                    data = text_report(message).encode()
                write_output(str(Path(out_dir) / file_name(result)), data)
            elif fmt == "jsonl":
                record = message.to_dict()
                record["line"] = result.line
                pending.append(encode(record) + "\n")
            else:
                pending.append(f"# line {result.line}\n" + text_report(message) + "\n")
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
    click.echo(f"followup-script: {done} row(s) written, {failed} failed", err=True)
    if failed:
        ctx.exit(2)


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


# -- entry point ----------------------------------------------------------------------------------


def error_line(exc: FollowupError) -> str:
    """The error as this command line says it: a value the library names by its
    field (``next``) is named by the option that gives it (``--next``)."""
    if type(exc) is InputError and exc.field is not None:
        return exc.sentence("--" + exc.field.replace("_", "-"))
    return str(exc)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args or os.environ.get("FOLLOWUP_SCRIPT_DEBUG") == "1"
    try:
        code = cli.main(args=args, prog_name="followup-script", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except FollowupError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"followup-script: error: {error_line(exc)}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:  # one line, like every other error
        where = f"; see {exc.ctx.command_path} --help" if exc.ctx is not None else ""
        click.echo(f"followup-script: error: {' '.join(exc.format_message().split())}{where}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("followup-script: interrupted; nothing was saved or sent", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            raise
        click.echo(
            f"followup-script: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug and report it)",
            err=True,
        )
        return 1


def run() -> None:
    sys.exit(main())
