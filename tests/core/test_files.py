"""core.files: size cap, type from content, safe names, hashes, thumbnails, rollback cleanup."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image

from inspect_app.core import files
from inspect_app.core.errors import OperationError
from inspect_app.extensions import db as _db
from inspect_app.findings.models import EvidenceFile
from tests import factories

PDF, EXE, png_bytes, upload = factories.PDF, factories.EXE, factories.png_bytes, factories.upload


def jpeg_rotated_bytes() -> bytes:
    """A 60x20 JPEG whose EXIF says "rotate 90°": shown upright it is 20x60."""
    img = Image.new("RGB", (60, 20), (10, 120, 10))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


@pytest.fixture()
def finding(db):
    return factories.make_finding()


def test_stores_outside_static_under_random_name_with_sha256(app, uploads, finding):
    data = png_bytes()
    evidence = files.store_upload(
        upload(data, "ảnh hiện trường.png"), finding.author, finding=finding
    )
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)
    assert evidence.content_type == "image/png"
    assert evidence.original_name == "ảnh hiện trường.png"
    stored = uploads / evidence.stored_name
    assert stored.read_bytes() == data
    assert "ảnh" not in evidence.stored_name and len(evidence.stored_name) == 40
    static = os.path.realpath(app.static_folder)
    assert not os.path.realpath(stored).startswith(static + os.sep)
    other = files.store_upload(upload(data, "ảnh hiện trường.png"), finding.author, finding=finding)
    assert other.stored_name != evidence.stored_name


def test_size_limit_refused_with_413_and_nothing_left(app, uploads, finding):
    previous = app.config["MAX_UPLOAD_MB"]
    app.config["MAX_UPLOAD_MB"] = 1
    try:
        big = png_bytes() + b"\x00" * (1024 * 1024)
        with pytest.raises(OperationError) as err:
            files.store_upload(upload(big, "to.png"), finding.author, finding=finding)
        assert err.value.status == 413
        assert "1 MB" in str(err.value.message)
        assert not any(uploads.iterdir())
        assert _db.session.query(EvidenceFile).count() == 0
    finally:
        app.config["MAX_UPLOAD_MB"] = previous


@pytest.mark.parametrize(
    "data,name",
    [
        (PDF, "anh.jpg"),  # a PDF claiming to be a photo
        (EXE, "anh.jpg"),  # a program claiming to be a photo
        (EXE, "baocao.pdf"),
        (b"just some text\n", "ghichu.txt"),  # plain text cannot be verified
        (png_bytes(), "bienban.pdf"),
        (b"PK\x03\x04not really a zip", "bang.xlsx"),
    ],
)
def test_content_not_what_name_claims_is_refused(uploads, finding, data, name):
    with pytest.raises(OperationError) as err:
        files.store_upload(upload(data, name), finding.author, finding=finding)
    assert err.value.status == 422
    assert name in str(err.value.message)
    assert not any(uploads.iterdir()) if uploads.exists() else True


def _ooxml(main: str) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/word/document.xml" ContentType="{main}"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_docx_and_xlsx_recognised_from_content_types(uploads, finding):
    docx = _ooxml(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    e = files.store_upload(upload(docx, "Biên bản.docx"), finding.author, finding=finding)
    assert e.content_type == files.DOCX
    with pytest.raises(OperationError):
        files.store_upload(upload(docx, "bang.xlsx"), finding.author, finding=finding)


def test_path_like_name_is_stored_safely(uploads, finding):
    e = files.store_upload(
        upload(png_bytes(), "../../etc/passwd.png"), finding.author, finding=finding
    )
    assert e.original_name == "passwd.png"
    assert os.path.dirname(os.path.realpath(uploads / e.stored_name)) == os.path.realpath(uploads)
    assert not os.path.exists("/etc/passwd.png")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("..\\..\\windows\\hồ sơ.pdf", "hồ sơ.pdf"),
        ("Biên bản\x00\x1f làm việc.pdf", "Biên bản làm việc.pdf"),
        ("....pdf", "pdf"),
        ("a..b.pdf", "a.b.pdf"),
        ("", "tep-dinh-kem"),
        ('x<y>:"|?*.pdf', "x_y______.pdf"),
    ],
)
def test_sanitize_filename(raw, expected):
    assert files.sanitize_filename(raw) == expected


def test_sanitize_limits_length_and_keeps_extension():
    name = files.sanitize_filename("Đ" * 300 + ".pdf")
    assert len(name) <= files.MAX_NAME and name.endswith(".pdf")


def test_name_without_extension_gets_the_real_one(uploads, finding):
    e = files.store_upload(upload(PDF, "scan"), finding.author, finding=finding)
    assert e.original_name == "scan.pdf" and e.content_type == "application/pdf"


def test_thumbnail_made_upright_for_jpeg(uploads, finding):
    e = files.store_upload(
        upload(jpeg_rotated_bytes(), "IMG_0001.JPG"), finding.author, finding=finding
    )
    assert e.has_thumbnail
    with Image.open(uploads / files.thumb_name(e.stored_name)) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.size == (20, 60)


def test_thumbnail_is_bounded(uploads, finding):
    e = files.store_upload(
        upload(png_bytes((3000, 1500)), "lon.png"), finding.author, finding=finding
    )
    with Image.open(uploads / files.thumb_name(e.stored_name)) as thumb:
        assert max(thumb.size) <= max(files.THUMB_SIZE)


def test_pdf_has_no_thumbnail(uploads, finding):
    e = files.store_upload(upload(PDF, "kl.pdf"), finding.author, finding=finding)
    assert not e.has_thumbnail


def test_corrupt_image_refused_clearly(uploads, finding):
    data = png_bytes((200, 200))[:120]
    with pytest.raises(OperationError) as err:
        files.store_upload(upload(data, "hong.png"), finding.author, finding=finding)
    assert err.value.status == 422 and err.value.field == "files"
    assert "hong.png" not in str(err.value.message)  # the damage message, not the type one
    assert not any(uploads.iterdir())


def test_corrupt_image_refused_even_after_pdf_rendering_loaded(uploads, finding, monkeypatch):
    """WeasyPrint switches Pillow's global LOAD_TRUNCATED_IMAGES on; uploads must not care."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(OperationError) as err:
        files.store_upload(
            upload(png_bytes((200, 200))[:120], "hong.png"), finding.author, finding=finding
        )
    assert err.value.status == 422 and not any(uploads.iterdir())


def test_empty_file_refused(uploads, finding):
    with pytest.raises(OperationError):
        files.store_upload(upload(b"", "rong.pdf"), finding.author, finding=finding)


def test_rollback_removes_written_files_and_commit_keeps_them(uploads, finding):
    e = files.store_upload(upload(png_bytes(), "a.png"), finding.author, finding=finding)
    path = uploads / e.stored_name
    assert path.exists()
    _db.session.rollback()
    assert not path.exists()
    assert not (uploads / files.thumb_name(e.stored_name)).exists()


def test_deleted_file_removed_only_after_commit(uploads, db):
    finding = factories.make_finding()
    e = files.store_upload(upload(png_bytes(), "a.png"), finding.author, finding=finding)
    _db.session.commit()
    path = uploads / e.stored_name
    files.delete_stored(e)
    assert path.exists()
    _db.session.commit()
    assert not path.exists()
