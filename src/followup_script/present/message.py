"""A written follow-up in words: its length, the text report, and where a delivery goes and went."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from followup_script.channels.base import Message, Receipt
from followup_script.engine.stages import overdue_words
from followup_script.present.plan import due_words

__all__ = ["delivered_where", "delivery_target", "heading", "length_facts", "length_line", "text_report"]


def length_facts(metrics: Mapping) -> list[str]:
    """What a channel measured, in the units it cares about: ``about 26.4 s to say
    (budget 30 s)``, ``1 SMS segment (120 characters)``, ``46 words``."""
    facts = []
    seconds = metrics.get("estimated_seconds")
    if seconds is not None:
        budget = metrics.get("budget_seconds")
        facts.append(f"about {seconds:g} s to say" + (f" (budget {budget:g} s)" if budget else ""))
    segments = metrics.get("segments")
    if segments is not None:
        facts.append(f"{segments} SMS segment{'s' if segments != 1 else ''}"
                     f" ({metrics.get('characters')} characters)")
    if metrics.get("words") is not None:
        facts.append(f"{metrics['words']} words")
    return facts


def length_line(message: Message) -> str:
    """``voicemail: about 26.4 s to say (budget 30 s), 46 words``, and the subject on a
    second line for an email."""
    facts = length_facts(message.metrics)
    line = f"{message.channel}: " + (", ".join(facts) if facts else "ready")
    if message.subject:
        line += f"\nSubject: {message.subject}"
    return line


def text_report(message: Message, receipt: Receipt | None = None) -> str:
    """The follow-up as a person reads it: stage, due date, why, the channel with the
    script's length, the subject, the script and, once delivered, the receipt."""
    plan = message.plan
    lines = [f"Stage:   {plan.stage.value}" + (f" (attempt {plan.attempt})" if plan.attempt else "")]
    if plan.due:
        late = f" ({overdue_words(plan.overdue_days)})" if plan.overdue_days else ""
        lines.append(f"Due:     {message.due_said or due_words(plan)}{late}")
    lines.append(f"Why:     {message.reason}")  # an agreed time said as the script says it
    if message.text is None:
        lines.append("")
        lines.append("No script: " + ("they asked you to stop, so nothing more is sent."
                                      if plan.stage.value == "stopped" else "they got back to you."))
        return "\n".join(lines) + "\n"
    lines.append("Channel: " + " · ".join([message.channel, *length_facts(message.metrics)]))
    if message.subject:
        lines.append(f"Subject: {message.subject}")
    lines.append("")
    lines.append(message.text.rstrip("\n"))
    if receipt is not None:
        lines.append("")
        lines.append("Delivered: " + ", ".join(f"{k}={v}" for k, v in receipt.to_dict().items() if k != "channel"))
    return "\n".join(lines) + "\n"


def delivery_target(message: Message) -> str:
    """Who a delivery goes to, as the confirmation names them: their email for an email,
    their phone for a text or a call, else their name."""
    contact = message.contact
    if getattr(message, "is_email", None) or message.kind == "email" or message.subject:
        where = contact.get("email")
    elif message.kind in ("sms", "voicemail", "call"):
        where = contact.get("phone")
    else:
        where = contact.get("email") or contact.get("phone")
    return where or contact.get("name") or "the contact"


def delivered_where(receipt: Receipt | Mapping | None) -> str:
    """Where a delivery went, from its receipt (or a receipt stored as a dict): its id,
    else its URL, its path, the channel's detail, or ``no id``."""
    if receipt is None:
        return "no id"

    def get(key: str) -> Any:
        if isinstance(receipt, Mapping):
            return receipt.get(key)
        return getattr(receipt, key, None)
    return get("id") or get("url") or get("path") or get("detail") or "no id"


def heading(message: Message) -> str:
    """Who a follow-up is for and what it is: ``Zoë Müller · Acme · three-day-check``."""
    contact = message.contact
    parts = [contact.get("name") or "the contact", contact.get("company"), message.plan.stage.value]
    return " · ".join(" ".join(str(p).split()) for p in parts if p)
