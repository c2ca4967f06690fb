"""Authorization rows for the education pages (see core/tests/test_authorization_matrix.py)."""

STAFF_READ = {"federation": 200, "township": 200, "village": 200, "auditor": 200}
NO_REGISTRY = {"assessor": 403, "citizen": 403, "employer": 403, "anonymous": "login"}

MATRIX = {
    "education:index": (None, "get", {**STAFF_READ, **NO_REGISTRY}),
    "education:batch": (None, "get", {"federation": 200, "township": 200, "village": 403,
                                      "auditor": 403, **NO_REGISTRY}),
    # nothing imported in this session yet: nothing to download
    "education:batch_errors": (None, "get", {"federation": 404, "township": 404, "village": 403,
                                             "auditor": 403, **NO_REGISTRY}),
    "education:pupil": ("pupil", "get", {**STAFF_READ, **NO_REGISTRY}),
    # an empty aid form is refused (400) for staff who may edit; read-only roles get 403
    "education:act": (("pupil", "aid"), "post",
                      {"federation": 400, "township": 400, "village": 400, "auditor": 403,
                       **NO_REGISTRY}),
}


def objects(users, person, village):
    from canlian.core import clock
    from canlian.education.models import Pupil

    pupil = Pupil.objects.create(person=person, village=village, status="compulsory_school",
                                 school="小学", since=clock.today(), registered_on=clock.today())
    return {"pupil": pupil}
