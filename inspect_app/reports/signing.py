"""Digital signatures of issued documents (chữ ký số): a PAdES signature applied with the
agency's certificate (a PKCS#12 file configured by path and password), in a visible field over
the signature block's signing space, with a timestamp when a TSA is configured; and the check
of a PDF's signatures (intact, certificate trusted, file not changed after signing, by whom),
for every download, for uploads of signed finals and for `flask documents verify FILE`.

Settings (environment or config): DOCUMENT_SIGNING_P12 (path), DOCUMENT_SIGNING_P12_PASSWORD,
DOCUMENT_TSA_URL, DOCUMENT_TRUST_ROOTS (PEM file(s) of the CAs whose signatures are trusted,
separated by the OS path separator). Nothing is fetched from the network while checking.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import pem, x509
from flask import current_app
from flask_babel import gettext as _
from pyhanko import stamp
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from inspect_app.reports import documents

MM = 72 / 25.4
FIELD = "ChuKySo"


class SigningError(Exception):
    """The document cannot be signed (no certificate configured, unreadable, expired)."""


@dataclass(frozen=True, slots=True)
class SignatureStatus:
    """What a PDF's signatures say: `state` is "unsigned", "valid" (intact, trusted, covering
    the whole file), "untrusted" (intact, unknown certificate), or "invalid" (changed after
    signing, broken)."""

    state: str
    signer: str | None = None
    signed_at: datetime | None = None
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.state == "valid"

    def header(self) -> str:
        """The X-Signature-Status header of a download: "valid; signer=..."."""
        parts = [self.state]
        if self.signer:
            parts.append(f"signer={self.signer}")
        if self.signed_at:
            parts.append(f"signed_at={self.signed_at.isoformat()}")
        return "; ".join(parts).encode("ascii", "xmlcharrefreplace").decode()


def configured() -> bool:
    return bool(current_app.config.get("DOCUMENT_SIGNING_P12"))


def _signer() -> signers.SimpleSigner:
    path = current_app.config.get("DOCUMENT_SIGNING_P12")
    if not path:
        raise SigningError(_("no signing certificate is configured."))
    if not os.path.isfile(path):
        raise SigningError(_("the signing certificate file is missing."))
    password = current_app.config.get("DOCUMENT_SIGNING_P12_PASSWORD") or ""
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if signer is None:
        raise SigningError(_("the signing certificate cannot be read (wrong file or password)."))
    validity = signer.signing_cert["tbs_certificate"]["validity"]
    now = datetime.now(UTC)
    if not validity["not_before"].native <= now <= validity["not_after"].native:
        raise SigningError(
            _(
                "the signing certificate is not valid now (valid from %(start)s to %(end)s).",
                start=f"{validity['not_before'].native:%d/%m/%Y}",
                end=f"{validity['not_after'].native:%d/%m/%Y}",
            )
        )
    return signer


def sign_pdf(data: bytes, box: tuple[int, float, float, float, float], page_height: float):
    """`data` signed (PAdES B-B, or B-T with a timestamp when DOCUMENT_TSA_URL is set), the
    visible field over `box` = (page number from 1, x, y from the top, width, height) in mm;
    SigningError when no valid certificate is configured."""
    signer = _signer()
    page, x, y, width, height = box
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    bottom = (page_height - y - height) * MM
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(
            FIELD,
            on_page=page - 1,
            box=(x * MM, bottom, (x + width) * MM, bottom + height * MM),
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Ký ban hành văn bản",
    )
    url = current_app.config.get("DOCUMENT_TSA_URL")
    stamper = HTTPTimeStamper(url) if url else None
    out = signers.PdfSigner(
        meta, signer=signer, timestamper=stamper, stamp_style=_stamp_style()
    ).sign_pdf(writer)
    return out.getvalue()


def _stamp_style() -> stamp.TextStampStyle:
    """The visible signature: who signed and when, in the documents' font (Vietnamese)."""
    regular = documents.document_font()[1][0]
    return stamp.TextStampStyle(
        stamp_text="Đã ký số\n%(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(regular), font_size=7),
        background=None,
        border_width=1,
    )


def _trust_roots() -> list[x509.Certificate]:
    roots = []
    for path in (current_app.config.get("DOCUMENT_TRUST_ROOTS") or "").split(os.pathsep):
        if not path or not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if pem.detect(data):
            roots += [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, True)]
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def verify_pdf(data: bytes) -> SignatureStatus:
    """The status of the PDF's signatures, checked offline against DOCUMENT_TRUST_ROOTS; the
    last signature must cover the whole file (nothing changed after signing)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as e:  # noqa: BLE001 - any parse failure means a broken file
        return SignatureStatus("invalid", detail=f"not a readable PDF: {e}")
    if not signatures:
        return SignatureStatus("unsigned")
    context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
    worst, signer, when = "valid", None, None
    for index, embedded in enumerate(signatures):
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception as e:  # noqa: BLE001 - a broken signature is reported, not raised
            return SignatureStatus("invalid", detail=f"signature {index + 1}: {e}")
        names = status.signing_cert.subject.native
        signer = names.get("common_name") or status.signing_cert.subject.human_friendly
        when = status.signer_reported_dt or when
        last = index == len(signatures) - 1
        whole = embedded.coverage.name == "ENTIRE_FILE"
        if not status.intact or not status.valid or (last and not whole):
            what = "changed after signing" if status.intact else "content altered"
            return SignatureStatus("invalid", signer, when, what)
        if not status.trusted:
            worst = "untrusted"
    return SignatureStatus(worst, signer, when)
