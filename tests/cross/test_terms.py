"""The words officials use (DOMAIN.md, Terms): the Vietnamese catalog and every kind of
document's text contain none of the replaced terms, and a count of working days says "ngày làm
việc" (DOMAIN.md, Deadlines: "quá hạn 44 ngày làm việc", never a bare "ngày")."""

from __future__ import annotations

import os
import re

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


# A number of days ("%(num)d working days overdue", "%(n)d days").
COUNTED_DAYS = re.compile(r"%\(\w+\)d (working )?days?\b")
# In a document: "quá hạn 44 ngày" or "Số ngày quá hạn" without "làm việc".
BARE_DAYS = re.compile(r"(quá (thời )?hạn \d+ ngày(?! làm việc))|(số ngày quá hạn)")


def test_catalog_counts_overdue_in_working_days():
    wrong = [
        (english, text)
        for english, text in _catalog()
        if COUNTED_DAYS.search(english)
        and ("working" in english or "overdue" in english.casefold())
        and "ngày làm việc" not in text
    ]
    assert wrong == [], wrong


def test_every_kind_of_document_uses_the_terms_and_counts_working_days(app, db):
    from tests.reports.test_every_kind import _cells, _sheets
    from tests.reports.test_word import _texts

    counted = 0
    for kind, sheet in _sheets(app, db).items():
        texts = " ".join(_texts(sheet) + sorted(_cells(sheet))).casefold()
        headers = " ".join(
            h for block in sheet.body if hasattr(block, "headers") for h in block.headers
        ).casefold()
        texts = f"{texts} {headers}"
        found = [t for t in REPLACED if t in texts]
        if kind == "conclusion":
            # The team's verification (kiểm tra, xác minh) is the legal act an inspection
            # performs: its conclusion reports it under that name.
            found = [t for t in found if t != "xác minh"]
        assert found == [], (kind, found)
        assert BARE_DAYS.search(texts) is None, (kind, BARE_DAYS.search(texts))
        counted += "ngày làm việc" in texts
    assert counted >= 2  # the report's table and the urging letter count working days
