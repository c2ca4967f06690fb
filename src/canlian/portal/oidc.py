"""Signing in through the provincial platform (浙里办 / 爱山东) with OpenID Connect.

The provincial platforms give their users an identity verified against the resident ID
card; a citizen coming from the provincial app should not need a text-message code as
well. Canlian is the relying party: it sends the citizen to the provider's authorisation
endpoint (authorisation code flow with PKCE and a nonce), takes the code back, exchanges
it for an ID token and validates that token (signature against the provider's published
keys, issuer, audience, expiry, nonce) with Authlib, a maintained OAuth/OIDC library,
rather than by hand. What the portal then trusts is only two claims: the resident ID and
the name, in the claims this deployment names (``CANLIAN_OIDC_ID_CLAIM``,
``CANLIAN_OIDC_NAME_CLAIM``), since each province's platform names them its own way.

This module knows the protocol and the configuration; who may sign in is decided in
``portal.actions.oidc_account``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc.errors import JoseError


class ProviderError(Exception):
    """The provider's answer could not be trusted: why, for the log (never shown as is)."""


@dataclass(frozen=True)
class Config:
    issuer: str
    client_id: str
    client_secret: str
    scope: str
    id_claim: str
    name_claim: str
    label: str
    timeout: float


def config() -> Config | None:
    """This deployment's provider, or None when sign-in through it is not configured."""
    if not (settings.CANLIAN_OIDC_ISSUER and settings.CANLIAN_OIDC_CLIENT_ID):
        return None
    return Config(issuer=settings.CANLIAN_OIDC_ISSUER.rstrip("/"),
                  client_id=settings.CANLIAN_OIDC_CLIENT_ID,
                  client_secret=settings.CANLIAN_OIDC_CLIENT_SECRET,
                  scope=settings.CANLIAN_OIDC_SCOPE,
                  id_claim=settings.CANLIAN_OIDC_ID_CLAIM,
                  name_claim=settings.CANLIAN_OIDC_NAME_CLAIM,
                  label=settings.CANLIAN_OIDC_LABEL,
                  timeout=settings.CANLIAN_OIDC_TIMEOUT)


@functools.lru_cache(maxsize=4)
def _client(cfg: Config) -> Any:
    """One Authlib client per configuration; it caches the provider's metadata and keys."""
    registry = OAuth()
    return registry.register(
        "province", client_id=cfg.client_id, client_secret=cfg.client_secret,
        server_metadata_url=f"{cfg.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": cfg.scope, "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "client_secret_post",
                       "default_timeout": cfg.timeout})


def authorize_redirect(request: Any, redirect_uri: str) -> Any:
    """The redirect to the provider; state, nonce and PKCE verifier are kept in the session."""
    cfg = config()
    assert cfg is not None
    try:
        return _client(cfg).authorize_redirect(request, redirect_uri)
    except (OAuthError, OSError, ValueError) as exc:
        raise ProviderError(f"cannot reach the provider: {exc}") from exc


@dataclass(frozen=True)
class Identity:
    resident_id: str
    name: str
    subject: str


def identity_from_callback(request: Any) -> Identity:
    """Exchange the code and validate the ID token; the verified resident ID and name.

    A state the session does not hold (replayed, forged, or from another browser), a
    token for another client, an expired one, a bad signature or a wrong nonce raise
    ``ProviderError``: Authlib checks them, this function only says so in one way."""
    cfg = config()
    assert cfg is not None
    try:
        token = _client(cfg).authorize_access_token(request, claims_options={
            "iss": {"essential": True, "values": [cfg.issuer]},
            "aud": {"essential": True, "values": [cfg.client_id]},
            "exp": {"essential": True}})
    except (OAuthError, JoseError, OSError, ValueError, KeyError) as exc:
        raise ProviderError(f"{type(exc).__name__}: {exc}") from exc
    claims = token.get("userinfo")
    if not claims:
        raise ProviderError("the provider returned no ID token")
    resident_id = str(claims.get(cfg.id_claim) or "")
    if not resident_id:
        raise ProviderError(f"the ID token has no {cfg.id_claim!r} claim")
    return Identity(resident_id=resident_id, name=str(claims.get(cfg.name_claim) or ""),
                    subject=str(claims.get("sub") or ""))
