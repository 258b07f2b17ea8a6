"""Who calls the API: the owner of a bearer token (no session is written), or a cookie session
that sends its CSRF token on unsafe methods; rate limits count per token."""

from __future__ import annotations

import hashlib

from flask import current_app, g, request, session
from flask_babel import gettext as _

from inspect_app.api.common import SAFE_METHODS, bp
from inspect_app.auth import tokens
from inspect_app.core.actions import keep_so_far
from inspect_app.core.errors import error_response
from inspect_app.extensions import csrf, limiter

# Token requests carry no cookie, so they cannot be forged cross-site: CSRF is checked below
# only for requests authenticated by the session cookie.
csrf.exempt(bp)


def _rate_key() -> str:
    """Rate limits count per token (hashed), or per client address without one."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode("utf-8", "replace")).hexdigest()[:32]
    return "addr:" + (request.remote_addr or "unknown")


limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=_rate_key)(bp)


def _unauthorized(message: str):
    response = error_response(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.before_app_request
def authenticate_token():
    """Sign in the owner of a bearer token for this request only (no session is written);
    a cookie session must send the CSRF token on unsafe methods. 401 for a bad token."""
    if request.blueprint != "api":
        return None
    header = request.headers.get("Authorization")
    if header is None:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        return None
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _unauthorized(_("Send the token as: Authorization: Bearer <token>."))
    token = tokens.authenticate(secret.strip())
    if token is None:
        return _unauthorized(_("This token is unknown, revoked or expired."))
    # The token's last use is recorded whatever the request then answers, and before the
    # view takes any lock.
    keep_so_far()
    g._login_user = token.user
    g.api_token = token
    return None


@bp.after_request
def no_session_for_tokens(response):
    """A token request leaves no session cookie behind."""
    if g.get("api_token") is not None:
        session.modified = False
    response.headers.setdefault("Cache-Control", "no-store")
    return response
