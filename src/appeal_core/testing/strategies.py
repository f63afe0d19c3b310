"""Hypothesis strategies for the domain's values: codes, enterprises, actors, texts."""

from __future__ import annotations

from hypothesis import strategies as st

from appeal_core.actor import Actor
from appeal_core.appeal import Assumption, Channel
from appeal_core.enterprise import CODE_CHARSET, Enterprise, credit_code_check_char

#: Department names like a real district's, used by the shipped state machine.
DEPARTMENTS = (
    "区发展和改革委员会",
    "区市场监督管理局",
    "区自然资源和规划局",
    "区人力资源和社会保障局",
    "区生态环境局",
)

_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    """Unified social credit codes with a correct GB 32100-2015 check character."""
    first17 = draw(st.text(alphabet=CODE_CHARSET, min_size=17, max_size=17))
    return first17 + credit_code_check_char(first17)


def mobile_phones() -> st.SearchStrategy[str]:
    """Mainland mobile numbers (11 digits starting 13-19)."""
    return st.from_regex(r"\A1[3-9][0-9]{9}\Z")


def contents() -> st.SearchStrategy[str]:
    """Problem texts: Chinese characters with some ASCII, never blank."""
    return st.text(
        alphabet=st.one_of(_CJK, st.sampled_from("0123456789，。、ABC ")), min_size=1, max_size=60
    ).filter(lambda s: bool(s.strip()))


def enterprises() -> st.SearchStrategy[Enterprise]:
    """Valid enterprises, with or without a credit code, contact and phone."""
    names = st.text(alphabet=_CJK, min_size=2, max_size=12).map(lambda s: s + "有限公司")
    return st.builds(
        Enterprise,
        name=names,
        credit_code=st.one_of(st.just(""), credit_codes()),
        address=st.text(alphabet=_CJK, max_size=20),
        contact=st.text(alphabet=_CJK, max_size=4),
        phone=st.one_of(st.just(""), mobile_phones()),
    )


def channels() -> st.SearchStrategy[Channel]:
    """Any intake channel."""
    return st.sampled_from(Channel)


def actors(departments: tuple[str, ...] = DEPARTMENTS) -> st.SearchStrategy[Actor]:
    """Any actor: the desk, a district leader, or someone of one of ``departments``."""
    return st.one_of(
        st.just(Actor.desk("窗口")),
        st.just(Actor.leader("分管区长")),
        st.sampled_from(departments).map(Actor.of_department),
    )


#: Assumptions as the built-in channels state them (see ``appeal_core.review``).
GUESSES = (
    Assumption(field="enterprise.phone", original="82118899", assumed="0513-82118899",
               reason="固定电话未写区号，按本区区号 0513 补全"),
    Assumption(field="enterprise.phone", original="51382118899", assumed="0513-82118899",
               reason="表格数值丢失了电话开头的 0，按 0513-82118899 登记"),
    Assumption(field="reported_at", original="26-11-01", assumed="2026-11-01 00:00",
               reason="两位年份按 2026 年登记，无时间按 0 时登记"),
    Assumption(field="notes", original="", assumed="", reason="走访类型空白，按文件默认登记"),
)  # fmt: skip


def assumptions() -> st.SearchStrategy[tuple[Assumption, ...]]:
    """What a record may carry: none (mostly), or one or two assumptions on distinct fields."""
    picked = st.lists(st.sampled_from(GUESSES), max_size=2, unique_by=lambda a: a.field)
    return st.one_of(st.just(()), picked.map(tuple))
