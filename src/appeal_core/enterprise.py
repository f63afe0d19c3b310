"""The enterprise that reports a problem, with its unified social credit code (GB 32100-2015)."""

from __future__ import annotations

import re
from functools import lru_cache

import attrs

from appeal_core.errors import ValidationError
from appeal_core.text import clean, clean_line

#: The 31 characters a unified social credit code may use (no I, O, Z, S, V).
CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CODE_CHARSET)}
_SPACES = re.compile(r"[\s\u3000]+")


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CODE_CHARSET[(31 - total % 31) % 31]


@lru_cache(maxsize=8192)  # each row checks its code twice (reader, then Enterprise); codes repeat
def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return f"应为18位，实为{len(code)}位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return f"含有不允许的字符 {''.join(bad)}（不使用 I、O、Z、S、V）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验位应为 {expected}，实为 {code[17]}（GB 32100-2015），请与企业核对"
    return None


def normalize_credit_code(code: str) -> str:
    """Upper-case the code and drop spaces (and control characters), as clerks type it."""
    return _SPACES.sub("", clean(code)).upper()


def _line(value: str) -> str:
    return clean_line(value)


def _text(value: str) -> str:
    return clean(value).strip()


#: Longest accepted value of each free-text field (the name's limit is checked with its own
#: message below).
LIMITS = {"address": 500, "contact": 100, "phone": 50, "code_override": 500, "extension": 10,
          "contact_id": 100}  # fmt: skip


def _limited(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    limit = LIMITS[attribute.name]
    if len(value) > limit:
        raise ValidationError(
            f"enterprise.{attribute.name}",
            value[:20] + "…",
            f"长度 {len(value)} 超过上限 {limit} 字",
        )


@attrs.frozen(kw_only=True)
class Enterprise:
    """An enterprise as the desk records it.

    ``credit_code`` is checked against GB 32100-2015; a code that fails the check is accepted
    only with ``code_override`` (the desk's reason for recording it anyway), so a typo never
    slips in silently and a genuinely odd code is never refused.
    """

    name: str = attrs.field(converter=_line)
    credit_code: str = attrs.field(default="", converter=normalize_credit_code)
    address: str = attrs.field(default="", converter=_line, validator=_limited)
    contact: str = attrs.field(default="", converter=_line, validator=_limited)
    phone: str = attrs.field(default="", converter=_line, validator=_limited)
    code_override: str = attrs.field(default="", converter=_text, validator=_limited)
    #: The extension after ``phone`` (``转123``), kept apart so ``phone`` is a complete number.
    extension: str = attrs.field(default="", converter=_line, validator=_limited)
    #: The contact person's pseudonymous id (``appeal_core.privacy``), given at registration:
    #: it names the key their personal data is encrypted with, and is not personal itself.
    contact_id: str = attrs.field(default="", converter=_line, validator=_limited)
    #: The contact asked that their details be kept confidential (保密): masked even for the
    #: lead department (``appeal_core.privacy.visible``).
    confidential: bool = attrs.field(default=False, converter=bool)

    @name.validator
    def _check_name(self, _: attrs.Attribute[str], value: str) -> None:
        if not value:
            raise ValidationError("enterprise.name", value, "企业名称不能为空")
        if len(value) > 200:
            raise ValidationError("enterprise.name", value[:20] + "…", "企业名称超过200字")

    @credit_code.validator
    def _check_code(self, _: attrs.Attribute[str], value: str) -> None:
        if not value:
            return
        problem = credit_code_problem(value)
        if problem and not self.code_override:
            raise ValidationError(
                "enterprise.credit_code",
                value,
                problem + "；如确需按原样登记，请填写 code_override 说明原因",
            )

    @property
    def code_verified(self) -> bool:
        """True when the credit code is present and passes the GB 32100-2015 check."""
        return bool(self.credit_code) and credit_code_problem(self.credit_code) is None
