"""Digital signatures of issued documents (chữ ký số): a PAdES signature applied with the
agency's certificate (a PKCS#12 file, or a key on a PKCS#11 token: a USB token or an HSM),
in a visible field over the signature block's signing space, with a timestamp when a TSA is
configured; and the check of a PDF's signatures (intact, certificate trusted, file not changed
after signing, by whom), for every download, for uploads of signed finals and for
`flask documents verify FILE`.

Settings (environment or config):
- PKCS#12: DOCUMENT_SIGNING_P12 (path), DOCUMENT_SIGNING_P12_PASSWORD;
- PKCS#11 (takes precedence): DOCUMENT_SIGNING_PKCS11_MODULE (path of the token's PKCS#11
  library, e.g. the vendor's .so), DOCUMENT_SIGNING_PKCS11_TOKEN (token label),
  DOCUMENT_SIGNING_PKCS11_PIN (user PIN), DOCUMENT_SIGNING_PKCS11_KEY (label of the key and its
  certificate), DOCUMENT_SIGNING_PKCS11_CERT (certificate label, when it differs);
- DOCUMENT_SIGNING_REQUIRED: refuse to register a document when no certificate is configured;
- DOCUMENT_TSA_URL, DOCUMENT_TRUST_ROOTS (PEM file(s) of the CAs whose signatures are trusted,
  separated by the OS path separator). Nothing is fetched from the network while checking.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import pem, x509
from flask import current_app
from flask_babel import gettext as _
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pkcs11 import exceptions as pkcs11_errors
from pyhanko import stamp
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.pdf_utils import layout as pdf_layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign import pkcs11 as pkcs11_signing
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from inspect_app.core import clock
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


def _pkcs11() -> bool:
    return bool(current_app.config.get("DOCUMENT_SIGNING_PKCS11_MODULE"))


def configured() -> bool:
    """Whether the agency's certificate is configured (a PKCS#11 token or a PKCS#12 file)."""
    return _pkcs11() or bool(current_app.config.get("DOCUMENT_SIGNING_P12"))


def required() -> bool:
    """Whether every registered document must carry the agency's digital signature."""
    value = current_app.config.get("DOCUMENT_SIGNING_REQUIRED")
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def _p12_signer() -> signers.SimpleSigner:
    path = current_app.config.get("DOCUMENT_SIGNING_P12")
    if not path:
        raise SigningError(_("no signing certificate is configured."))
    if not os.path.isfile(path):
        raise SigningError(_("the signing certificate file is missing."))
    password = current_app.config.get("DOCUMENT_SIGNING_P12_PASSWORD") or ""
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if signer is None:
        raise SigningError(_("the signing certificate cannot be read (wrong file or password)."))
    return signer


@contextmanager
def _token_signer():
    """A signer over the configured PKCS#11 token's key, its session closed afterwards;
    SigningError naming what is wrong (library, token, PIN, key or certificate)."""
    config = current_app.config
    module = config.get("DOCUMENT_SIGNING_PKCS11_MODULE")
    if not os.path.isfile(module):
        raise SigningError(_("the PKCS#11 library of the signing token is missing."))
    label = config.get("DOCUMENT_SIGNING_PKCS11_TOKEN") or None
    key = config.get("DOCUMENT_SIGNING_PKCS11_KEY") or None
    cert = config.get("DOCUMENT_SIGNING_PKCS11_CERT") or key
    if not key:
        raise SigningError(_("the label of the signing key on the token is not configured."))
    try:
        session = pkcs11_signing.open_pkcs11_session(
            module,
            token_criteria=TokenCriteria(label=label) if label else None,
            user_pin=config.get("DOCUMENT_SIGNING_PKCS11_PIN") or None,
        )
    except pkcs11_errors.PinIncorrect:
        raise SigningError(_("the PIN of the signing token is wrong.")) from None
    except pkcs11_errors.PKCS11Error as e:
        if str(e).startswith("No token"):  # pyHanko's: no slot holds a matching token
            raise SigningError(
                _("the signing token %(label)s is not connected.", label=label or "")
            ) from None
        raise SigningError(
            _("the signing token cannot be opened (%(error)s).", error=type(e).__name__)
        ) from None
    except (OSError, RuntimeError) as e:
        raise SigningError(
            _("the signing token cannot be opened (%(error)s).", error=type(e).__name__)
        ) from None
    try:
        signer = pkcs11_signing.PKCS11Signer(session, cert_label=cert, key_label=key)
        try:
            signer.signing_cert  # noqa: B018 - loads the key and certificate now
        except pkcs11_errors.PKCS11Error:
            raise SigningError(
                _("the key or certificate %(label)s is not on the signing token.", label=key)
            ) from None
        yield signer
    finally:
        session.close()


def _check_validity(signer) -> None:
    """SigningError unless the signer's certificate is valid now."""
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


@contextmanager
def agency_signer():
    """The agency's signer (the PKCS#11 token when configured, else the PKCS#12 file), its
    certificate valid now; SigningError with the reason otherwise."""
    if _pkcs11():
        with _token_signer() as signer:
            _check_validity(signer)
            yield signer
        return
    signer = _p12_signer()
    _check_validity(signer)
    yield signer


def sign_pdf(data: bytes, box: tuple[int, float, float, float, float], page_height: float):
    """`data` signed (PAdES B-B, or B-T with a timestamp when DOCUMENT_TSA_URL is set), the
    visible field over `box` = (page number from 1, x, y from the top, width, height) in mm;
    SigningError when no valid certificate is configured."""
    with agency_signer() as signer:
        return _sign_with(signer, data, box, page_height)


def _sign_with(signer, data: bytes, box, page_height: float) -> bytes:
    page, x, y, width, height = box
    height -= 3  # clear of the signer's name under the signing space
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
    try:
        out = signers.PdfSigner(
            meta, signer=signer, timestamper=stamper, stamp_style=_stamp_style()
        ).sign_pdf(writer, appearance_text_params=_stamp_params(signer))
    except (TimestampRequestError, OSError):  # a refusal, no answer, no connection
        raise SigningError(
            _(
                "the time-stamping service (TSA) %(url)s did not answer; try again later or "
                "ask the administrator.",
                url=url,
            )
        ) from None
    return out.getvalue()


@functools.lru_cache(maxsize=2)
def _stamp_font(path: str) -> str:
    """The documents' font rescaled to 1000 units per em, written once to the temporary folder:
    pyHanko's glyph widths assume 1000 (Tinos has 2048, its letters came out spread apart)."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    target = os.path.join(tempfile.gettempdir(), f"inspect-stamp-{digest}.ttf")
    if not os.path.isfile(target):
        font = TTFont(path)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        partial = f"{target}.{os.getpid()}"
        font.save(partial)
        os.replace(partial, target)
    return target


def _stamp_style() -> stamp.TextStampStyle:
    """The visible signature: who signed and when (province time), centred in the signing
    space, in the documents' font (every Vietnamese letter)."""
    regular = _stamp_font(documents.document_font()[1][0])
    return stamp.TextStampStyle(
        stamp_text="Ký số bởi: %(signer)s\nThời gian ký: %(when)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(regular), font_size=9, leading=12),
        inner_content_layout=pdf_layout.SimpleBoxLayoutRule(
            x_align=pdf_layout.AxisAlignment.ALIGN_MID,
            y_align=pdf_layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=pdf_layout.InnerScaling.SHRINK_TO_FIT,
        ),
        background=None,
        border_width=1,
    )


def _stamp_params(signer) -> dict[str, str]:
    subject = signer.signing_cert.subject.native
    when = clock.local(clock.now())
    return {
        "signer": subject.get("common_name") or signer.signing_cert.subject.human_friendly,
        "when": f"{when:%d/%m/%Y %H:%M} (GMT{when:%z}"[:-2] + ")",
    }


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


def readable_pdf(data: bytes) -> bool:
    """Whether `data` parses as a PDF (its cross-reference table and trailer are there)."""
    try:
        PdfFileReader(io.BytesIO(data), strict=False).root  # noqa: B018 - parses the trailer
    except Exception:  # noqa: BLE001 - any parse failure means a damaged file
        return False
    return True


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


def issued_signature(doc) -> SignatureStatus | None:
    """The signature status of an issued document's file (the signed final when filed, else
    the registered PDF); None for a document not issued or whose stored file is missing."""
    if not doc.is_issued:
        return None
    path = documents.issued_file_path(doc)
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        return verify_pdf(f.read())
