"""Targets: subjects on either side of the percentage, scopes, comparators, body parts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.targets import find_targets, target_parts


def test_percent_opening_a_noun_phrase():
    [t] = find_targets("- 100% văn bản QPPL của tỉnh được rà soát, kiến nghị sửa đổi, bổ sung.")
    assert (t.percent, t.comparator) == (100.0, "=")
    assert t.subject == "văn bản QPPL của tỉnh được rà soát, kiến nghị sửa đổi, bổ sung"
    assert t.subject_head == "văn bản"


def test_percent_closing_a_predicate():
    [t] = find_targets("Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan đạt tối thiểu 90%.")
    assert (t.percent, t.comparator) == (90.0, ">=")
    assert t.subject == "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan"


def test_scopes_give_one_row_each():
    got = [(t.scope, t.percent) for t in find_targets("1.6. Cấp tỉnh: 50%, cấp huyện: 40%, cấp xã: 35%")]
    assert got == [("Cấp tỉnh", 50.0), ("cấp huyện", 40.0), ("cấp xã", 35.0)]


def test_two_targets_in_one_sentence_and_a_parenthesis():
    text = "Tỷ lệ cán bộ, công chức hoàn thành tốt nhiệm vụ đạt 90% (trong đó, hoàn thành xuất sắc nhiệm vụ đạt 15%)."
    got = [(t.percent, t.subject) for t in find_targets(text)]
    assert got == [(90.0, "Tỷ lệ cán bộ, công chức hoàn thành tốt nhiệm vụ"), (15.0, "hoàn thành xuất sắc nhiệm vụ")]


def test_comparators_and_spaced_percent():
    got = [
        (t.percent, t.comparator, t.subject)
        for t in find_targets("phủ 100 % đơn vị hành chính cấp xã, trên 80% hộ gia đình")
    ]
    assert got == [(100.0, "=", "đơn vị hành chính cấp xã"), (80.0, ">", "hộ gia đình")]
    [t] = find_targets("tỷ lệ hồ sơ phát sinh trực tuyến đạt từ 30% trở lên")
    assert (t.comparator, t.subject) == (">=", "tỷ lệ hồ sơ phát sinh trực tuyến")


def test_level_scope_inside_the_subject():
    got = [
        (t.percent, t.scope)
        for t in find_targets("100% hồ sơ công việc tại cấp tỉnh, cấp huyện và 85% hồ sơ công việc tại cấp xã")
    ]
    assert got == [(100.0, "cấp tỉnh, cấp huyện"), (85.0, "cấp xã")]


def test_how_words_are_not_a_subject():
    [t] = find_targets("1.3. 100% kịp thời, đúng quy định")
    assert t.subject is None


def test_numbers_that_are_not_percentages():
    assert find_targets("Nghị định số 107/2020/NĐ-CP; mạng 4G/5G; năm 2023") == []


def test_body_parts_under_target_headings_only():
    lines = [
        "II. CÁC NHIỆM VỤ TRỌNG TÂM",
        "1. Công tác lãnh đạo",
        "- Kiểm tra trên 30% các phòng, đơn vị thuộc Sở.",
        "2. Cải cách thể chế",
        "a) Chỉ tiêu",
        "- 100% văn bản QPPL được rà",
        "soát kịp thời.",
        "b) Nhiệm vụ",
        "- Đạt 50% nhiệm vụ khác.",
    ]
    parts = target_parts(lines)
    assert parts == ["- 100% văn bản QPPL được rà soát kịp thời."]
    assert [t.subject for t in find_targets(parts[0])] == ["văn bản QPPL được rà soát kịp thời"]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_total(text):
    for t in find_targets(text):
        assert t.percent >= 0
    target_parts(text.splitlines())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["100", "%", " văn bản", ": ", "Cấp tỉnh", ", ", "đạt ", "(", ")", ";", "trên ", "."])
    ).map("".join)
)
def test_total_on_target_like_noise(text):
    find_targets(text)


def test_underthesea_runs_offline(monkeypatch):
    """The POS model ships in the wheel: tagging must never open a connection."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from normalizers.targets import subject_head

    subject_head.cache_clear()
    assert subject_head("các hồ sơ TTHC tiếp nhận") == "hồ sơ"
