"""The ``canlian`` console command: Django's manage.py under a friendlier name.

``canlian migrate``, ``canlian seed --deployment yueqing --persons 20000``,
``canlian import persons ROSTER.xlsx``, ``canlian runserver`` … Serving and paying
commands verify the database schema first, and database failures print one clear line
(core/startup.py).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "canlian.settings")
    from canlian.core.startup import main as run

    sys.exit(run(sys.argv))


if __name__ == "__main__":
    main()
