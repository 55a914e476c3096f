"""``followup-script gmail login | logout | status``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from followup_script.errors import ConfigError

from .inbox import READ_SCOPE
from .login import SCOPE, SCOPES, Settings, file_mode, parse_expiry, read_token, scopes_of, write_token


def _settings(ctx: click.Context) -> Settings:
    """The ``[gmail]`` settings of the run's config file (``--config`` honoured): ``ctx.obj``
    is the run's session (docs/plugins.md, register_commands)."""
    return Settings.from_config(ctx.obj.config)


def check_client_secrets(path: str) -> dict:
    """The client-secrets JSON from Google Cloud, or a one-line error saying what to download."""
    fix = (
        "download it from the Google Cloud console (APIs & Services > Credentials > "
        "OAuth client ID > Desktop app > Download JSON)"
    )
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"client-secrets file {path!r} does not exist; {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"client-secrets file {path!r} cannot be read ({reason}); {fix}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigError(f"client-secrets file {path!r} is not JSON; {fix}") from None
    client = data.get("installed") if isinstance(data, dict) else None
    if client is None and isinstance(data, dict) and "web" in data:
        raise ConfigError(
            f"client-secrets file {path!r} is for a Web application, whose redirect URLs do not "
            f"allow a sign-in from this computer; create a Desktop app client: {fix}"
        )
    if not isinstance(client, dict) or not all(
        client.get(k) for k in ("client_id", "auth_uri", "token_uri")
    ):
        raise ConfigError(
            f"client-secrets file {path!r} is not an OAuth client (no 'installed' client with "
            f"client_id, auth_uri and token_uri); {fix}"
        )
    return data


def add_commands(cli: click.Group) -> None:
    @cli.group("gmail")
    def gmail():
        """Log in to Gmail so `--channel gmail --deliver` can save drafts (it never sends).

        \b
          followup-script gmail login --client-secrets client_secret.json
          followup-script gmail status
          followup-script --channel gmail --deliver --name "Dana Reyes" \\
            --email dana@example.com --last-contact 2026-11-20 --outcome no-commitment
          followup-script gmail logout
        """

    @gmail.command()
    @click.option("--client-secrets", "client_secrets", required=True, metavar="FILE",
                  help="The OAuth client JSON of a Desktop app from the Google Cloud console.")
    @click.option("--no-browser", is_flag=True, help="Print the sign-in link instead of opening a browser.")
    @click.option("--inbox", is_flag=True, help="Also let `sync` read replies (adds the gmail.readonly scope).")
    @click.pass_context
    def login(ctx, client_secrets, no_browser, inbox):
        """Sign in with Google in your browser and save the login token (mode 0600).

        Only the gmail.compose scope is asked for: followup-script can create
        drafts, and it never sends them. With --inbox, also gmail.readonly, so
        that sync can find replies and the drafts you sent.
        """
        settings = _settings(ctx)
        check_client_secrets(client_secrets)
        from google_auth_oauthlib.flow import InstalledAppFlow

        try:
            flow = InstalledAppFlow.from_client_secrets_file(
                str(Path(client_secrets).expanduser()), scopes=SCOPES + ([READ_SCOPE] if inbox else [])
            )
        except ValueError as exc:
            raise ConfigError(f"client-secrets file {client_secrets!r} was refused: {exc}") from None
        click.echo(
            ("Open the link below" if no_browser else "Opening Google sign-in in your browser")
            + "; sign in and allow followup-script to manage drafts"
            + (" and read your mail (for sync)." if inbox else "."),
            err=True,
        )
        try:
            creds = flow.run_local_server(
                port=0, open_browser=not no_browser, prompt="consent",
                authorization_prompt_message="Sign in with Google here: {url}",
                success_message="followup-script is signed in to Gmail; you can close this tab.",
            )
        except (KeyboardInterrupt, click.Abort):
            raise
        except Exception as exc:  # oauthlib and google-auth raise many kinds
            raise ConfigError(
                f"Google sign-in failed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); "
                "try again"
            ) from None
        granted = scopes_of(json.loads(creds.to_json()))
        if granted and SCOPE not in granted:
            raise ConfigError(
                f"Google did not grant {SCOPE}; run gmail login again and tick "
                "'Manage drafts and send emails'"
            )
        write_token(settings.token_file, json.loads(creds.to_json()))
        click.echo(f"Logged in to Gmail. Saved the login to {settings.token_file} (mode 0600).")
        click.echo("Create drafts with: followup-script --channel gmail --deliver ...")

    @gmail.command()
    @click.pass_context
    def logout(ctx):
        """Forget the saved Gmail login (delete the token file)."""
        settings = _settings(ctx)
        path = settings.token_file
        try:
            path.unlink()
        except FileNotFoundError:
            click.echo(f"Not logged in to Gmail: there is no token file at {path}.")
            return
        except OSError as exc:
            raise ConfigError(f"cannot remove the Gmail token file {str(path)!r} ({exc.strerror})") from None
        click.echo(f"Logged out of Gmail: removed {path}.")
        click.echo("To withdraw access at Google too, remove the app at https://myaccount.google.com/permissions")

    @gmail.command()
    @click.pass_context
    def status(ctx):
        """Show whether you are logged in, with which scopes and until when (never the token)."""
        settings = _settings(ctx)
        path = settings.token_file
        if not path.exists():
            click.echo(f"Not logged in to Gmail (no token file at {path}).")
            click.echo("Log in with: followup-script gmail login --client-secrets FILE")
            return
        data = read_token(path)
        scopes = scopes_of(data)
        click.echo(f"Logged in to Gmail: token file {path}")
        mode = file_mode(path)
        if mode is not None and mode & 0o077:
            click.echo(f"  warning: the token file has mode {mode:04o}; run: chmod 600 {path}")
        click.echo(f"  scopes:  {', '.join(scopes) if scopes else 'not recorded'}")
        if scopes and SCOPE not in scopes:
            click.echo(f"  warning: {SCOPE} is missing, so drafts will be refused; log in again")
        expiry = parse_expiry(data.get("expiry"))
        if expiry is None:
            click.echo("  access token expires: not recorded")
        else:
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            state = "expired; it is renewed on the next draft" if expiry <= now else "valid"
            click.echo(f"  access token expires: {expiry:%Y-%m-%d %H:%M} UTC ({state})")
        can_refresh = bool(data.get("refresh_token") and data.get("client_id") and data.get("client_secret"))
        click.echo(f"  can renew itself: {'yes' if can_refresh else 'no; log in again when it expires'}")
