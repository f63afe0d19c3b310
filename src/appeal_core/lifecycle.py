"""The allowed transitions, as one table: which command, from which statuses, by whom, to what."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from appeal_core import commands as c
from appeal_core.actor import Actor, Role
from appeal_core.appeal import Appeal, Status
from appeal_core.errors import LifecycleError, PermissionDenied

S = Status
HANDLING = frozenset({S.ASSIGNED, S.PRELIMINARY_REPLIED})
BEFORE_ASSIGNMENT = frozenset({S.REGISTERED, S.VERIFIED, S.CLASSIFIED})


@attrs.frozen
class Rule:
    """One row of the table; ``to`` is None when the status does not change."""

    action: str
    allowed_from: frozenset[Status]
    role: Role
    to: Status | None


def _rule(action: str, allowed: set[Status], role: Role, to: Status | None) -> Rule:
    return Rule(action, frozenset(allowed), role, to)


D, DEPT, LEADER = Role.DESK, Role.DEPARTMENT, Role.LEADER
ESCALABLE = {S.ASSIGNED, S.RETURNED, S.PRELIMINARY_REPLIED}
AFTER_ASSIGNMENT = {S.ASSIGNED, S.RETURNED, S.PRELIMINARY_REPLIED, S.REPLIED, S.FOLLOWED_UP}
CHARACTERIZABLE = {S.VERIFIED, S.CLASSIFIED} | AFTER_ASSIGNMENT
OPEN = {s for s in Status if s.is_open}
#: Reviewing an assumed value corrects the record, not the handling: allowed in every status,
#: closed and merged items included, so the review queue can always be emptied.
ANY = set(Status)

# fmt: off
TRANSITIONS: Mapping[type[c.Command], Rule] = {
    c.Verify:           _rule("核实",         {S.REGISTERED}, D, S.VERIFIED),
    c.Merge:            _rule("合并",         set(BEFORE_ASSIGNMENT), D, S.MERGED),
    c.DismissDuplicate: _rule("排除疑似重复", OPEN, D, None),
    c.ConfirmAssumption: _rule("复核确认",   ANY, D, None),
    c.CorrectAssumption: _rule("复核更正",   ANY, D, None),
    c.Classify:         _rule("分类",         {S.VERIFIED, S.CLASSIFIED}, D, S.CLASSIFIED),
    c.Assign:           _rule("交办",         {S.CLASSIFIED, S.RETURNED}, D, S.ASSIGNED),
    c.SendBack:         _rule("退回",         {S.ASSIGNED}, DEPT, S.RETURNED),
    c.Reassign:         _rule("改派",         set(HANDLING), D, S.ASSIGNED),
    c.ReportToLead:     _rule("报送协办情况", set(HANDLING), DEPT, None),
    c.ReplyPreliminary: _rule("作出初步答复", {S.ASSIGNED}, DEPT, S.PRELIMINARY_REPLIED),
    c.ReplyFinal:       _rule("答复",         set(HANDLING), DEPT, S.REPLIED),
    c.Extend:           _rule("延期",         set(HANDLING), D, None),
    c.Redate:           _rule("重新计算期限", OPEN, D, None),
    c.Escalate:         _rule("报区分管领导", ESCALABLE, D, None),
    c.Resolve:          _rule("协调解决",     AFTER_ASSIGNMENT | {S.CHARACTERIZED}, LEADER, None),
    c.RecordFollowUp:   _rule("回访",         {S.REPLIED, S.FOLLOWED_UP}, D, S.FOLLOWED_UP),
    c.Reopen:           _rule("重新交办",     {S.REPLIED, S.FOLLOWED_UP}, D, S.ASSIGNED),
    c.Characterize:     _rule("定性",         CHARACTERIZABLE, D, S.CHARACTERIZED),
    c.Close:            _rule("销号",         {S.FOLLOWED_UP, S.CHARACTERIZED}, D, S.CLOSED),
    c.DesignateDeputy:  _rule("指定代理领导", AFTER_ASSIGNMENT | {S.CHARACTERIZED}, D, None),
    c.RecordLeaderMeeting: _rule("记录领导办会", AFTER_ASSIGNMENT | {S.CHARACTERIZED}, D, None),
    c.RecordSiteVisit:  _rule("登门研究解决", AFTER_ASSIGNMENT, DEPT, None),
    c.PauseClock:       _rule("暂停计时",     set(HANDLING), D, None),
    c.RequestPause:     _rule("申请暂停计时", set(HANDLING), DEPT, None),
    c.ApprovePause:     _rule("批准暂停计时", set(HANDLING), D, None),
    c.DeclinePause:     _rule("不予暂停计时", set(HANDLING), D, None),
    c.ResumeClock:      _rule("恢复计时",     set(HANDLING), D, None),
}
# fmt: on

#: The one command outside the table: registering is always allowed to the desk.
REGISTER_ROLE = Role.DESK

_FINAL_HINTS = {
    S.CLOSED: "该事项已销号；企业如再次反映，请登记为新事项",
    S.MERGED: "该事项已合并到其他事项，请在主事项上办理",
}


def rule_for(command: c.Command) -> Rule:
    """The table row of ``command``."""
    return TRANSITIONS[type(command)]


def check_allowed(state: Appeal, command: c.Command, by: Actor, desk: str = "") -> Rule:
    """Refuse, with a message a clerk can act on, what the table does not allow (``desk`` is
    the district's name for its desk, from the policy's identity)."""
    rule = rule_for(command)
    if by.role is not rule.role:
        who = desk if rule.role is Role.DESK and desk else rule.role.label
        raise PermissionDenied(str(by), rule.action, state.number, f"只有{who}可以办理")
    if state.status not in rule.allowed_from:
        hint = _FINAL_HINTS.get(state.status) or "可办理的状态：" + "、".join(
            s.label for s in Status if s in rule.allowed_from
        )
        raise LifecycleError(state.number, rule.action, state.status.label, hint)
    _check_department(state, command, by, rule)
    return rule


def _check_department(state: Appeal, command: c.Command, by: Actor, rule: Rule) -> None:
    if by.role is not Role.DEPARTMENT or state.assignment is None:
        return
    if isinstance(command, c.ReportToLead):
        if by.department not in state.assignment.co:
            reason = f"只有协办部门（{'、'.join(state.assignment.co) or '无'}）可以报送协办情况"
            raise PermissionDenied(str(by), rule.action, state.number, reason)
    elif isinstance(command, c.RecordSiteVisit):
        if by.department not in state.assignment.departments:
            names = "、".join(state.assignment.departments)
            reason = f"只有该事项的主办或协办部门（{names}）可以登记登门情况"
            raise PermissionDenied(str(by), rule.action, state.number, reason)
    elif by.department != state.assignment.lead:
        reason = f"该事项的主办部门是{state.assignment.lead}"
        raise PermissionDenied(str(by), rule.action, state.number, reason)
