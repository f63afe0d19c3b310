"""Phone masking in printed text: every form ``normalize_phone`` accepts is masked, digit runs
that are not phones (capital, credit codes, dates, account numbers) are left alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeal_adapters.documents.common import mask_phone, mask_phones_in
from appeal_core.enterprise import CODE_CHARSET, credit_code_check_char
from appeal_core.fields import normalize_phone

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话138.1234.5678。", "电话138****5678。"),
        ("电话138—1234—5678。", "电话138****5678。"),
        ("电话138－1234－5678", "电话138****5678"),
        ("电话 138 1234 5678 联系", "电话 138****5678 联系"),
        ("电话138　1234　5678", "电话138****5678"),
        ("电话１３８１２３４５６７８", "电话138****5678"),
        ("电话＋86 138 1234 5678", "电话138****5678"),
        ("电话(0513)8211 1701转123", "电话0513-****1701转123"),
        ("电话０５１３－８２１１１７０１", "电话0513-****1701"),
        ("办公室 82111701", "办公室 ****1701"),
        ("热线400-820-1234", "热线400****1234"),
        ("手机13812345678，座机0513-82111701。", "手机138****5678，座机0513-****1701。"),
    ],
)
def test_every_accepted_form_is_masked(text: str, masked: str) -> None:
    assert mask_phones_in(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "注册资本50000000元",
        "注册资本：50000000",
        "营业额 12345678 元",
        "统一社会信用代码91320684MA1W2X3Y4K",
        "信用代码913206847203512345",
        "身份证号320684199001011234",
        "卡号6222 0212 3456 7890",
        "于20261116提出",
        "2026.11.16 至 2026-12-01",
        "合同编号：82111701",
        "第82111701号文件",
        "共投资 1.5 亿元，用地 13.5 亩",
        "事项 HM-2026-0040、QD2026-00001、HM/2026/8211",
    ],
)
def test_digit_runs_that_are_not_phones_stay(text: str) -> None:
    assert mask_phones_in(text) == text


def test_single_phone_fields() -> None:
    assert mask_phone("１３８１２３４５６７８") == "138****5678"
    assert mask_phone("138.1234.5678") == "138****5678"
    assert mask_phone("0513-82111701转8") == "0513-****1701转8"
    assert mask_phone("82111701") == "****1701"


SEPARATORS = ["", "-", " ", ".", "—", "－", "　", "  ", " - "]


@st.composite
def written_phones(draw: st.DrawFn) -> tuple[str, str]:
    """A phone as people write it, and its last four digits."""
    kind = draw(st.sampled_from(["mobile", "landline", "local"]))
    sep = draw(st.sampled_from(SEPARATORS))
    if kind == "mobile":
        digits = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9,
                                                                          max_size=9))  # fmt: skip
        groups = draw(st.sampled_from([(3, 4, 4), (3, 8), (7, 4), (11,)]))
        parts, k = [], 0
        for size in groups:
            parts.append(digits[k : k + size])
            k += size
        written = sep.join(parts)
        if draw(st.booleans()):
            written = draw(st.sampled_from(["+86", "+86 ", "0086"])) + written
    elif kind == "landline":
        area = draw(st.sampled_from(["010", "021", "0513", "0755"]))
        local = draw(st.sampled_from("2345678")) + draw(st.text("0123456789", min_size=7,
                                                                 max_size=7))  # fmt: skip
        written = (f"({area})" if draw(st.booleans()) else area) + sep + local
        digits = local
    else:
        digits = draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=7,
                                                                  max_size=7))  # fmt: skip
        written = digits[:4] + draw(st.sampled_from(["", "-", " "])) + digits[4:]
    if draw(st.booleans()):
        written = written.translate(FULL_WIDTH)
    return written, digits[-4:]


@given(written_phones(), st.sampled_from(["联系电话", "电话：", "请拨打 ", "（", ""]),
       st.sampled_from(["。", "，谢谢", "）", " 联系", ""]))  # fmt: skip
def test_any_written_phone_inside_text_is_masked(
    phone: tuple[str, str], before: str, after: str
) -> None:
    written, last = phone
    normalize_phone(written)  # the library accepts it as a phone
    masked = mask_phones_in(before + written + after)
    assert written not in masked and f"****{last}" in masked, masked
    assert masked.startswith(before) and masked.endswith(after)


@given(st.text(CODE_CHARSET, min_size=17, max_size=17))
def test_credit_codes_are_never_masked(first17: str) -> None:
    code = first17 + credit_code_check_char(first17)
    assert mask_phones_in(f"代码{code}，") == f"代码{code}，"
