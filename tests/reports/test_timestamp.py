"""The signature's timestamp (PAdES B-T): with DOCUMENT_TSA_URL set, registration asks the
time-stamping authority (a local RFC 3161 server answering with a TSA certificate of the test's
own CA) and the signature carries its timestamp, valid offline; a TSA that does not answer
refuses the registration with a clear message and nothing is issued."""

from __future__ import annotations

import http.server
import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import pem, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask_babel import force_locale
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from inspect_app.core.errors import OperationError
from inspect_app.reports import signing
from inspect_app.reports.models import Document, DocumentState
from tests.reports.pki import PASSWORD, make_pki
from tests.reports.test_signing import _register, _signed_report, _stored


def _tsa(folder):
    """(the trusted roots' PEM path, the signer's PKCS#12 path, a DummyTimeStamper whose TSA
    certificate is issued by a root of its own)."""
    root, p12 = make_pki(folder)
    # make_pki keeps its CA's key to itself: the TSA has a root of its own, trusted beside it.
    tsa_root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")])
    tsa_root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(tsa_root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(tsa_root_key, hashes.SHA256())
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Máy chủ dấu thời gian")]))
        .issuer_name(name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(tsa_root_key, hashes.SHA256())
    )
    roots = folder / "roots.pem"
    roots.write_bytes(root.read_bytes() + tsa_root.public_bytes(serialization.Encoding.PEM))
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[asn1_x509.Certificate.load(tsa_root.public_bytes(der))],
    )
    return roots, p12, stamper


class _Server:
    """An RFC 3161 time-stamping server on a free local port, in a thread."""

    def __init__(self, stamper):
        self.requests = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture()
def tsa(app, tmp_path):
    roots, p12, stamper = _tsa(tmp_path)
    server = _Server(stamper)
    keys = (
        "DOCUMENT_SIGNING_P12",
        "DOCUMENT_SIGNING_P12_PASSWORD",
        "DOCUMENT_TRUST_ROOTS",
        "DOCUMENT_TSA_URL",
    )
    before = {k: app.config.get(k) for k in keys}
    app.config.update(dict(zip(keys, (str(p12), PASSWORD, str(roots), server.url), strict=True)))
    yield server, roots
    server.close()
    app.config.update(before)


def test_registration_timestamps_the_signature(app, db, tsa):
    server, roots = tsa
    doc = _register(_signed_report(db))
    db.session.commit()
    assert server.requests >= 1  # (pyHanko asks once more to size the signature)
    data = _stored(doc)
    (embedded,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    trust = [
        asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(roots.read_bytes(), True)
    ]
    status = validate_pdf_signature(
        embedded, ValidationContext(trust_roots=trust, allow_fetching=False)
    )
    assert status.intact and status.valid and status.trusted
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    assert abs(stamp.timestamp - datetime.now(UTC)) < timedelta(minutes=5)
    assert signing.verify_pdf(data).state == "valid"


def test_a_tsa_that_does_not_answer_refuses_the_registration(app, db, tsa):
    server, _roots = tsa
    server.close()  # nobody answers on its port any more
    doc = _signed_report(db)
    with pytest.raises(OperationError) as refused, force_locale("en"):
        _register(doc)
    message = str(refused.value.message)
    assert "time-stamping service" in message and server.url in message
    db.session.rollback()
    doc = db.session.get(Document, doc.id)
    assert doc.state == DocumentState.SIGNED and doc.number is None and doc.pdf_stored_name is None
