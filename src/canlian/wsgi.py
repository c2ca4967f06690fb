"""WSGI entry point for production servers (gunicorn, uwsgi).

The process refuses to start on a database whose schema is incomplete, and in production
while a demo login keeps its published password (core/startup.py); unsafe settings are
refused earlier, in settings.py.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canlian.settings")
os.environ.setdefault("CANLIAN_PROCESS", "web")

from django.core.wsgi import get_wsgi_application

from canlian.core.startup import guard_web, refuse_demo_logins

application = get_wsgi_application()
guard_web()
refuse_demo_logins()
