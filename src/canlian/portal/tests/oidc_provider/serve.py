"""Start the test provider: ``python -m canlian.portal.tests.oidc_provider.serve CLIENT
SECRET REDIRECT_URI``. Prints ``ISSUER <url>`` once it serves, then serves until killed."""

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def main() -> None:
    client_id, client_secret, redirect_uri = sys.argv[1:4]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["OIDC_PROVIDER_KEY"] = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    # In memory: the provider serves from the one thread that migrated it, and starts fast.
    os.environ["OIDC_PROVIDER_DB"] = ":memory:"
    os.environ["OIDC_PROVIDER_SECRET"] = os.urandom(32).hex()
    os.environ["DJANGO_SETTINGS_MODULE"] = "canlian.portal.tests.oidc_provider.settings"
    django_app: list = []  # the port must be known before Django starts (the issuer)
    server = make_server("127.0.0.1", 0, lambda env, start: django_app[0](env, start),
                         handler_class=QuietHandler)
    issuer = f"http://127.0.0.1:{server.server_port}/o"
    os.environ["OIDC_PROVIDER_ISSUER"] = issuer

    import django
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    from oauth2_provider.models import Application

    Application.objects.create(
        name="Canlian portal", client_id=client_id, client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri, skip_authorization=True, algorithm=Application.RS256_ALGORITHM)
    django_app.append(WSGIHandler())
    print("ISSUER", issuer, flush=True)  # noqa: T201 - the parent process reads it
    server.serve_forever()


if __name__ == "__main__":
    main()
