"""The documents in the API as on the pages: Word download, registration with a number from an
external register, each issued document's signature status, and the signed final filed through
the API (a scan or a digitally signed PDF: it becomes the issued file, its sha256 stored, never
replaced; a file that is not a PDF or whose signature does not verify is refused)."""

from __future__ import annotations

import hashlib
import io

from docx import Document as read_docx
from flask_babel import force_locale, gettext

from inspect_app.core import clock
from inspect_app.reports import documents
from inspect_app.reports.word import DOCX_MIME
from tests.reports.test_signing import TODAY, _signed_report, pki  # noqa: F401 - the fixture


def _stored(doc) -> bytes:
    with open(documents.issued_file_path(doc), "rb") as f:
        return f.read()


def test_docx_register_signature_and_final_through_the_api(db, client, api, pki):  # noqa: F811
    doc = _signed_report(db)
    clerk, _user = api("clerk")
    boss, _ = api("leadership")
    inspector, _ = api("inspector")
    base = f"/api/v1/documents/{doc.id}"
    word = client.get(f"{base}/docx", headers=boss)
    assert word.status_code == 200 and word.mimetype == DOCX_MIME
    texts = [p.text for p in read_docx(io.BytesIO(word.data)).paragraphs]
    assert "BÁO CÁO" in texts
    # Not issued yet: no issued file, no signature status.
    assert client.get(f"{base}/signature", headers=boss).status_code == 404
    assert client.get(base, headers=boss).get_json()["signature"] is None
    # Registration with a number typed from an external register.
    body = {"version": doc.version, "number": 12, "year": TODAY.year}
    assert client.post(f"{base}/register", headers=inspector, json=body).status_code == 403
    with clock.frozen(TODAY):
        r = client.post(f"{base}/register", headers=clerk, json=body)
    assert r.status_code == 200, r.get_json()
    issued = r.get_json()
    assert issued["number_label"] == "12/BC-TTr" and issued["number_typed"] is True
    assert issued["signature"]["state"] == "valid"
    assert issued["signature"]["signer"] == "Thanh tra tỉnh Tuyên Quang"
    status = client.get(f"{base}/signature", headers=boss).get_json()
    assert status["state"] == "valid" and status["signed_at"]
    db.session.expire_all()
    generated = _stored(doc)
    final = f"{base}/final"
    version = issued["version"]

    def upload(data: bytes, name: str, headers=clerk, version=version):
        form = {"version": str(version), "file": (io.BytesIO(data), name)}
        return client.post(final, headers=headers, data=form)

    assert upload(generated, "a.pdf", headers=inspector).status_code == 403
    not_pdf = upload(b"PK\x03\x04 a Word file", "ban-ky.docx")
    assert not_pdf.status_code == 422 and "file" in not_pdf.get_json()["errors"]
    broken = bytearray(generated)
    broken[len(broken) // 3] ^= 0x01
    bad = upload(bytes(broken), "b.pdf")
    assert bad.status_code == 422 and "file" in bad.get_json()["errors"]
    assert upload(generated, "c.pdf", version=version + 5).status_code == 409
    assert client.post(final, headers=clerk, data={"version": str(version)}).status_code == 422
    # The digitally signed PDF is filed: the issued file, its sha256 stored.
    filed = upload(generated, "ban-ky-so.pdf")
    assert filed.status_code == 200, filed.get_json()
    got = filed.get_json()
    assert got["final_sha256"] == hashlib.sha256(generated).hexdigest() and got["final_uploaded_at"]
    assert got["signature"]["state"] == "valid"
    # Never replaced.
    scan = documents.render_pdf(doc)
    again = upload(scan, "d.pdf", version=got["version"])
    assert again.status_code == 409
    db.session.expire_all()
    assert hashlib.sha256(_stored(doc)).hexdigest() == got["final_sha256"]
    pdf = client.get(f"{base}/pdf", headers=boss)
    assert pdf.data == generated and pdf.headers["X-Signature-Status"].startswith("valid")


def test_a_scan_is_filed_through_the_api_and_reported_unsigned(db, client, api):
    doc = _signed_report(db)
    clerk, _ = api("clerk")
    base = f"/api/v1/documents/{doc.id}"
    with clock.frozen(TODAY):
        issued = client.post(f"{base}/register", headers=clerk, json={"version": doc.version})
    assert issued.status_code == 200
    assert issued.get_json()["signature"]["state"] == "unsigned"
    version = str(issued.get_json()["version"])
    damaged = b"%PDF-1.4\n1 0 obj<<>>endobj\n"  # cut short: no cross-reference, no trailer
    r = client.post(
        f"{base}/final",
        headers=clerk,
        data={"version": version, "file": (io.BytesIO(damaged), "x.pdf")},
    )
    assert r.status_code == 422 and "file" in r.get_json()["errors"]
    with force_locale("vi"):
        assert r.get_json()["detail"] == gettext(
            "The file cannot be read as a PDF (damaged or incomplete): scan or save it again."
        )
    scan = documents.render_pdf(doc)  # stands for a scanner's PDF: no digital signature
    form = {"version": version, "file": (io.BytesIO(scan), "scan.pdf")}
    r = client.post(f"{base}/final", headers=clerk, data=form)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["final_sha256"] == hashlib.sha256(scan).hexdigest()
    assert client.get(f"{base}/signature", headers=clerk).get_json()["state"] == "unsigned"
