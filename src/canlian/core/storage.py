"""Where uploaded documents are kept: generated names, owner-only files, clean failure.

Citizens' and staff's attachments (ID cards, medical records, photos) are stored under a
random name with the extension of what the file *is* (its first bytes), never the name
or extension the sender gave: a file called ``../../x.html`` or ``张三身份证.pdf.exe``
lands as ``uploads/2026/12/3f9c….pdf``. The sender's name, where shown, is kept in the
database only.

A write that fails (a full disk) removes the partial file before the error goes on, so
no truncated document stays behind; callers turn the error into a message.
"""

from __future__ import annotations

import os
import posixpath
import uuid
from typing import Any

from django.core.files.storage import FileSystemStorage

MAGIC = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}


def kind_of(content: Any) -> str:
    try:
        position = content.tell()
        content.seek(0)
        head = content.read(8)
        content.seek(position)
    except (AttributeError, OSError, ValueError):
        return "bin"
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    return "bin"


class PrivateStorage(FileSystemStorage):
    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        folder = posixpath.dirname(name or "")
        name = posixpath.join(folder, f"{uuid.uuid4().hex}.{kind_of(content)}")
        return super().save(name, content, max_length=max_length)

    def _save(self, name: str, content: Any) -> str:
        try:
            return super()._save(name, content)  # type: ignore[misc]
        except OSError:
            full = self.path(name)
            if os.path.exists(full):
                os.unlink(full)
            raise
