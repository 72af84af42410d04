"""The audit committee (经审): the county's auditor finds 第一小学's dues entry without the collector's
signature on its receipt list, and the school's treasurer answers it (the auditor has not closed it
yet); the desk shows it answered, with its record in the ledger's audit chain."""

from demo.accounts import COUNTY, SCHOOL
from demo.api import Api, ok
from unionfed_shared.auth import Role

FINDING_TEXT = "10月会费收缴分录所附签收单缺少收缴经办人签字"
ANSWER_TEXT = "已由收缴经办人补签，签收单复印件附后"


async def load_audit_finding(api: Api) -> None:
    """One finding, answered; nothing when the school's ledger has one already (make up runs again)."""
    f = api.finance
    auditor = api.headers("county-auditor", Role.AUDITOR, COUNTY)
    treasurer = api.headers("school1-treasurer", Role.UNION_OFFICER, SCHOOL)
    if ok(await f.get(f"/v1/organizations/{SCHOOL}/audit-findings", headers=auditor)):
        return
    entries = ok(await f.get(f"/v1/organizations/{SCHOOL}/ledger/postings", params={"limit": 50}, headers=auditor))[
        "items"
    ]
    dues = next((e for e in entries if "会费" in e["description"]), entries[0])
    finding = ok(
        await f.post(
            f"/v1/organizations/{SCHOOL}/audit-findings",
            json={"subject_kind": "entry", "posting_id": dues["id"], "severity": "minor", "text": FINDING_TEXT},
            headers=auditor,
        )
    )
    ok(await f.post(f"/v1/audit-findings/{finding['id']}/answer", json={"answer": ANSWER_TEXT}, headers=treasurer))
    print(
        f"demo: 经审 finding on {SCHOOL}'s entry #{dues['sequence']} ({dues['description']}) answered by its treasurer"
    )
