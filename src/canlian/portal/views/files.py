"""Opening an uploaded document: the citizen who sent it, or staff whose region holds the person."""

from __future__ import annotations

from django.http import FileResponse, Http404

from canlian.accounts import scoping
from canlian.audit.actions import record
from canlian.audit.models import Action
from canlian.core.web import AuthedRequest, signed_in_only

from ..models import Upload

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


@signed_in_only("the citizen who sent the document, or staff whose region holds the person: "
                "scoping.people_for admits both")
def upload_file(request: AuthedRequest, pk: int) -> FileResponse:
    document = (Upload.objects.filter(person__in=scoping.people_for(request.user), pk=pk)
                .select_related("person").first())
    if document is None:
        raise Http404("no such document")
    record(user=request.user, action=Action.VIEW, obj=document, person=document.person,
           request=request, summary=f"查看申请材料：{document.get_purpose_display()}")
    response = FileResponse(document.file.open("rb"), content_type=CONTENT_TYPES[document.kind])
    response["Content-Disposition"] = f'inline; filename="document-{document.pk}.{document.kind}"'
    return response
