"""The provider's claims: the resident ID under its own claim name, and test twists.

A test user's ``last_name`` names a twist the provider applies to the ID token it signs:
``wrong-audience`` (issued for another client) or ``expired`` (an hour past its expiry).
The token is still signed with the provider's real key, so only the relying party's
claim checks can catch it.
"""

import time

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below goes into the ID token

    def get_additional_claims(self, request):
        return {"idcard": request.user.username, "name": request.user.first_name}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        twist = request.user.last_name
        if twist == "wrong-audience":
            claims["aud"] = "another-departments-client"
        elif twist == "expired":
            claims["iat"] = int(time.time()) - 7200
            claims["exp"] = int(time.time()) - 3600
        return claims, expiration
