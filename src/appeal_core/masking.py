"""Personal values masked for people who may not see them: phone numbers (in every form the
library accepts as a phone, also inside free text) and names.

``appeal_core.fields.normalize_phone`` decides what a phone is: mobiles, landlines with area
code (and extension), local 7-8 digit numbers, 400/800 lines, written with any of its
separators (``138.1234.5678``, ``138—1234—5678``, ``138 1234 5678``, full-width digits ...).
Text is searched for candidates in the usual groupings, each candidate is confirmed by
``normalize_phone``, and digit runs that are something else stay: a run inside a longer code
(a credit code, an ID or account number), an amount (``50000000元``, ``注册资本：50000000``), a
compact date (``20261116``).
"""

from __future__ import annotations

import re
import unicodedata

from appeal_core.errors import ValidationError
from appeal_core.fields import PHONE_SEPARATORS, normalize_phone
from appeal_core.text import clean

_S = f"[{PHONE_SEPARATORS}]"  # one separator
_G = f"{_S}{{0,3}}"  # between groups: up to three separators ("138 - 1234")
_PREFIX = rf"(?:(?:\+|00)?86{_S}{{0,3}})?"
#: Mobiles in the groupings people write: 11 together, 3-4-4, 3-8, 7-4, 4-3-4.
_MOBILE = (
    rf"{_PREFIX}(?:1[3-9]\d{{9}}|1[3-9]\d{_G}\d{{4}}{_G}\d{{4}}|1[3-9]\d{_G}\d{{8}}"
    rf"|1[3-9]\d{{5}}{_G}\d{{4}}|1[3-9]\d{{2}}{_G}\d{{3}}{_G}\d{{4}})"
)
_AREA_CODE = r"0(?:10|2\d|[3-9]\d{2})"
_AREA = rf"(?:[(（]{_AREA_CODE}[)）]|{_AREA_CODE})"  # in brackets only when both are there
_LOCAL = rf"[1-9]\d{{2,3}}{_S}{{0,2}}\d{{4}}"
_EXT = rf"(?:{_S}*(?:转|分机|ext\.?|EXT\.?|x|#|-){_S}*\d{{1,6}})?"
_LANDLINE = rf"{_PREFIX}{_AREA}{_G}{_LOCAL}{_EXT}"
_SERVICE = rf"[48]00{_S}?\d{{3}}{_S}?\d{{4}}"
_BARE = r"[2-9]\d{2,3}[ \-－—.]?\d{4}"  # a local number with no area code
#: Not inside a longer code: no letter or digit right before or after, nor one joined by ``.``,
#: ``-`` or ``/`` (``1.5``, ``2026-11``, an item number ``HM-2026-0040``).
_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9A-Za-z][.\-/])"
_AFTER = r"(?![0-9A-Za-z])(?![.\-/][0-9A-Za-z])"
_CANDIDATES = re.compile(
    rf"{_BEFORE}(?:(?P<mobile>{_MOBILE})|(?P<landline>{_LANDLINE})|(?P<service>{_SERVICE})"
    rf"|(?<![0-9]{_S})(?P<bare>{_BARE})(?!{_S}?[0-9])){_AFTER}"
)  # run on the ASCII-digit view of the text (``_view``)
#: What makes a bare 7-8 digit run an amount, a count or a code rather than a phone.
_UNIT_AFTER = re.compile(
    r"\s*(?:[元万亿千百%％‰㎡平米吨件个人户家年月日号次台辆股亩份张条]|美元|港元|欧元|公里|公斤|"
    r"千克|kg|km|m²|[mMtTwW](?![A-Za-z]))"
)
_AMOUNT_BEFORE = re.compile(
    r"(?:[¥￥$＄]|RMB|人民币|资本|资金|金额|投资|产值|营收|收入|营业额|销售额|利润|税额|费用|"
    r"价格|价款|货款|欠款|工资|编号|单号|代码|账号|帐号|订单号?|合同号?|No\.?|NO\.?|第)"
    r"[\s:：为是约共计达]{0,4}$"
)
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")


def _view(text: str) -> str:
    """``text`` with every decimal digit (full-width ``１``, other scripts) as its ASCII digit
    and ``＋`` as ``+``: the same length, so a match's span is the original's span."""
    text = _NON_ASCII_DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), text)
    return text.replace("＋", "+")


def _is_date(digits: str) -> bool:
    if len(digits) != 8 or digits[:2] not in ("19", "20"):
        return False
    month, day = int(digits[4:6]), int(digits[6:])
    return 1 <= month <= 12 and 1 <= day <= 31


def _masked(canonical: str) -> str:
    """The masked form of a number as ``normalize_phone`` writes it."""
    head, _, extension = canonical.partition("转")
    tail = f"转{extension}" if extension else ""
    if head.startswith("1") and len(head) == 11:
        return f"{head[:3]}****{head[-4:]}"
    if "-" in head:
        area, local = head.split("-", 1)
        return f"{area}-****{local[-4:]}{tail}"
    if head.startswith(("400", "800")):
        return f"{head[:3]}****{head[-4:]}"
    return f"****{head[-4:]}{tail}"


def mask_phones_in(text: str) -> str:
    """Free text with every phone number in it masked (``138****5678``, ``0513-****1701``,
    ``****1701``), whatever its separators or digits; other digit runs stay as they are."""
    view = _view(text)
    out, last = [], 0
    for match in _CANDIDATES.finditer(view):
        start, end = match.span()
        if match["bare"]:
            digits = re.sub(r"\D", "", match["bare"])
            if (
                _is_date(digits)
                or _UNIT_AFTER.match(view, end)
                or _AMOUNT_BEFORE.search(view[max(0, start - 12) : start])
            ):
                continue
        try:
            canonical = normalize_phone(view[start:end])
        except ValidationError:
            continue
        out.append(text[last:start])
        out.append(_masked(canonical))
        last = end
    out.append(text[last:])
    return "".join(out)


def mask_phone(phone: str) -> str:
    """A phone number with its middle hidden: ``138****5678``, ``0513-****1701``."""
    text = clean(phone).strip()
    view = _view(text)
    try:
        return _masked(normalize_phone(view))
    except ValidationError:
        pass
    digits = re.sub(r"\D", "", view)
    if not digits:
        return text
    if re.fullmatch(r"(86)?1[3-9]\d{9}", digits):
        return f"{digits[-11:-8]}****{digits[-4:]}"
    if re.fullmatch(r"0\d{9,11}", digits):
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-****{digits[-4:]}"
    return "****" + digits[-4:] if len(digits) > 4 else "****"


def mask_name(name: str) -> str:
    """A person's name with all but its first character hidden: ``张三`` -> ``张*``,
    ``欧阳娜娜`` -> ``欧**`` (at most two stars, so the length does not tell); ``""`` stays."""
    text = clean(name).strip()
    return text[0] + "*" * max(1, min(len(text) - 1, 2)) if text else ""
