"""The words officials use (DOMAIN.md, Terms): the Vietnamese catalog and the documents' texts
contain none of the replaced terms."""

from __future__ import annotations

import os

import pytest
from babel.messages.pofile import read_po

from tests.cross.test_translations import PO

# Replaced term -> the term to use instead (DOMAIN.md).
REPLACED = {
    "vụ việc": "kiến nghị",
    "từ chối trả lời": "không chấp nhận kết quả báo cáo",
    "xác minh": "kiểm tra, xác nhận (xác minh is a legal act of its own)",
    "ủy quyền": "giao thực hiện thay (ủy quyền clashes with TUQ.)",
    "đơn vị được thanh tra": "đối tượng thanh tra",
    "báo cáo ủy ban nhân dân tỉnh": "báo cáo Chủ tịch UBND tỉnh",
}
# Words that are right in some senses only: wrong next to these English words.
WRONG_FOR = {"thu hồi": ("withdraw",), "từ chối": ("reject",)}


def _catalog():
    assert os.path.isfile(PO)
    with open(PO, "rb") as f:
        for message in read_po(f):
            if not message.id:
                continue
            text = message.string if isinstance(message.string, str) else " ".join(message.string)
            english = message.id if isinstance(message.id, str) else " ".join(message.id)
            yield english, text


def test_catalog_uses_the_terms_of_the_domain():
    found = []
    for english, text in _catalog():
        low = text.casefold()
        found += [(english, term) for term in REPLACED if term in low]
        found += [
            (english, term)
            for term, words in WRONG_FOR.items()
            if term in low and any(w in english.casefold() for w in words)
        ]
    assert found == [], found


@pytest.mark.parametrize("kind", ["report", "urging"])
def test_documents_use_the_terms_of_the_domain(app, kind):
    from inspect_app.reports import documents
    from inspect_app.reports.models import DocumentKind
    from tests.reports.test_decree30 import _doc
    from tests.reports.test_word import _texts

    doc = _doc(DocumentKind(kind), items=3, body="Đề nghị thực hiện.")
    with app.app_context():
        texts = " ".join(_texts(documents.layout_of(doc))).casefold()
    assert [t for t in REPLACED if t in texts] == []
    assert "dừng theo dõi" in texts or kind == "urging"
    headers = " ".join(documents.HEADERS + list(documents.FIGURE_LABELS.values())).casefold()
    assert [t for t in REPLACED if t in headers] == []
