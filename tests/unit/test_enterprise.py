"""Enterprise values and the GB 32100-2015 check character."""

from __future__ import annotations

import pytest
from hypothesis import given

from appeal_core import Enterprise, ValidationError
from appeal_core.enterprise import credit_code_check_char, credit_code_problem
from appeal_core.testing import credit_codes

REAL_CODES = ["91350100M000100Y43", "91110000802100433B", "91110108551385082Q"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_codes_pass_the_check(code: str) -> None:
    assert credit_code_problem(code) is None
    assert Enterprise(name="某公司", credit_code=code).code_verified


def test_a_typo_is_refused_with_the_expected_check_character() -> None:
    with pytest.raises(ValidationError) as info:
        Enterprise(name="某公司", credit_code="91350100M000100Y44")
    assert info.value.field == "enterprise.credit_code"
    assert "校验位应为 3" in str(info.value)
    assert "code_override" in str(info.value)


def test_the_desk_can_record_a_failing_code_with_a_reason() -> None:
    e = Enterprise(
        name="某公司", credit_code="91350100M000100Y44", code_override="营业执照原件如此"
    )
    assert e.credit_code == "91350100M000100Y44"
    assert not e.code_verified


@pytest.mark.parametrize(
    ("code", "fragment"),
    [("9135010", "应为18位"), ("91350100M000100YI3", "不允许的字符 I")],
)
def test_malformed_codes_say_what_is_wrong(code: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        Enterprise(name="某公司", credit_code=code)


def test_codes_are_normalised_as_clerks_type_them() -> None:
    assert (
        Enterprise(name="某公司", credit_code=" 91350100m000100y43 ").credit_code == REAL_CODES[0]
    )


def test_name_is_required() -> None:
    with pytest.raises(ValidationError, match="企业名称不能为空"):
        Enterprise(name="  ")


@given(credit_codes())
def test_generated_codes_are_valid_and_any_single_change_is_caught(code: str) -> None:
    assert credit_code_problem(code) is None
    wrong = "0" if code[17] != "0" else "1"
    assert credit_code_problem(code[:17] + wrong) is not None
    assert credit_code_check_char(code[:17]) == code[17]
