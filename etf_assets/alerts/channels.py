"""Sending one alert: SMTP e-mail, a Slack-compatible incoming webhook, or a generic
JSON webhook signed with HMAC-SHA256. Each raises on failure (the caller records it and
retries); nothing here touches the warehouse. Not SEC traffic: plain httpx and smtplib,
short timeouts so a dead receiver never holds a sensor tick."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from etf_assets.alerts.subscriptions import Subscription

TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-ETF-Signature"  # "sha256=" + hex HMAC-SHA256 of the raw body


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes a webhook receives (and the signature covers)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def text(payload: dict[str, Any]) -> str:
    lines = [payload["title"], ""]
    for k, v in payload["facts"].items():
        if isinstance(v, list) and v:
            lines += [f"{k}:"] + [f"  - {item}" for item in v]
        elif v not in (None, "", []):
            lines.append(f"{k}: {v}")
    if payload.get("tickers"):
        lines.append(f"tickers: {', '.join(payload['tickers'])}")
    lines += ["", f"event: {payload['key']}"]
    return "\n".join(lines)


def send_email(sub: Subscription, payload: dict[str, Any], smtp_url: str | None,
               sender: str) -> None:
    if not smtp_url:
        raise RuntimeError("ETF_SMTP_URL is not set")
    u = urlsplit(smtp_url)
    query = parse_qs(u.query)
    msg = EmailMessage()
    msg["Subject"] = f"[ETF] {payload['title']}"
    msg["From"] = sender
    msg["To"] = ", ".join(sub.to)
    msg["X-ETF-Event"] = payload["key"]
    msg.set_content(text(payload))
    if u.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(u.hostname, u.port or 465, timeout=TIMEOUT_SECONDS,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(u.hostname, u.port or 25, timeout=TIMEOUT_SECONDS)
    with smtp:
        if u.scheme == "smtp" and query.get("starttls", ["false"])[0].lower() in ("1", "true"):
            smtp.starttls(context=ssl.create_default_context())
        if u.username:
            smtp.login(unquote(u.username), unquote(u.password or ""))
        smtp.send_message(msg)


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    resp = httpx.post(url, content=body, timeout=TIMEOUT_SECONDS,
                      headers={"Content-Type": "application/json", **headers})
    if resp.status_code >= 300:
        raise RuntimeError(f"HTTP {resp.status_code} from {urlsplit(url).netloc}")


def send_slack(sub: Subscription, payload: dict[str, Any]) -> None:
    """Slack's incoming-webhook message shape ({"text": ...}), also what Mattermost,
    Rocket.Chat and Teams' Slack-compatible hooks accept."""
    _post(sub.url, json.dumps({"text": text(payload)}).encode(), {})


def send_webhook(sub: Subscription, payload: dict[str, Any], delivery_id: str) -> None:
    body = body_bytes(payload)
    _post(sub.url, body, {SIGNATURE_HEADER: signature(sub.secret(), body),
                          "X-ETF-Event": payload["key"], "X-ETF-Delivery": delivery_id})


def send(sub: Subscription, payload: dict[str, Any], *, smtp_url: str | None,
         sender: str, delivery_id: str) -> None:
    if sub.channel == "email":
        send_email(sub, payload, smtp_url, sender)
    elif sub.channel == "slack":
        send_slack(sub, payload)
    else:
        send_webhook(sub, payload, delivery_id)
