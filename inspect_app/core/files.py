"""Uploaded files: checked, stored outside the web root under random names, served with care.

`store_upload` reads an upload with a size cap while hashing it, recognises the type from the
content (never the name or the browser's claim), refuses a name whose extension claims another
type, and writes the bytes under UPLOAD_FOLDER with a random name (and a JPEG thumbnail for
images). Files written by a transaction that is rolled back are removed again, and files of
removed records are deleted only once the removal is committed.

`EvidenceFile` is the row of a stored file. Its owners (a finding, an inspection, a unit's
answer) are features above core: their foreign keys and relationships name them as strings,
and each owner declares its `files`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

import filetype
from flask import abort, current_app, send_file
from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.core.models import UTCDateTime
from inspect_app.extensions import db

CHUNK = 64 * 1024
THUMB_SIZE = (480, 480)
MAX_IMAGE_PIXELS = 60_000_000  # larger "images" are decompression bombs, not photos
MAX_NAME = 120

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Kind:
    mime: str
    extensions: tuple[str, ...]
    label: str


# What may be uploaded; the first extension is the canonical one.
KINDS = {
    k.mime: k
    for k in (
        Kind(PDF, ("pdf",), "PDF"),
        Kind("image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), "JPEG"),
        Kind("image/png", ("png",), "PNG"),
        Kind("image/webp", ("webp",), "WebP"),
        Kind("image/heic", ("heic", "heif"), "HEIC"),
        Kind(DOCX, ("docx",), "Word (DOCX)"),
        Kind(XLSX, ("xlsx",), "Excel (XLSX)"),
    )
}
ACCEPT = ",".join(sorted({f".{ext}" for k in KINDS.values() for ext in k.extensions}))

# The main part an Office Open XML package declares in [Content_Types].xml.
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}

_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*\\/]')


def upload_folder() -> str:
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    return folder


def max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_MB", 20)) * 1024 * 1024


def _path(stored_name: str) -> str:
    # Stored names are ours (hex); the check guards against a tampered row all the same.
    if not re.fullmatch(r"[0-9a-f]{32,64}(\.thumb\.jpg)?", stored_name):
        raise ValueError("not a stored file name")
    return os.path.join(upload_folder(), stored_name)


def thumb_name(stored_name: str) -> str:
    return f"{stored_name}.thumb.jpg"


def sanitize_filename(name: str | None, default: str = "tep-dinh-kem") -> str:
    """A safe display/download name: Vietnamese letters kept; paths, "..", control and
    reserved characters removed; length limited (the extension is kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]  # the last path component only
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    if not name:
        return default
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME].rstrip(" .")
    return name or default


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _sniff(path: str, head: bytes) -> Kind | None:
    """The allowed kind the content really is, or None."""
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime in (DOCX, XLSX, "application/zip") or head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(path)
    return KINDS.get(mime)


def _ooxml_kind(path: str) -> Kind | None:
    """A zip is a DOCX or XLSX only if its [Content_Types].xml declares the matching main part."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return None
            types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    for mime, main in _OOXML_MAIN.items():
        if main in types:
            return KINDS[mime]
    return None


def _make_thumbnail(path: str, thumb_path: str) -> bool:
    """Write a bounded JPEG thumbnail upright (EXIF rotation applied); False when Pillow cannot
    decode the format (HEIC); OperationError when the image is damaged."""
    try:
        with Image.open(path) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise OperationError(_("The image is too large in pixels."), field="files")
            # Some libraries (WeasyPrint, for one) turn Pillow's global "load truncated images"
            # on when imported; a damaged upload must still be refused here.
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            img.load()
            img = ImageOps.exif_transpose(img)
            img.thumbnail(THUMB_SIZE)
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, (255, 255, 255))
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                img = background
            img.save(thumb_path, "JPEG", quality=80, optimize=True)
        return True
    except UnidentifiedImageError:
        return False
    except OperationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise OperationError(
            _("The image is damaged or incomplete and cannot be read."), field="files"
        ) from e


def _read_capped(file_storage, tmp_path: str, field: str = "files") -> tuple[int, str, bytes]:
    """Copy the upload to `tmp_path`: (size, sha256, first bytes); 413 when over the cap."""
    limit = max_upload_bytes()
    digest = hashlib.sha256()
    size = 0
    head = b""
    with open(tmp_path, "wb") as out:
        while True:
            chunk = file_storage.stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise OperationError(
                    _(
                        "The file %(name)s is larger than the limit of %(mb)d MB.",
                        name=sanitize_filename(file_storage.filename),
                        mb=current_app.config.get("MAX_UPLOAD_MB", 20),
                    ),
                    status=413,
                    field=field,
                )
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest(), head


OWNER_COLUMNS = (
    "finding_id",
    "inspection_id",
    "answer_id",
    "payment_id",
    "decision_id",
    "check_id",
)


class EvidenceFile(db.Model):
    """A stored file: random name outside the web root, sha256 and sniffed type recorded.

    Exactly one owner: a finding, an inspection (its signed conclusion), a unit's answer on
    a case (`answer_id`, see answers.models.CaseAnswer), a recovery payment's receipt
    (`payment_id`, see recovery.models.RecoveryPayment), a deciding document's file
    (`decision_id`, decisions.models.DecidingDocument) or the minutes of a check of
    implementation (`check_id`, implementation_checks.models.ImplementationCheck)."""

    __tablename__ = "evidence_file"
    __table_args__ = (
        CheckConstraint(
            " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in OWNER_COLUMNS)
            + " = 1",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("case_answer.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("recovery_payment.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("deciding_document.id"), index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("implementation_check.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    has_thumbnail: Mapped[bool] = mapped_column(default=False, nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    # The owners are named, not imported: core knows no feature.
    finding = relationship("Finding", back_populates="files", foreign_keys=[finding_id])
    owner_inspection = relationship("Inspection", foreign_keys=[inspection_id])
    answer = relationship("CaseAnswer", foreign_keys=[answer_id], viewonly=True)
    payment = relationship("RecoveryPayment", foreign_keys=[payment_id], viewonly=True)
    decision = relationship("DecidingDocument", foreign_keys=[decision_id], viewonly=True)
    minutes_of = relationship("ImplementationCheck", foreign_keys=[check_id], viewonly=True)
    uploaded_by = relationship("User")

    @property
    def inspection(self):
        """The inspection the file belongs to, directly or through its finding."""
        if self.finding is not None:
            return self.finding.inspection
        return self.owner_inspection

    def can_view(self, user) -> bool:
        """Who may see the owner: the case of an answer's file (a unit leader only their
        units' cases), otherwise the owning inspection."""
        if self.answer is not None:
            return self.answer.case.can_view(user)
        if self.payment is not None:  # a recovery payment's receipt: the case's viewers
            return self.payment.case.can_view(user)
        if self.decision is not None:  # a deciding document: who sees what it changed
            return self.decision.can_view(user)
        if self.minutes_of is not None:  # a check's minutes: who sees the check
            return self.minutes_of.can_view(user)
        inspection = self.inspection
        return inspection is not None and inspection.can_view(user)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def store_upload(file_storage, actor, kinds=None, field: str = "files", **owner):
    """Check and store one upload; returns the new EvidenceFile (added, flushed).

    `owner` is the owning column, e.g. finding=... / finding_id=... / inspection_id=...;
    `kinds` the MIME types accepted there (every kind of KINDS by default); `field` the form
    field errors name. Raises OperationError: 413 too large, 422 empty, a type not accepted,
    a name claiming another type, or a damaged image.
    """
    accepted = [KINDS[m] for m in kinds] if kinds else list(KINDS.values())
    original = sanitize_filename(getattr(file_storage, "filename", None))
    stored_name = secrets.token_hex(20)
    final_path = _path(stored_name)
    tmp_path = final_path + ".part"
    written: list[str] = []
    try:
        size, sha256, head = _read_capped(file_storage, tmp_path, field)
        if size == 0:
            raise OperationError(_("The file %(name)s is empty.", name=original), field=field)
        kind = _sniff(tmp_path, head)
        if kind is None or kind not in accepted:
            raise OperationError(
                _(
                    "The file %(name)s is not an accepted type. Accepted: %(kinds)s.",
                    name=original,
                    kinds=", ".join(k.label for k in accepted),
                ),
                field=field,
            )
        ext = _extension(original)
        if not ext:
            original = sanitize_filename(f"{original}.{kind.extensions[0]}")
        elif ext not in kind.extensions:
            raise OperationError(
                _(
                    "The file %(name)s is not what its name claims: its content is %(kind)s.",
                    name=original,
                    kind=kind.label,
                ),
                field=field,
            )
        os.replace(tmp_path, final_path)
        written.append(final_path)
        has_thumbnail = False
        if kind.mime.startswith("image/"):
            thumb_path = _path(thumb_name(stored_name))
            written.append(thumb_path)
            has_thumbnail = _make_thumbnail(final_path, thumb_path)
    except BaseException:
        for path in (tmp_path, *written):
            _unlink(path)
        raise
    evidence = EvidenceFile(
        original_name=original,
        stored_name=stored_name,
        content_type=kind.mime,
        size=size,
        sha256=sha256,
        has_thumbnail=has_thumbnail,
        uploaded_by_id=actor.id,
        uploaded_at=clock.now(),
        **owner,
    )
    db.session.add(evidence)
    _pending(db.session(), "written").extend(written)
    db.session.flush()
    return evidence


def store_bytes(data: bytes) -> tuple[str, str, int]:
    """Write bytes the app generated (a document's PDF) under a random name, removed again if
    the transaction rolls back: (stored name, sha256, size)."""
    stored_name = secrets.token_hex(20)
    path = _path(stored_name)
    with open(path, "xb") as out:
        out.write(data)
    _pending(db.session(), "written").append(path)
    return stored_name, hashlib.sha256(data).hexdigest(), len(data)


def discard_written(stored_name: str) -> None:
    """Remove at once a file this transaction wrote and will not use."""
    path = _path(stored_name)
    pending = _pending(db.session(), "written")
    if path in pending:
        pending.remove(path)
    _unlink(path)


def stored_path(stored_name: str) -> str:
    """The path of a stored file (the name is checked to be one of ours)."""
    return _path(stored_name)


def delete_stored(evidence) -> None:
    """Remove the row of a stored file; its bytes are deleted once the removal is committed."""
    _pending(db.session(), "doomed").append(_path(evidence.stored_name))
    if evidence.has_thumbnail:
        _pending(db.session(), "doomed").append(_path(thumb_name(evidence.stored_name)))
    db.session.delete(evidence)
    db.session.flush()


def send_evidence(evidence, thumbnail: bool = False):
    """Stream a stored file as an attachment (UTF-8 name, RFC 5987), or its thumbnail inline;
    404 when the bytes are missing."""
    if thumbnail:
        if not evidence.has_thumbnail:
            abort(404)
        path, mimetype = _path(thumb_name(evidence.stored_name)), "image/jpeg"
    else:
        path, mimetype = _path(evidence.stored_name), evidence.content_type
    if not os.path.isfile(path):
        abort(404, _("The stored file is missing. Contact the administrator."))
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=not thumbnail,
        download_name=evidence.original_name if not thumbnail else None,
        conditional=True,
        etag=evidence.sha256 + ("-t" if thumbnail else ""),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _pending(session: Session, key: str) -> list[str]:
    return session.info.setdefault(f"files_{key}", [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop("files_written", None)
    for path in session.info.pop("files_doomed", []):
        _unlink(path)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("files_doomed", None)
    for path in session.info.pop("files_written", []):
        _unlink(path)
