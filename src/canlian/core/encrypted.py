"""Model fields for encryption at rest (core/crypto.py says how and why).

``EncryptedCharField`` stores a value encrypted and gives it back in clear to Python; the
database holds only ciphertext. It cannot be searched or compared in SQL: an exact search
goes through a ``BlindIndexField`` beside it, kept by ``pre_save`` on every ``save()`` and
``bulk_create`` (and by ``core.bulk.create``). ``QuerySet.update()`` and ``bulk_update()``
of the source field must also set the index: use ``index_values()``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast

from . import crypto


class EncryptedCharField(models.CharField):
    """A short text kept encrypted (AES-256-GCM). ``max_length`` is the clear length, checked
    by forms and validation; the column itself is wide enough for the ciphertext."""

    encrypted = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str | None:
        return models.CharField(max_length=self.stored_length()).db_type(connection)

    def stored_length(self) -> int:
        # prefix, key id (up to 16), base64 of 12 + 4·length (UTF-8) + 16 bytes
        return 24 + ((28 + 4 * (self.max_length or 0)) // 3 + 1) * 4

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return crypto.decrypt(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if isinstance(value, str) else value


class BlindIndexField(models.CharField):
    """The keyed hash of another field's value, for exact search (``source__exact``)."""

    def __init__(self, *args: Any, source: str = "", purpose: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        self.source = source
        self.purpose = purpose or source

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["purpose"] = self.purpose
        for key in ("max_length", "blank", "editable", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = crypto.blind_index(getattr(model_instance, self.source) or "", self.purpose)
        setattr(model_instance, self.attname, value)
        return value


def index_of(model: type[models.Model], source: str, value: str) -> str:
    """The blind index ``model``'s index field for ``source`` holds for ``value``."""
    for f in model._meta.concrete_fields:
        if isinstance(f, BlindIndexField) and f.source == source:
            return crypto.blind_index(value, f.purpose)
    raise LookupError(f"{model.__name__}.{source} has no blind index")


def index_values(model: type[models.Model], **values: str) -> dict[str, str]:
    """``update(**index_values(Person, phone=x))``: the values and their indexes."""
    out: dict[str, str] = dict(values)
    for f in model._meta.concrete_fields:
        if isinstance(f, BlindIndexField) and f.source in values:
            out[f.attname] = crypto.blind_index(values[f.source] or "", f.purpose)
    return out


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def reencrypt(model: type[models.Model], fields: list[str] | None = None, *,
              batch: int = 2000) -> int:
    """Encrypt ``fields`` of every row of ``model`` with the newest key, in primary-key
    batches, and refresh their blind indexes; return the number of rows rewritten.

    Used by the migrations that turn a clear column into an encrypted one (clear values
    are read as they are) and by ``canlian keys rotate``. A row already under the newest
    key with a correct index is left alone, so a rotation can be stopped and run again.
    """

    fields = fields or encrypted_fields(model)
    current = f"{crypto.PREFIX}{crypto.ring().current[0]}:"
    indexes = [f for f in model._meta.concrete_fields
               if isinstance(f, BlindIndexField) and f.source in fields]
    manager = model._base_manager
    last: Any = None
    rewritten = 0
    while True:
        qs = manager.order_by("pk").annotate(
            **{f"raw__{f}": Cast(f, TextField()) for f in fields}).only(
            "pk", *fields, *(ix.attname for ix in indexes))
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs[:batch])
        if not rows:
            return rewritten
        last = rows[-1].pk
        stale = []
        for row in rows:
            old = any((getattr(row, f"raw__{f}") or "") and not getattr(row, f"raw__{f}").startswith(
                current) for f in fields)
            for ix in indexes:
                value = crypto.blind_index(getattr(row, ix.source) or "", ix.purpose)
                if getattr(row, ix.attname) != value:
                    setattr(row, ix.attname, value)
                    old = True
            if old:
                stale.append(row)
        if stale:
            manager.bulk_update(stale, [*fields, *(ix.attname for ix in indexes)],
                                batch_size=batch)
            rewritten += len(stale)


def migration_encrypt(app_label: str, model_name: str, batch: int = 2000):
    """A ``RunPython`` step converting a model's existing clear values in batches."""

    def run(apps: Any, schema_editor: Any) -> None:
        reencrypt(apps.get_model(app_label, model_name), batch=batch)

    return run
