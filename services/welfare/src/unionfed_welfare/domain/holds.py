"""What finance's answers make of a welfare hold.

Answers may be redelivered or arrive late; a final status (paid, voided, refused reserve) never
changes again, and a stale answer never takes a hold back to an earlier state. The one step back
is a refused payment: the money is still reserved in finance, so the hold is reserved again
(with finance's reason) and may be paid once more.
"""

FINAL = ("paid", "voided", "refused")
# A hold's status as a refusal says it to Chinese staff.
STATUS_ZH = {
    "requested": "待财务预留",
    "reserved": "已预留",
    "refused": "被财务拒绝",
    "pay_requested": "支付中",
    "paid": "已支付",
    "cancel_requested": "取消中",
    "voided": "已作废",
}


def after_answer(status: str, operation: str, outcome: str) -> str:
    if status in FINAL:
        return status
    if operation == "reserve":
        if outcome == "reserved":
            return "reserved" if status == "requested" else status
        if outcome == "refused":
            # Nothing was reserved, so there is nothing left to pay or void.
            return "refused"
        return status
    if operation == "capture":
        if outcome == "captured":
            return "paid"
        return "reserved" if status == "pay_requested" else status
    if operation == "void":
        if outcome == "voided":
            return "voided"
        return "refused" if status == "cancel_requested" else status
    return status
