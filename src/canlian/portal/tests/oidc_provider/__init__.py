"""A small OpenID Connect provider for the portal's sign-in tests, run as its own process.

It stands in for the provincial platform (浙里办 / 爱山东): a separate Django project on
loopback running django-oauth-toolkit, a maintained OAuth 2 / OpenID Connect provider, so
the portal's relying party is tested against a real discovery document, key set,
authorisation and token endpoints and signed ID tokens, not against mocks.
"""
