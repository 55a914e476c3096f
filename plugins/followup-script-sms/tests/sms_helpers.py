"""Helpers for the sms plugin tests: a Scriptwriter with the plugin and Twilio's answers.

(Named uniquely, not conftest, so it cannot clash with other plugins' test helpers.)
"""

from __future__ import annotations

import base64
import datetime as dt

from followup_script import History, Scriptwriter
from followup_script.input.config import Config
from followup_script.plugins.manager import build_plugin_manager

import followup_script_sms

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "tok-7f3e9a1c5b2d4e6f"
SENDER = "+14155550100"
MESSAGES_PATH = f"/2010-04-01/Accounts/{SID}/Messages.json"
PROFILE = {"name": "Ana Lima", "phone": "+1 555 123 4567", "email": "ana@example.com"}
CONTACT = {"name": "Dana Reyes", "company": "Acme Analytics", "role": "Data Engineer",
           "phone": "+1 212 555 0123"}
CONTACT_E164 = "+12125550123"
LAST = dt.date(2026, 11, 20)  # a Friday


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def created(sid="SM" + "a" * 32, status="queued", segments="1", body="..."):
    """What Twilio answers (201) when it accepts a message."""
    return {"sid": sid, "status": status, "num_segments": segments, "body": body,
            "account_sid": SID, "to": CONTACT_E164, "from": SENDER, "error_code": None}


def twilio_error(code: int, message: str, status: int) -> dict:
    return {"code": code, "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


def make_writer(tmp_path, sms: dict | None = None) -> Scriptwriter:
    data = {"profile": dict(PROFILE)}
    if sms is not None:
        data["sms"] = dict(sms)
    plugins = build_plugin_manager(load_entrypoints=False, extra=[followup_script_sms])
    return Scriptwriter(Config(path=tmp_path / "c.toml", data=data), plugins)


def sms_settings(httpserver, **extra) -> dict:
    settings = {"account_sid": SID, "auth_token": TOKEN, "from": SENDER,
                "base_url": httpserver.url_for("/").rstrip("/"), "retry_backoff": 0.01}
    settings.update(extra)
    return settings


def three_day_message(writer, contact=None, situation="application"):
    history = History(LAST, "no-commitment", situation)
    plan = writer.plan(history, dt.date(2026, 11, 23))
    return writer.write("sms", plan, dict(CONTACT if contact is None else contact),
                        today=dt.date(2026, 11, 23))
