"""``canlian rights escalate``: supervise (督办) every open rights case past its time limit
(the scheduler runs it daily as ``rights_escalation``: ``canlian scheduler``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from canlian.rights import actions


class Command(BaseCommand):
    help = "Rights casework sweeps: escalate overdue cases to the federation (督办)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["escalate"])

    def handle(self, *args, **opts):
        count = actions.escalate_overdue()
        self.stdout.write(f"{count} overdue case(s) sent to the federation for supervision")
