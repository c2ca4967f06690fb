"""Access: the citizen downloads everything held about them, as JSON and as a PDF."""

import json


def test_the_copy_holds_the_record_related_records_and_the_access_log(signed_in, citizen, walk,
                                                                      users):
    walk(citizen, category=4, grade=1)
    response = signed_in.get("/portal/privacy/my-data.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    kinds = {s["kind"] for s in data["sections"]}
    assert {"person", "certificates.certificate", "certificates.application",
            "access_log"} <= kinds
    person = data["sections"][0]["rows"][0]
    assert citizen.name in person.values() and citizen.resident_id in person.values()
    log = next(s for s in data["sections"] if s["kind"] == "access_log")["rows"]
    assert log and all("town1" not in json.dumps(r, ensure_ascii=False) for r in log)
    text = json.dumps(data, ensure_ascii=False)
    assert "token" not in text.lower() or "verify_token" not in text


def test_the_pdf_copy_is_a_pdf(signed_in):
    response = signed_in.get("/portal/privacy/my-data.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
