"""Model fields for encryption at rest (core/crypto.py says how and why).

``EncryptedCharField`` stores a value encrypted and gives it back in clear to Python; the
database holds only ciphertext. It cannot be searched or compared in SQL: an exact search
goes through a ``BlindIndexField`` beside it, kept by ``pre_save`` on every ``save()`` and
``bulk_create`` (and by ``core.bulk.create``). ``QuerySet.update()`` and ``bulk_update()``
of the source field must also set the index: use ``index_values()``. A ``TailField`` keeps
the last characters of the value in clear (a resident ID's last four, which the masked
lists show and staff search by), kept the same way.

An encrypted field that has a blind index answers ``field=value`` and ``field__in=[…]``
through its index (``Person.objects.filter(resident_id=x)`` compares the HMAC of ``x``
with ``resident_id_index``), so exact lookups, joins (``person__resident_id=x``) and
Django's own checks keep working unchanged. Any other lookup on it (``startswith``,
``contains``…) raises ``FieldError``: it could only ever compare ciphertext.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.exceptions import InvalidTag
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import TextField
from django.db.models.expressions import Col
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, In

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

    def index_field(self) -> BlindIndexField | None:
        model = getattr(self, "model", None)
        if model is None:
            return None
        for f in model._meta.concrete_fields:
            if isinstance(f, BlindIndexField) and f.source == self.attname:
                return f
        return None

    def get_lookup(self, lookup_name: str) -> Any:
        index = self.index_field()
        if index is None or lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return IndexedExact
        if lookup_name == "in":
            return IndexedIn
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: only an exact "
                         f"search (through {index.name}) is possible, not {lookup_name!r}")


class EncryptedJSONField(models.JSONField):
    """A JSON value kept encrypted: the column holds one JSON string, the sealed text of
    the value (an import report's rejected rows, which quote resident IDs, phones and bank
    accounts as typed). It cannot be queried into; it is read whole."""

    encrypted = True

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, cls=self.encoder, ensure_ascii=False))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, str) and crypto.is_encrypted(value):
            return json.loads(crypto.decrypt(value), cls=self.decoder)
        return value


class DerivedField(models.CharField):
    """A column computed from another field's value on every save (``derive``)."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        # NULL for a nullable one (a unique index must not give every row the same "")
        kwargs.setdefault("default", None if kwargs.get("null") else "")
        super().__init__(*args, **kwargs)
        self.source = source

    def derive(self, value: str | None) -> str | None:
        raise NotImplementedError

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("blank", "editable", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = self.derive(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class BlindIndexField(DerivedField):
    """The keyed hash of another field's value, for exact search (``source__exact``).
    Fields holding the same kind of value share a ``purpose`` (every resident ID column
    has ``resident_id``), so their indexes can be compared with each other. A nullable
    index stays NULL for a NULL value (so it can be unique, like the certificate number)."""

    def __init__(self, *args: Any, source: str = "", purpose: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, source=source, **kwargs)
        self.purpose = purpose or source

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def derive(self, value: str | None) -> str | None:
        if value is None and self.null:
            return None
        return crypto.blind_index(value or "", self.purpose)


class TailField(DerivedField):
    """The last ``max_length`` characters of another field's value, in clear."""

    def derive(self, value: str | None) -> str | None:
        if value is None and self.null:
            return None
        return (value or "")[-(self.max_length or 4):]


class _ThroughIndex:
    """An exact lookup on an encrypted field, compiled against its blind index."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        field = lhs.output_field
        index = field.index_field()
        if not isinstance(lhs, Col) or hasattr(rhs, "resolve_expression"):
            raise FieldError(f"{field.model.__name__}.{field.name} is encrypted: compare "
                             f"its blind index {index.name}, not the encrypted values")
        super().__init__(Col(lhs.alias, index), self.hashed(index, rhs))  # type: ignore[call-arg]

    @staticmethod
    def hashed(index: BlindIndexField, value: Any) -> Any:
        return None if value is None else index.derive(str(value))


class IndexedExact(_ThroughIndex, Exact):
    pass


class IndexedIn(_ThroughIndex, In):
    @staticmethod
    def hashed(index: BlindIndexField, value: Any) -> Any:
        return [index.derive(str(v)) for v in value if v is not None]


def index_of(model: type[models.Model], source: str, value: str) -> str:
    """The blind index ``model``'s index field for ``source`` holds for ``value``."""
    for f in model._meta.concrete_fields:
        if isinstance(f, BlindIndexField) and f.source == source:
            return crypto.blind_index(value, f.purpose)
    raise LookupError(f"{model.__name__}.{source} has no blind index")


def index_values(model: type[models.Model], **values: str | None) -> dict[str, Any]:
    """``update(**index_values(Person, phone=x))``: the values and their indexes (and the
    other columns derived from them)."""
    out: dict[str, Any] = dict(values)
    for f in model._meta.concrete_fields:
        if isinstance(f, DerivedField) and f.source in values:
            out[f.attname] = f.derive(values[f.source])
    return out


def derived_fields(model: type[models.Model], sources: Any = None) -> list[DerivedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, DerivedField)
            and (sources is None or f.source in sources)]


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields
            if isinstance(f, EncryptedCharField | EncryptedJSONField)]


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
    indexes = derived_fields(model, fields)
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
            # (a JSON column's text is the quoted string: its quote is not part of the value)
            old = any((getattr(row, f"raw__{f}") or "") and not getattr(
                row, f"raw__{f}").lstrip('"').startswith(current) for f in fields)
            for ix in indexes:
                value = ix.derive(getattr(row, ix.source))
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


def migration_unindex(app_label: str, model_name: str, field_name: str) -> Any:
    """The database side of moving a keyed hash's index from ``db_index`` on the field to
    ``Meta.indexes``: a ``RunPython`` step dropping the field's own single-column,
    non-unique indexes (its ``db_index`` one and, on PostgreSQL, the pattern-ops twin).

    Django's ``AlterField`` cannot be trusted with it where a partial unique index covers the
    same column (one open first application per ID, one issued certificate per number): it
    drops every plain-looking index on the column that ``Meta.indexes`` does not name, and
    the partial unique index went with them. Such a migration changes the field's state
    alone and calls this for the database. Reversed, it builds the field's index again."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(field_name).column
        kept = {index.name for index in model._meta.indexes}
        with schema_editor.connection.cursor() as cursor:
            found = schema_editor.connection.introspection.get_constraints(
                cursor, model._meta.db_table)
        for name, info in found.items():
            if (info["index"] and not info["unique"] and not info["primary_key"]
                    and info["columns"] == [column] and name not in kept):
                schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    return forward, backward


# ---- values sealed outside the database (session data, hidden form fields) -----------------

def seal(value: Any) -> str:
    """A JSON-able value sealed with the field keys (AES-GCM), for a place that is stored or
    logged in clear otherwise: the session table (a typed resident ID between two sign-in
    steps, an import's rejected rows), a hidden form field. Open it with :func:`unseal`."""
    return crypto.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def unseal(sealed: Any, default: Any = None) -> Any:
    """The value :func:`seal` sealed, or ``default`` for anything else: nothing stored, a
    value in clear (a session written before this change: not trusted), a changed byte, or
    a key since removed from ``CANLIAN_FIELD_KEYS``."""
    if not crypto.is_encrypted(sealed):
        return default
    key_id = crypto.key_id_of(sealed)
    if key_id not in {kid for kid, _ in crypto.ring().keys}:
        return default
    try:
        return json.loads(crypto.decrypt(sealed))
    except (InvalidTag, ValueError):
        return default
