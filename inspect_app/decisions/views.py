"""What the forms of changes needing a deciding document share: the document's fields and its
uploaded file read together (the file is downloaded through the evidence route, which asks the
document's `can_view`)."""

from __future__ import annotations

from flask import request

DOC_KEYS = ("doc_number", "doc_date", "doc_signer")


def doc_of(data: dict) -> dict:
    """The deciding document of a submitted form: its loaded fields and the upload `doc_file`."""
    doc = {key: data.get(key) for key in DOC_KEYS}
    upload = request.files.get("doc_file")
    doc["doc_file"] = upload if upload is not None and upload.filename else None
    return doc


def with_doc(data: dict) -> dict:
    """A form's loaded data for an operation taking keyword arguments: the deciding document's
    fields gathered into `doc` (with its upload)."""
    return {k: v for k, v in data.items() if k not in DOC_KEYS} | {"doc": doc_of(data)}
