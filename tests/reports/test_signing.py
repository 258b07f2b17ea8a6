"""Digital signatures: registration applies a PAdES signature with the configured PKCS#12 in a
visible field over the signing space; every download of an issued PDF states whether its
signature is valid and by whom; `flask documents verify FILE` offline; a tampered file is
reported as such; an expired certificate or a bad upload is refused and nothing is issued.
The CA and certificates are made at test time (tests/reports/pki.py)."""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from datetime import date

import pytest
from flask_babel import force_locale
from pyhanko.pdf_utils.reader import PdfFileReader

from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.reports import documents, operations, signing
from inspect_app.reports.models import Document, DocumentState
from tests import factories
from tests.reports.pki import PASSWORD, make_pki

TODAY = date(2026, 11, 25)


@pytest.fixture()
def pki(app, tmp_path):
    root, p12 = make_pki(tmp_path)
    keys = ("DOCUMENT_SIGNING_P12", "DOCUMENT_SIGNING_P12_PASSWORD", "DOCUMENT_TRUST_ROOTS")
    before = {k: app.config.get(k) for k in keys}
    app.config.update(dict(zip(keys, (str(p12), PASSWORD, str(root)), strict=True)))
    yield root, p12
    app.config.update(before)


def _signed_report(db):
    boss = factories.make_user("leadership", full_name="Nguyễn Văn Hùng", title="Chánh Thanh tra")
    with clock.frozen(TODAY):
        doc = operations.build_report_draft(boss, date(2026, 10, 1), date(2026, 10, 31))
        doc.body = "Tổng hợp tình hình."
        operations.sign(boss, doc, doc.version)
    db.session.commit()
    return doc


def _register(doc):
    with clock.frozen(TODAY):
        return operations.register(factories.make_user("clerk"), doc, doc.version)


def _stored(doc) -> bytes:
    with open(documents.issued_file_path(doc), "rb") as f:
        return f.read()


def test_registration_signs_the_pdf_in_the_signature_block(db, pki):
    doc = _register(_signed_report(db))
    db.session.commit()
    data = _stored(doc)
    assert hashlib.sha256(data).hexdigest() == doc.pdf_sha256
    status = signing.verify_pdf(data)
    assert status.state == "valid" and status.signer == "Thanh tra tỉnh Tuyên Quang"
    # A visible field over the signing space of the signature block (right half, last page).
    reader = PdfFileReader(io.BytesIO(data))
    (embedded,) = reader.embedded_signatures
    field = embedded.sig_field
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    mm = 72 / 25.4
    assert x2 - x1 == pytest.approx(82.5 * mm, abs=1) and y2 - y1 > 20 * mm
    assert x1 == pytest.approx((30 + 82.5) * mm, abs=1)
    page = field["/P"]
    assert page == reader.root["/Pages"]["/Kids"][-1]  # on the signature's page
    # The visible text: who signed and when (province time), in the documents' font with
    # widths in thousandths of an em (Tinos' own 2048 units spread the letters apart).
    appearance = field["/AP"]["/N"]
    spans = re.findall(rb"/ActualText \((.*?)\)\n>>", appearance.data, re.S)
    shown = [codecs.escape_decode(span)[0].decode("utf-16") for span in spans]
    assert shown[0] == "Ký số bởi: Thanh tra tỉnh Tuyên Quang"
    assert shown[1].startswith("Thời gian ký: ") and shown[1].endswith("(GMT+07)")
    font = appearance["/Resources"]["/Font"]["/F1"].get_object()
    widths = font["/DescendantFonts"][0].get_object()["/W"]
    assert "Tinos" in font["/BaseFont"]
    assert max(w for item in widths if isinstance(item, list) for w in item) <= 1000


def test_every_download_states_the_signature_and_a_tampered_file_says_so(db, pki, login_as):
    doc = _register(_signed_report(db))
    db.session.commit()
    c = login_as("leadership")
    r = c.get(f"/reports/{doc.id}/pdf")
    assert r.status_code == 200
    assert r.headers["X-Signature-Status"].startswith("valid; signer=Thanh tra t")
    page = c.get(f"/reports/{doc.id}").get_data(as_text=True)
    assert "Thanh tra tỉnh Tuyên Quang" in page
    path = documents.issued_file_path(doc)
    data = bytearray(_stored(doc))
    data[len(data) // 3] ^= 0x01  # one bit of the signed content flipped
    with open(path, "wb") as f:
        f.write(bytes(data))
    tampered = c.get(f"/reports/{doc.id}/pdf")
    assert tampered.headers["X-Signature-Status"].startswith("invalid")


def test_cli_verifies_offline(app, db, pki, tmp_path):
    doc = _register(_signed_report(db))
    db.session.commit()
    good = tmp_path / "good.pdf"
    good.write_bytes(_stored(doc))
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["documents", "verify", str(good)])
    assert ok.exit_code == 0 and "VALID: signed by Thanh tra tỉnh Tuyên Quang" in ok.output
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good.read_bytes() + b"\n1 0 obj\n(added after signing)\nendobj\n")
    refused = runner.invoke(args=["documents", "verify", str(bad)])
    assert refused.exit_code == 1 and "INVALID" in refused.output
    app.config["DOCUMENT_TRUST_ROOTS"] = ""
    unknown = runner.invoke(args=["documents", "verify", str(good)])
    assert unknown.exit_code == 1 and "NOT TRUSTED" in unknown.output


def test_expired_certificate_is_refused_and_nothing_is_issued(app, db, tmp_path):
    root, p12 = make_pki(tmp_path, expired=True)
    app.config.update(DOCUMENT_SIGNING_P12=str(p12), DOCUMENT_SIGNING_P12_PASSWORD=PASSWORD)
    try:
        doc = _signed_report(db)
        with pytest.raises(OperationError) as refused, force_locale("en"):
            _register(doc)
        assert "not valid now" in str(refused.value.message)
        db.session.rollback()
        app.config["DOCUMENT_SIGNING_P12"] = str(tmp_path / "missing.p12")
        with pytest.raises(OperationError) as missing, force_locale("en"):
            _register(db.session.get(Document, doc.id))
        assert "missing" in str(missing.value.message)
        db.session.rollback()
    finally:
        app.config.update(DOCUMENT_SIGNING_P12=None, DOCUMENT_SIGNING_P12_PASSWORD=None)
    doc = db.session.get(Document, doc.id)
    assert doc.state == DocumentState.SIGNED and doc.number is None


def test_signed_final_upload(db, pki, login_as):
    doc = _register(_signed_report(db))
    db.session.commit()
    generated = _stored(doc)
    clerk = login_as("clerk")
    url = f"/reports/{doc.id}/final"
    not_pdf = clerk.post(url, data={"version": doc.version, "file": (io.BytesIO(b"GIF89a"), "a")})
    assert not_pdf.status_code == 422
    broken = bytearray(generated)
    broken[len(broken) // 3] ^= 0x01
    bad_signature = clerk.post(
        url, data={"version": doc.version, "file": (io.BytesIO(bytes(broken)), "b.pdf")}
    )
    assert bad_signature.status_code == 422
    db.session.expire_all()
    assert doc.final_stored_name is None
    assert _stored(doc) == generated  # the issued file is still the registered one
    scan = documents.render_pdf(doc)  # a scanned-like PDF without a digital signature
    filed = clerk.post(url, data={"version": doc.version, "file": (io.BytesIO(scan), "k.pdf")})
    assert filed.status_code == 303
    db.session.expire_all()
    assert doc.final_sha256 == hashlib.sha256(scan).hexdigest()
    assert doc.pdf_sha256 == hashlib.sha256(generated).hexdigest()  # the rendering is kept
    download = clerk.get(f"/reports/{doc.id}/pdf")
    assert download.data == scan and download.headers["X-Signature-Status"] == "unsigned"
    again = clerk.post(url, data={"version": doc.version, "file": (io.BytesIO(generated), "c.pdf")})
    assert again.status_code == 409
    db.session.expire_all()
    assert doc.final_sha256 == hashlib.sha256(scan).hexdigest()
    assert _stored(doc) == scan  # filed once: the second upload changed nothing on disk
    with open(documents.files.stored_path(doc.pdf_stored_name), "rb") as f:
        assert f.read() == generated
    with pytest.raises(OperationError) as draft:
        operations.upload_final(
            factories.make_user("clerk"),
            operations.build_report_draft(factories.make_user("leadership"), TODAY, TODAY),
            scan,
            None,
        )
    assert draft.value.status == 409
