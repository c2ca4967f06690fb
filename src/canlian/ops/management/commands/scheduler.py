"""``canlian scheduler``: the process that enqueues scheduled jobs when they are due
(ops/scheduler.py). Run one (systemd unit ``canlian-scheduler.service``); a second one by
mistake does no harm (each slot runs once). ``--once`` does one pass and exits."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from canlian.ops import registry, scheduler, slots


class Command(BaseCommand):
    help = "Enqueue scheduled jobs when they are due (runs until stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--tick", type=float, default=scheduler.TICK_SECONDS,
                            help="seconds between passes")
        parser.add_argument("--list", action="store_true", help="show the schedule and exit")

    def handle(self, *args, **opts):
        if opts["list"]:
            now = timezone.localtime()
            for job in registry.REGISTRY.values():
                expression = job.expression()
                following = slots.upcoming(expression, now)
                self.stdout.write(f"{job.code:20} {expression:16} next "
                                  f"{following:%Y-%m-%d %H:%M}" if following else
                                  f"{job.code:20} off")
            return
        scheduler.loop(tick_seconds=opts["tick"], once=opts["once"])
