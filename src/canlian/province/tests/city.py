"""A city deployment for the loopback test, in its own process and database
(``DATABASE_URL`` of the environment):

- ``python -m canlian.province.tests.city setup DEPLOYMENT PERSONS YEAR``: migrate, seed a
  small demo district, freeze YEAR's figures as the federation (unless the demo did), and print
  ``KEY <api key>`` for a province key covering the whole deployment;
- ``python -m canlian.province.tests.city corrupt PLAN YEAR``: change the frozen figures
  of YEAR in place, so that the first indicator's first township counts more persons
  than its denominator (a city whose export has gone wrong).
"""

import sys


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from canlian.accounts.models import User
    from canlian.api.actions import issue_client
    from canlian.indicators import actions, plans
    from canlian.indicators.models import FrozenYear
    from canlian.regions.models import Deployment

    verb = sys.argv[1]
    if verb == "setup":
        deployment, persons, year = sys.argv[2], sys.argv[3], int(sys.argv[4])
        call_command("migrate", verbosity=0)
        call_command("seed", deployment=deployment, persons=int(persons), verbosity=0)
        federation = User.objects.get(username="federation")
        current = Deployment.current()
        assert current is not None
        plan = plans.load(f"{deployment}-14th")
        if not FrozenYear.objects.filter(plan=plan.code, year=year).exists():
            actions.freeze_year(federation, plan, year, note="loopback test")
        _, key = issue_client("province", federation, ["indicators:read"])
        print(f"KEY {key}", flush=True)  # noqa: T201 - the test reads it
    elif verb == "corrupt":
        frozen = FrozenYear.objects.get(plan=sys.argv[2], year=int(sys.argv[3]))
        figures = frozen.figures
        rate = next(i for i in figures["indicators"]
                    if i["denominator"] and i["townships"] and i["townships"][0]["denominator"])
        township = rate["townships"][0]
        township["numerator"] = township["denominator"] + 5
        frozen.figures = figures
        frozen.save(update_fields=["figures"])
        print(f"CORRUPTED {rate['code']} {township['code']}", flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
