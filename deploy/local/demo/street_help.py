"""Help from the street's unions beyond the grants: 华东精密's mutual-aid fund (互助金), paid into by
its members and lending to one of them, repaid monthly — the loan a receivable in the union's
books, never an expense."""

import datetime as dt

from demo.api import Api, ok, until, yuan
from demo.street import STREET, STREET_NAME, Street

FUND_UNION = "jh-machinery"
CONTRIBUTORS, CONTRIBUTION_FEN = 12, 500_00
LOAN_FEN, LOAN_MONTHS = 3_000_00, 6


async def load_help(api: Api, street: Street, members: dict[str, list[str]], day: dt.date) -> None:
    w, officer = api.welfare, street.officer(FUND_UNION)
    base = f"/v1/organizations/{FUND_UNION}/mutual-aid"
    lent_on = day - dt.timedelta(days=75)  # two instalments due since: one repaid, one overdue
    for member in members[FUND_UNION][:CONTRIBUTORS]:
        body = {"contributor": "member", "member_id": member, "amount_fen": CONTRIBUTION_FEN}
        ok(
            await w.post(
                f"{base}/contributions",
                json=body | {"received_on": (lent_on - dt.timedelta(days=10)).isoformat()},
                headers=officer,
            )
        )
    borrower = members[FUND_UNION][-1]
    loan = ok(
        await w.post(
            f"{base}/loans",
            json={
                "member_id": borrower,
                "amount_fen": LOAN_FEN,
                "purpose": "家属住院医疗费周转",
                "months": LOAN_MONTHS,
                "applied_on": (lent_on - dt.timedelta(days=3)).isoformat(),
            },
            headers=officer,
        )
    )
    ok(await w.post(f"/v1/mutual-aid/loans/{loan['id']}/approval", json={"on": lent_on.isoformat()}, headers=officer))
    first = ok(await w.get(f"/v1/mutual-aid/loans/{loan['id']}", headers=officer))["instalments"][0]
    ok(
        await w.post(
            f"/v1/mutual-aid/loans/{loan['id']}/repayments",
            json={"amount_fen": first["amount_fen"], "repaid_on": first["due_on"]},
            headers=officer,
        )
    )
    print(
        f"demo: {STREET_NAME}: mutual-aid fund of {FUND_UNION}: {CONTRIBUTORS} members paid in, "
        f"one loan of {yuan(LOAN_FEN)} over {LOAN_MONTHS} months, its first instalment repaid",
        flush=True,
    )


async def show_help(api: Api, street: Street) -> None:
    statement = ok(await api.welfare.get(f"/v1/organizations/{STREET}/mutual-aid/statement", headers=street.admin))
    fund = statement["subtree"]

    async def booked():
        balances = ok(await api.finance.get(f"/v1/organizations/{FUND_UNION}/ledger/balances", headers=street.admin))
        found = {a["code"]: a["balance_fen"] for a in balances["accounts"]}
        return found if found.get("1141") == fund["outstanding_fen"] else None

    books = await until("the mutual-aid movements in finance", booked)
    print(
        f"  mutual-aid fund (互助金): paid in {yuan(fund['contributed_fen'])}, lent {yuan(fund['lent_fen'])}, "
        f"repaid {yuan(fund['repaid_fen'])}, owed {yuan(fund['outstanding_fen'])} ({yuan(fund['overdue_fen'])} overdue), "
        f"available {yuan(fund['available_fen'])}; in {FUND_UNION}'s books: fund cash (1002) "
        f"{yuan(books.get('1002', 0))}, loans receivable (1141) {yuan(books.get('1141', 0))}"
    )
