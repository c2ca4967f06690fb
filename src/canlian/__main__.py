"""The ``canlian`` console command: Django's manage.py under a friendlier name.

``canlian migrate``, ``canlian seed --deployment yueqing --persons 20000``,
``canlian import persons ROSTER.xlsx``, ``canlian runserver`` …
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canlian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
