"""A throwaway PKI for the signature tests, made at test time with `cryptography`: a root CA and
a signing certificate in a PKCS#12 file or for a key on a token (never committed: written to the test's tmp folder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "mat-khau-thu"


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Thanh tra tỉnh Tuyên Quang"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_ca():
    """(CA certificate, its key): a root valid for ten years."""
    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("CA thử nghiệm"))
        .issuer_name(_name("CA thử nghiệm"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), True
        )
        .sign(ca_key, hashes.SHA256())
    )
    return ca, ca_key


def issue(ca, ca_key, public_key, valid_days: int = 365, expired: bool = False):
    """The agency's signing certificate for `public_key`, issued by the CA; `expired`: its
    validity has ended."""
    now = datetime.now(UTC)
    if expired:
        start, end = now - timedelta(days=60), now - timedelta(days=1)
    else:
        start, end = now - timedelta(days=1), now + timedelta(days=valid_days)
    return (
        x509.CertificateBuilder()
        .subject_name(_name("Thanh tra tỉnh Tuyên Quang"))
        .issuer_name(ca.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .sign(ca_key, hashes.SHA256())
    )


def make_pki(folder: Path, valid_days: int = 365, expired: bool = False) -> tuple[Path, Path]:
    """(root CA PEM, signer PKCS#12) in `folder`; `expired`: the signer's validity has ended."""
    ca, ca_key = make_ca()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue(ca, ca_key, key.public_key(), valid_days, expired)
    root = folder / "root.pem"
    root.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    p12 = folder / "signer.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer",
            key,
            cert,
            [ca],
            serialization.BestAvailableEncryption(PASSWORD.encode()),
        )
    )
    return root, p12
