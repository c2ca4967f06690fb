"""WSGI entry point for production servers (gunicorn, uwsgi).

In production the server refuses to start while a demo login keeps its published
password (core/startup.py); unsafe settings are refused earlier, in settings.py.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canlian.settings")
application = get_wsgi_application()

from canlian.core.startup import refuse_demo_logins  # noqa: E402 - needs Django set up

refuse_demo_logins()
