"""Personal data from the command line: who reads clear values in show and --json, access and
erasure requests, the retention step, confidentiality, and the master key's commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from appeal_adapters.cli import cli
from appeal_adapters.privacy import MASTER_ENV, MASTER_FILE_ENV, MasterKey

LEAD, OTHER = "区市场监督管理局", "区应急管理局"
PHONE, NAME = "13912345678", "欧阳慕青"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, acting: str = "desk", code: int = 0) -> str:
        result = runner.invoke(
            cli, ["--db", "sqlite:///appeals.db", "--as", acting, *args], catch_exceptions=False
        )
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def _item(run, *extra: str) -> str:  # type: ignore[no-untyped-def]
    out = run("--json", "register", "--enterprise", "海门示例精工有限公司", "--content",
              "厂区门前道路破损", "--channel", "hotline", "--contact", NAME, "--phone", PHONE,
              "--on", "2026-11-02", *extra)  # fmt: skip
    number = str(json.loads(out)["number"])
    run("verify", number, "--on", "2026-11-02")
    run("classify", number, "--category", "道路", "--complexity", "routine", "--on", "2026-11-02")
    run("assign", number, "--lead", LEAD, "--co", OTHER, "--on", "2026-11-02")
    return number


def _contact(run, number: str, acting: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    state = json.loads(run("--json", "show", number, acting=acting))["state"]
    return {k: state["enterprise"].get(k, "") for k in ("contact", "phone")}


def test_who_reads_the_contact_in_show_and_json(run) -> None:  # type: ignore[no-untyped-def]
    number = _item(run)
    clear, masked = {"contact": NAME, "phone": PHONE}, {"contact": "欧**", "phone": "139****5678"}
    assert _contact(run, number, "desk") == clear
    assert _contact(run, number, f"department:{LEAD}") == clear  # the lead, while open
    assert _contact(run, number, f"department:{OTHER}") == masked  # a co-handler
    assert _contact(run, number, "leader:李区长") == masked
    shown = run("show", number, acting=f"department:{OTHER}")
    assert PHONE not in shown and NAME not in shown and "139****5678" in shown
    history = json.loads(run("--json", "show", number, acting="leader"))["history"]
    assert PHONE not in json.dumps(history, ensure_ascii=False)
    replied = run("--json", "reply", number, "--text", "已修复", "--on", "2026-11-03",
                  acting=f"department:{LEAD}")  # fmt: skip
    assert json.loads(replied)["enterprise"]["phone"] == PHONE
    run("follow-up", number, "--satisfied", "--resolved", "--on", "2026-11-04")
    run("close", number, "--on", "2026-11-04")
    assert _contact(run, number, f"department:{LEAD}") == masked  # closed: no longer
    assert _contact(run, number, "desk") == clear


def test_a_confidential_contact_is_masked_even_for_the_lead(run) -> None:  # type: ignore[no-untyped-def]
    number = _item(run, "--confidential")
    assert _contact(run, number, f"department:{LEAD}")["phone"] == "139****5678"
    assert _contact(run, number, "desk")["phone"] == PHONE
    assert "已解除保密" in run("privacy", "confidential", number, "--lift", "--reason",
                               "本人同意部门直接联系", "--on", "2026-11-03")  # fmt: skip
    assert _contact(run, number, f"department:{LEAD}")["phone"] == PHONE
    other = _item(run)
    assert "已设为保密" in run("privacy", "confidential", other, "--on", "2026-11-03")
    assert "（保密）" in run("show", other)


def test_access_and_erasure_requests(run) -> None:  # type: ignore[no-untyped-def]
    number = _item(run)
    second = _item(run)
    (record,) = json.loads(run("--json", "privacy", "export", "--phone", "139-1234-5678"))
    contact = record["contact"]
    assert contact == f"{number}-C" and record["held"] == {"contact": NAME, "phone": PHONE}
    assert [s["number"] for s in record["items"]] == [number, second]
    text = run("privacy", "export", "--contact", contact)
    assert NAME in text and number in text and "尚有在办事项" in text
    out = run("privacy", "erase", "--contact", contact, "--reason", "本人来信", code=4)
    assert "在办事项" in out and "--force" in out
    erased = json.loads(run("--json", "privacy", "erase", "--contact", contact, "--reason",
                            "本人来信要求删除，不再需要联系", "--force"))  # fmt: skip
    assert erased["numbers"] == [number, second] and erased["forced"]
    assert _contact(run, number, "desk") == {"contact": "（已删除）", "phone": "（已删除）"}
    assert "未查到" in run("privacy", "export", "--phone", PHONE)
    assert contact in run("privacy", "erasures")
    assert "事件日志完整" in run("audit", "verify")


def test_the_retention_step(run) -> None:  # type: ignore[no-untyped-def]
    number = _item(run)
    run("reply", number, "--text", "已修复", "--on", "2026-11-03", acting=f"department:{LEAD}")
    run("follow-up", number, "--satisfied", "--resolved", "--on", "2026-11-04")
    run("close", number, "--on", "2026-11-04")
    assert "删除 0 位" in run("privacy", "sweep", "--on", "2029-11-04")
    out = run("privacy", "sweep", "--on", "2029-11-05")
    assert "保存期限 36 个月：删除 1 位" in out and number in out
    assert json.loads(run("--json", "privacy", "erasures"))[0]["rule"] == "retention"


def test_keygen_and_rotation(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    printed = run("privacy", "keygen").strip()
    assert len(MasterKey.parse(printed).key) == 32
    number = _item(run)
    new = tmp_path / "new.key"
    assert "主密钥已写入" in run("privacy", "keygen", "--file", str(new))
    assert "已存在" in run("privacy", "keygen", "--file", str(new), code=9)
    out = run("privacy", "rotate-key", "--new-key-file", str(new))
    assert "重新包裹 2 把密钥" in out
    assert MASTER_ENV in run("show", number, code=9)  # the old key no longer opens the store
    monkeypatch.delenv(MASTER_ENV)
    monkeypatch.setenv(MASTER_FILE_ENV, str(new))
    assert PHONE in run("show", number)


def test_without_a_master_key_one_clear_line(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _item(run)
    monkeypatch.delenv(MASTER_ENV)
    out = run("sweep", "--on", "2026-11-05", code=9)
    assert out.count("\n") == 1 and MASTER_ENV in out and "appeal privacy keygen" in out
