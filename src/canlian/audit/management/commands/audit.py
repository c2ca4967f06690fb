"""``canlian audit verify``: walk the audit log's hash chain and report the first broken link."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from canlian.audit import chain
from canlian.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (exit status 1 at the first broken link)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["verify"])

    def handle(self, *args, **opts):
        rows = (AuditEvent.objects.order_by("id")
                .values("id", "hash", *chain.FIELDS).iterator(chunk_size=20_000))
        checked, broken, last = chain.first_break(rows)
        if broken is not None:
            event = AuditEvent.objects.filter(pk=broken).values("at").first()
            at = f" ({event['at']:%Y-%m-%d %H:%M:%S})" if event else ""
            raise CommandError(
                f"audit chain broken at event #{broken}{at}: it or the event before it was changed, "
                f"removed or inserted; {checked} events before it verify")
        head = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        self.stdout.write(f"audit chain intact: {checked} events, head #{head}, hash {last}")
