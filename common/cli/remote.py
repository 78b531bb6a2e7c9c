"""Asking an MLTrack server's REST API instead of the local database (``--url`` / ``MLTRACK_URL``,
``--token`` / ``MLTRACK_TOKEN``), for the verbs that offer it (validate, check).

The standard library only (urllib, ssl, json), and nothing of Django: a CI job's gate runs without
a database or settings, and starts fast. Whatever keeps the server from answering the question is
a CLIError with exit 2 and a message saying what to fix: the server cannot be reached, TLS fails,
the token is refused (unknown, revoked, expired), the server redirects or fails.

TLS is verified against the system's certificate authorities, or ``MLTRACK_CA_BUNDLE`` (a PEM
file, e.g. the bank's internal CA). Redirects are not followed: the token is sent only to the URL
given. See docs/ci.md.
"""

from __future__ import annotations

import argparse
import os
from typing import Any, NamedTuple

from common.cli.errors import (
    EXIT_FAILED,
    EXIT_USAGE,
    PERMISSION_DENIED,
    SERVER_ERROR,
    THROTTLED,
    TLS,
    TOKEN_REFUSED,
    UNREACHABLE,
    CLIError,
    usage_error,
)

URL_VARIABLE = "MLTRACK_URL"
TOKEN_VARIABLE = "MLTRACK_TOKEN"
CA_BUNDLE_VARIABLE = "MLTRACK_CA_BUNDLE"
API_PATH = "/api/v1/"
# A whole inventory's evaluation may take a while to compute and send.
TIMEOUT_SECONDS = 120

BAD_URL_MESSAGE = "argument --url: {url!r} is not an http:// or https:// URL (e.g. https://mltrack.bank.example)"
NO_TOKEN_MESSAGE = (
    "remote mode needs an API token: set MLTRACK_TOKEN (or pass --token); make one on the console's "
    "API tokens page or with mltrack token create"
)
TOKEN_WITHOUT_URL_MESSAGE = "argument --token: only used with --url (or MLTRACK_URL), to ask a server"
USER_IN_REMOTE_MESSAGE = "argument --user: not used with --url: the token's account acts on the server"
UNREACHABLE_MESSAGE = "Cannot reach the MLTrack server at {url}: {reason}."
TLS_MESSAGE = (
    "TLS failed with the MLTrack server at {url}: {reason}. If the server's certificate comes from an "
    "internal authority, point MLTRACK_CA_BUNDLE at its PEM file."
)
REFUSED_MESSAGE = "The MLTrack server at {url} refused the token: {reason}"
REDIRECT_MESSAGE = (
    "The server at {url} redirected to {location}: the token is sent only to the URL given, so "
    "use the server's own address in --url / MLTRACK_URL."
)
NOT_API_MESSAGE = "The server at {url} has no MLTrack API at {path} (HTTP {status}): check --url / MLTRACK_URL."
SERVER_MESSAGE = "The MLTrack server at {url} could not answer (HTTP {status}): {reason}"
THROTTLED_MESSAGE = "The MLTrack server at {url} is limiting this token's requests: {reason}"
NOT_MLTRACK_MESSAGE = "The server at {url} did not answer as an MLTrack server would ({reason})."


class Server(NamedTuple):
    url: str
    token: str


def add_remote_options(parser: argparse.ArgumentParser) -> None:
    """--url and --token, for a verb that can ask a server instead of the local database."""
    group = parser.add_argument_group("remote mode: ask an MLTrack server's API instead of the local database")
    group.add_argument("--url", metavar="URL", default=None,
                       help=f"the server, e.g. https://mltrack.bank.example (default: ${URL_VARIABLE})")
    group.add_argument("--token", metavar="TOKEN", default=None,
                       help=f"an API token (default: ${TOKEN_VARIABLE}; prefer the variable: arguments show in "
                       "process lists)")


def wants_remote(args: argparse.Namespace) -> bool:
    """Whether the verb offers remote mode and was given a server (--url or MLTRACK_URL)."""
    return hasattr(args, "url") and bool(args.url or os.environ.get(URL_VARIABLE, "").strip())


def server_of(args: argparse.Namespace) -> Server:
    """The server and token to ask; a usage error (exit 2) when either is missing or malformed."""
    url = (args.url or os.environ.get(URL_VARIABLE, "")).strip().rstrip("/")
    if not url.lower().startswith(("http://", "https://")) or len(url.split("//", 1)[1]) == 0:
        usage_error(args, BAD_URL_MESSAGE.format(url=url))
    if getattr(args, "user", None):
        usage_error(args, USER_IN_REMOTE_MESSAGE)
    token = (args.token or os.environ.get(TOKEN_VARIABLE, "")).strip()
    if not token:
        usage_error(args, NO_TOKEN_MESSAGE)
    return Server(url, token)


def refuse_stray_token(args: argparse.Namespace) -> None:
    """--token without a server is a mistake worth saying (the local database takes no token)."""
    if getattr(args, "token", None):
        usage_error(args, TOKEN_WITHOUT_URL_MESSAGE)


def get_json(server: Server, path: str, params: dict[str, str]) -> Any:
    """GET ``/api/v1/<path>?<params>`` with the token; the decoded JSON, or CLIError (exit 2, or 1 when
    the server refuses the token's role) saying why there is no answer."""
    import json
    import ssl
    import urllib.error
    import urllib.parse
    import urllib.request

    from common import __version__

    address = f"{server.url}{API_PATH}{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
    request = urllib.request.Request(address, headers={
        "Authorization": f"Bearer {server.token}", "Accept": "application/json", "User-Agent": f"mltrack/{__version__}",
    })
    try:
        opener = _opener(ssl.create_default_context(cafile=os.environ.get(CA_BUNDLE_VARIABLE) or None))
    except OSError as exc:  # MLTRACK_CA_BUNDLE names no readable PEM file
        raise CLIError(TLS_MESSAGE.format(url=server.url, reason=f"{CA_BUNDLE_VARIABLE}: {exc}"), EXIT_USAGE,
                       code=TLS) from None
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise _http_error(server, path, exc.code, exc.read(), exc.headers) from None
    except urllib.error.URLError as exc:
        raise _connection_error(server, exc.reason) from None
    except (OSError, ValueError) as exc:  # a connection reset or timeout mid-answer, a malformed address
        raise _connection_error(server, exc) from None
    try:
        return json.loads(body)
    except ValueError:
        raise CLIError(NOT_MLTRACK_MESSAGE.format(url=server.url, reason="its answer is not JSON"), EXIT_USAGE,
                       code=SERVER_ERROR) from None


def _opener(context):
    """urllib with this TLS context and no redirects (defined here: urllib loads only when a verb asks)."""
    import urllib.request

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            return None  # urllib then raises HTTPError with the 3xx status, answered in _http_error

    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirects())


def _connection_error(server: Server, reason: object) -> CLIError:
    import ssl

    if isinstance(reason, ssl.SSLCertVerificationError):
        text = f"certificate verify failed ({reason.verify_message})"
        return CLIError(TLS_MESSAGE.format(url=server.url, reason=text), EXIT_USAGE, code=TLS)
    text = str(getattr(reason, "reason", None) or reason) or type(reason).__name__
    if isinstance(reason, ssl.SSLError):
        return CLIError(TLS_MESSAGE.format(url=server.url, reason=text), EXIT_USAGE, code=TLS)
    if isinstance(reason, TimeoutError):
        text = f"no answer within {TIMEOUT_SECONDS} s"
    return CLIError(UNREACHABLE_MESSAGE.format(url=server.url, reason=text.rstrip(".")), EXIT_USAGE, code=UNREACHABLE)


def _error_object(body: bytes) -> dict[str, Any]:
    """The API's {"error": {...}} object, or an empty one when the body is something else."""
    import json

    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def _http_error(server: Server, path: str, status: int, body: bytes, headers) -> CLIError:
    from common.cli.output import plain

    error = _error_object(body)
    reason = plain(str(error.get("message") or f"HTTP {status}"))
    suggestions = [plain(str(s)) for s in error.get("suggestions") or [] if isinstance(s, str)]
    if 300 <= status < 400:
        location = plain(headers.get("Location") or "another address")
        return CLIError(REDIRECT_MESSAGE.format(url=server.url, location=location), EXIT_USAGE, code=UNREACHABLE)
    if status == 401:
        return CLIError(REFUSED_MESSAGE.format(url=server.url, reason=reason), EXIT_USAGE, code=TOKEN_REFUSED)
    if status == 403:
        return CLIError(reason, EXIT_FAILED, code=PERMISSION_DENIED)
    if status == 429:
        return CLIError(THROTTLED_MESSAGE.format(url=server.url, reason=reason), EXIT_USAGE, code=THROTTLED)
    if not error:
        # Not the API's error body: a proxy's page, another application, a path that is not there.
        return CLIError(NOT_API_MESSAGE.format(url=server.url, path=API_PATH + path, status=status), EXIT_USAGE,
                        code=SERVER_ERROR)
    if status < 500:
        # The question itself was wrong (an unknown model, a bad value): a usage error, as locally.
        return CLIError(reason, EXIT_USAGE, code=str(error.get("code") or "usage_error"), suggestions=suggestions)
    return CLIError(SERVER_MESSAGE.format(url=server.url, status=status, reason=reason), EXIT_USAGE, code=SERVER_ERROR)
