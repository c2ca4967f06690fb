"""``canlian keys rotate`` re-encrypts every encrypted field with the newest key, in batches;
``canlian keys new`` prints a fresh key; ``canlian keys status`` counts rows by key
(core/crypto.py, docs/privacy.md)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db.models import TextField
from django.db.models.functions import Cast

from canlian.core import crypto
from canlian.core.encrypted import EncryptedJSONField, encrypted_fields, reencrypt


def encrypted_models() -> list[tuple[type, list[str]]]:
    found = []
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = "Field encryption keys: rotate (re-encrypt with the newest key), new, status."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rotate", "new", "status"])
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, **opts):
        if opts["what"] == "new":
            self.stdout.write(crypto.new_key())
            return
        if opts["what"] == "status":
            for model, fields in encrypted_models():
                for f in fields:
                    # a JSON column holds the sealed text as a quoted JSON string
                    quote = '"' if isinstance(model._meta.get_field(f), EncryptedJSONField) else ""
                    qs = model._base_manager.annotate(raw=Cast(f, TextField())).exclude(
                        raw="").exclude(raw__isnull=True)
                    start = f"{quote}{crypto.PREFIX}"
                    counts = {kid: qs.filter(raw__startswith=f"{start}{kid}:").count()
                              for kid, _ in crypto.ring().keys}
                    counts["clear"] = qs.exclude(raw__startswith=start).count()
                    self.stdout.write(f"{model._meta.label}.{f}: {counts}")
            return
        kid = crypto.ring().current[0]
        total = 0
        for model, fields in encrypted_models():
            # each batch commits on its own: a rotation can be stopped and run again
            done = reencrypt(model, fields, batch=opts["batch"])
            total += done
            self.stdout.write(f"{model._meta.label}: {done:,} rows re-encrypted with key {kid}")
        self.stdout.write(f"done: {total:,} rows")
