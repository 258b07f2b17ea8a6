"""The units chart's labels: cut in the middle at whole words, where units' names differ."""

from __future__ import annotations

import pytest

from inspect_app.dashboard.charts import horizontal_bars


@pytest.mark.parametrize(
    "name, label",
    [
        ("UBND xã Đông Bình", "UBND xã Đông Bình"),
        ("Trung tâm Dịch vụ thuộc Sở Công Thương", "Trung tâm…Sở Công Thương"),
        ("Trung tâm Dịch vụ thuộc Sở Xây dựng", "Trung tâm…thuộc Sở Xây dựng"),
        ("Ban Quản lý các khu công nghiệp tỉnh Tuyên Quang", "Ban Quản l…tỉnh Tuyên Quang"),
    ],
)
def test_a_long_name_keeps_its_start_and_its_last_words(name, label):
    chart = horizontal_bars([(name, 3, "/cases")])
    assert chart.bars[0].short == label and len(label) <= 28
    assert chart.bars[0].label == name  # the whole name in the bar's title
