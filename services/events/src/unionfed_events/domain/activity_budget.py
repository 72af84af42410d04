"""An activity's budget: one hold in finance per line, and what finance's answers make of it.

Finance answers each instruction once (reserve, capture, void) with MoneyRequestSettledV1.
Answers may be redelivered; a status only moves forward, so a late or repeated answer never
takes a hold back to an earlier state.
"""

from unionfed_shared.amount_words import yuan
from unionfed_shared.errors import Conflict, Invalid

# What finance writes into the books for an activity's prizes, in the federation's language.
_PRIZE_MONEY = {"zh-CN": "{title}：奖金", "en": "{title}: prize money"}


def prize_description(title: str, language: str) -> str:
    return _PRIZE_MONEY.get(language, _PRIZE_MONEY["zh-CN"]).format(title=title)[:200]


# A hold's status as a refusal says it to Chinese staff.
STATUS_ZH = {
    "requested": "待财务预留",
    "reserved": "已预留",
    "refused": "被财务拒绝",
    "capture_requested": "支付中",
    "captured": "已支付",
    "void_requested": "取消中",
    "voided": "已作废",
}
# Holds a cancelled activity still has to release.
OPEN = ("requested", "reserved")
FINAL = ("captured", "voided")


def after_answer(status: str, operation: str, outcome: str) -> str:
    """The hold's status once finance has answered ``operation`` with ``outcome``."""
    if status in FINAL:
        return status
    if operation == "reserve":
        if outcome == "reserved":
            return "reserved" if status == "requested" else status
        if outcome == "refused" and status in ("requested", "void_requested"):
            return "refused"
        return status
    if operation == "capture":
        if outcome == "captured":
            return "captured"
        # A refused capture leaves the reservation standing; the treasurer may pay again.
        return "reserved" if status == "capture_requested" else status
    if operation == "void":
        if outcome == "voided":
            return "voided"
        return "refused" if status == "void_requested" else status
    return status


def require_payable(label: str, status: str, reason: str | None) -> None:
    if status != "reserved":
        why = f": {reason}" if reason else ""
        why_zh = f"（{reason}）" if reason else ""
        raise Conflict(
            "money_not_reserved",
            zh=f"{label}的款项{STATUS_ZH.get(status, '状态为 ' + status)}，不是已预留状态，无法支付{why_zh}",
            en=f"the money for {label} is {status}, not reserved{why}",
        )


def check_prize_total(total_fen: int, prize_budget_fen: int | None) -> None:
    if total_fen and prize_budget_fen is None:
        raise Invalid("prize_budget_missing", zh="该活动预算中没有奖金", en="the activity's budget has no prize money")
    if prize_budget_fen is not None and total_fen > prize_budget_fen:
        raise Invalid(
            "prizes_over_budget",
            zh=f"奖金合计 {yuan(total_fen)} 超过奖金预算 {yuan(prize_budget_fen)}",
            en=f"prizes of {total_fen} fen exceed the prize budget of {prize_budget_fen} fen",
        )
