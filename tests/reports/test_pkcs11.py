"""Signing with a key on a PKCS#11 token (a USB token or HSM in an office), configured by the
library's path, the token label, the PIN and the key label: tested against a SoftHSM2 token
the test creates itself (Debian package softhsm2, installed by .ci/run), whose key is generated
on the token and certified by the test's own CA. An expired certificate, a wrong PIN, a token
not connected, a key not on it, and no certificate at all when one is required: clear messages,
nothing issued."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask_babel import force_locale
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

from inspect_app.reports import documents, signing
from inspect_app.reports.models import Document, DocumentState
from tests.reports.pki import issue, make_ca
from tests.reports.test_signing import _register, _signed_report

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN, SO_PIN = "TTr-TuyenQuang", "123456", "12345678"


@pytest.fixture(scope="session")
def token(tmp_path_factory) -> Path:
    """A SoftHSM2 token of this test process: keys "signer" (valid certificate) and "expired"
    (a certificate whose validity has ended), generated on the token; the CA's PEM returned."""
    assert os.path.isfile(MODULE), "softhsm2 (Debian) is installed by .ci/run"
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    # SoftHSM reads its configuration when the library is first initialised in the process.
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN]
        + ["--pin", PIN, "--so-pin", SO_PIN],
        check=True,
        capture_output=True,
    )
    ca, ca_key = make_ca()
    lib = pkcs11.lib(MODULE)
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        for number, (label, expired) in enumerate((("signer", False), ("expired", True)), 1):
            key_id = bytes([number])
            public, _private = session.generate_keypair(
                KeyType.RSA, 2048, label=label, id=key_id, store=True
            )
            numbers = rsa.RSAPublicNumbers(
                int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                int.from_bytes(public[Attribute.MODULUS], "big"),
            )
            cert = issue(ca, ca_key, numbers.public_key(), expired=expired)
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: key_id,
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                    Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
                }
            )
    root = folder / "root.pem"
    root.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return root


KEYS = (
    "DOCUMENT_SIGNING_PKCS11_MODULE",
    "DOCUMENT_SIGNING_PKCS11_TOKEN",
    "DOCUMENT_SIGNING_PKCS11_PIN",
    "DOCUMENT_SIGNING_PKCS11_KEY",
    "DOCUMENT_TRUST_ROOTS",
    "DOCUMENT_SIGNING_REQUIRED",
)


@pytest.fixture()
def configure(app, token):
    """Set the token's settings for one test (`configure(KEY=...)` overrides one)."""
    before = {k: app.config.get(k) for k in KEYS}

    def set_(**changes):
        values = dict(zip(KEYS, (MODULE, TOKEN, PIN, "signer", str(token), None), strict=True))
        values.update({f"DOCUMENT_SIGNING_PKCS11_{k}": v for k, v in changes.items()})
        app.config.update(values)

    set_()
    yield set_
    app.config.update(before)


def _stored(doc) -> bytes:
    with open(documents.issued_file_path(doc), "rb") as f:
        return f.read()


def test_registration_signs_with_the_key_on_the_token(db, configure):
    doc = _register(_signed_report(db))
    db.session.commit()
    status = signing.verify_pdf(_stored(doc))
    assert status.state == "valid" and status.signer == "Thanh tra tỉnh Tuyên Quang"
    assert doc.state == DocumentState.ISSUED and doc.number == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"KEY": "expired"}, "not valid now"),
        ({"PIN": "000000"}, "PIN of the signing token is wrong"),
        ({"TOKEN": "Token-khac"}, "signing token Token-khac is not connected"),
        ({"KEY": "khong-co"}, "khong-co is not on the signing token"),
        ({"MODULE": "/nonexistent/libtoken.so"}, "PKCS#11 library of the signing token is missing"),
        ({"KEY": ""}, "label of the signing key on the token is not configured"),
    ],
)
def test_a_token_that_cannot_sign_is_refused_and_nothing_is_issued(db, configure, changes, message):
    from inspect_app.core.errors import OperationError

    configure(**changes)
    doc = _signed_report(db)
    with pytest.raises(OperationError) as refused, force_locale("en"):
        _register(doc)
    assert message in str(refused.value.message)
    db.session.rollback()
    doc = db.session.get(Document, doc.id)
    assert doc.state == DocumentState.SIGNED and doc.number is None and doc.pdf_sha256 is None


def test_no_certificate_when_one_is_required(app, db):
    from inspect_app.core.errors import OperationError

    app.config["DOCUMENT_SIGNING_REQUIRED"] = "true"
    try:
        doc = _signed_report(db)
        with pytest.raises(OperationError) as refused, force_locale("en"):
            _register(doc)
        assert "no signing certificate (PKCS#12 file or PKCS#11 token) is configured" in str(
            refused.value.message
        )
        db.session.rollback()
    finally:
        app.config["DOCUMENT_SIGNING_REQUIRED"] = None
    assert db.session.get(Document, doc.id).number is None
    # Not required: the document is issued without a digital signature, and says so.
    doc = _register(db.session.get(Document, doc.id))
    db.session.commit()
    assert signing.verify_pdf(_stored(doc)).state == "unsigned"
