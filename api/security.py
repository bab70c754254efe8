"""Request hardening: a body-size limit (413), security headers, and CSRF tokens for the expert forms.

CSRF tokens are ``<unix time>.<HMAC-SHA256(secret, "csrf" ‖ invitation hash ‖ time)>``: bound to one
invitation, valid for :data:`CSRF_MAX_AGE` seconds, checked in constant time on every form POST.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_MAX_AGE = 12 * 3600


def csrf_token(secret: bytes, binding: str, now: float | None = None) -> str:
    """A CSRF token bound to ``binding`` (the invitation's token hash)."""
    stamp = str(int(time.time() if now is None else now))
    mac = hmac.new(secret, f"csrf|{binding}|{stamp}".encode(), hashlib.sha256).hexdigest()
    return f"{stamp}.{mac}"


def csrf_valid(secret: bytes, binding: str, token: str | None, now: float | None = None) -> bool:
    if not token or "." not in token:
        return False
    stamp, _, mac = token.partition(".")
    if not stamp.isdigit():
        return False
    age = (time.time() if now is None else now) - int(stamp)
    if not -60 <= age <= CSRF_MAX_AGE:
        return False
    expected = hmac.new(secret, f"csrf|{binding}|{stamp}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, expected)


class _TooLarge(HTTPException):
    """Raised from ``receive`` once a streamed body passes the limit; FastAPI re-raises HTTP exceptions
    while reading bodies, so the app's handler (or this middleware) answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


class BodySizeLimit:
    """ASGI middleware answering 413 (problem JSON) when a request body exceeds ``max_bytes``.

    A declared ``Content-Length`` is checked before the app runs; a streamed (chunked) body is counted as it
    is read, and the request is aborted as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _reject(self, send: Send) -> None:
        body = json.dumps(
            {
                "type": "/problems/content-too-large",
                "title": "Content Too Large",
                "status": 413,
                "detail": f"The request body is larger than {self.max_bytes} bytes.",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._reject(send)
                    return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await self._reject(send)


class SecurityHeaders:
    """Headers on every response; expert pages (``/e/…``) also get a strict CSP, no caching and no referrer
    (their URL holds the invitation token)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = scope.get("path", "").startswith("/e/")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                if page:
                    headers += [
                        (
                            b"content-security-policy",
                            b"default-src 'self'; style-src 'self'; img-src 'self' data:; "
                            b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                        ),
                        (b"cache-control", b"no-store"),
                        (b"x-frame-options", b"DENY"),
                    ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add_headers)
