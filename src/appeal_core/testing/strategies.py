"""Hypothesis strategies for the domain's values: codes, enterprises, actors, texts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from appeal_core.actor import Actor
from appeal_core.appeal import BUILT_IN_CHANNELS, Assumption, Channel
from appeal_core.calendar import HolidayPeriod, YearNotice
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
    return st.sampled_from(BUILT_IN_CHANNELS)


def actors(departments: tuple[str, ...] = DEPARTMENTS) -> st.SearchStrategy[Actor]:
    """Any actor: the desk, a district leader, or someone of one of ``departments``."""
    return st.one_of(
        st.just(Actor.desk("窗口")),
        st.just(Actor.leader("分管区长")),
        st.just(Actor.leader("常务副区长")),
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


@st.composite
def year_notices(draw: st.DrawFn, year: int) -> YearNotice:
    """Made-up holiday arrangements for ``year`` that look like a State Council notice: the
    seven holidays on plausible dates, weekend make-up days, a title and a document number.

    For tests only (the loader accepts them without ``force``); never a real year's data.
    """

    def day(month: int, first: int, last: int) -> date:
        return date(year, month, draw(st.integers(first, last)))

    def period(name: str, first: date, lengths: tuple[int, int]) -> HolidayPeriod:
        days = draw(st.integers(*lengths))
        return HolidayPeriod(name, first, first + timedelta(days=days - 1))

    new_year = date(year, 1, 1) - timedelta(days=draw(st.integers(0, 2)))
    periods = [
        HolidayPeriod("元旦", new_year, date(year, 1, draw(st.integers(1, 3)))),
        period("春节", day(1, 21, 31) + timedelta(days=draw(st.integers(0, 18))), (7, 9)),
        period("清明节", day(4, 3, 6), (1, 3)),
        period("劳动节", date(year, 5, 1), (1, 5)),
        period("端午节", day(5, 28, 31) + timedelta(days=draw(st.integers(0, 25))), (1, 3)),
    ]
    if draw(st.booleans()):
        periods += [
            period("中秋节", day(9, 10, 27), (1, 3)),
            period("国庆节", date(year, 10, 1), (7, 8)),
        ]
    else:
        periods.append(period("中秋节、国庆节", date(year, 10, 1), (8, 8)))
    off = {d for p in periods for d in p.days()}
    weekends = [
        d
        for d in (date(year, 1, 1) + timedelta(days=k) for k in range(365))
        if d.weekday() >= 5 and d not in off
    ]
    makeup = draw(st.lists(st.sampled_from(weekends), unique=True, max_size=6))
    return YearNotice(
        year,
        tuple(periods),
        tuple(sorted(makeup)),
        title=f"国务院办公厅关于{year}年部分节假日安排的通知",
        document_number=f"国办发明电〔{year - 1}〕{draw(st.integers(1, 30))}号",
        issued_on=date(year - 1, 11, draw(st.integers(1, 30))),
    )


def example_notice(year: int) -> YearNotice:
    """One fixed made-up arrangement for ``year`` in a notice's shape (元旦 1-3 January, 春节,
    清明节, 劳动节, 端午节, 中秋节 and 国庆节 on typical dates), for examples, tests and
    benchmarks that need the same notice every run; never a real year's data."""

    def off(name: str, first: tuple[int, int], last: tuple[int, int]) -> HolidayPeriod:
        return HolidayPeriod(name, date(year, *first), date(year, *last))

    return YearNotice(
        year,
        (
            off("元旦", (1, 1), (1, 3)),
            off("春节", (2, 5), (2, 12)),
            off("清明节", (4, 3), (4, 5)),
            off("劳动节", (5, 1), (5, 5)),
            off("端午节", (6, 9), (6, 11)),
            off("中秋节", (9, 15), (9, 17)),
            off("国庆节", (10, 1), (10, 7)),
        ),
        tuple(d for d in (date(year, 2, 20), date(year, 10, 9)) if d.weekday() >= 5),
        title=f"国务院办公厅关于{year}年部分节假日安排的通知",
        document_number=f"国办发明电〔{year - 1}〕9号",
    )
