"""The words finance writes into the books, one catalog per language a federation keeps them in.

A posting's description is part of the entry and of its ledger's hash chain, so it is decided
once, when the instruction is written to the journal, and travels inside the journal entry: the
poster and a rebuild only copy it, never translate it again (see ``service_layer/locale.py``).
"""

from unionfed_shared.contracts.membership import DEFAULT_LANGUAGE, Language

__all__ = ["ANONYMOUS_DONOR", "DEFAULT_LANGUAGE", "Language", "catalog", "describe", "donor_name"]

# The marker welfare and the donation command use for a donor who gave no name; it is data, and
# only becomes words here.
ANONYMOUS_DONOR = "anonymous"

_CATALOG: dict[str, dict[str, str]] = {
    "zh-CN": {
        "dues": "会费收缴：{period}",
        "employer_funds": "拨缴经费：{note}",
        "employer_funds_note": "工会经费 2%",
        "remittance_due": "下级应上缴经费：{union}，{note}",
        "remittance_paid": "上解经费：付给 {upper}",
        "remittance_received": "下级上缴经费：收到 {union} 上解",
        "allocation_paid": "补助下级：{union}，{purpose}",
        "allocation_received": "上级补助：{upper}，{purpose}",
        "donation_received": "代收捐款：{drive}，捐款人 {donor}",
        "donation_disbursed": "代管捐款拨付：{drive}，付给 {beneficiary}",
        "anonymous_donor": "匿名",
        "mutual_aid_contributed_member": "互助金缴入：{label}",
        "mutual_aid_contributed_union": "互助金拨入：{label}，由工会经费转入",
        "mutual_aid_lent": "互助金借出：借给 {borrower}",
        "mutual_aid_repaid": "互助金还款：{borrower} 归还借款",
        "reversal": "冲销：{reason}",
    },
    "en": {
        "dues": "Dues collected for {period}",
        "employer_funds": "Employer union funds: {note}",
        "employer_funds_note": "2% union funds",
        "remittance_due": "Remittance due from {union}: {note}",
        "remittance_paid": "Remittance paid to {upper}",
        "remittance_received": "Remittance received from {union}",
        "allocation_paid": "Allocation to {union}: {purpose}",
        "allocation_received": "Allocation from {upper}: {purpose}",
        "donation_received": "Donation to {drive} from {donor}",
        "donation_disbursed": "Donations of {drive} paid to {beneficiary}",
        "anonymous_donor": "an anonymous donor",
        "mutual_aid_contributed_member": "Paid into the mutual-aid fund: {label}",
        "mutual_aid_contributed_union": "Union funds moved to the mutual-aid fund: {label}",
        "mutual_aid_lent": "Mutual-aid loan to {borrower}",
        "mutual_aid_repaid": "Mutual-aid loan repaid by {borrower}",
        "reversal": "Reversal: {reason}",
    },
}

MAX_DESCRIPTION = 300  # a posting's description, as the journal contract bounds it


def catalog(language: str) -> dict[str, str]:
    """The catalog of ``language``; an unknown one falls back to the default rather than stop
    the intake of money that already happened elsewhere."""
    return _CATALOG.get(language, _CATALOG[DEFAULT_LANGUAGE])


def describe(language: str, key: str, **values: str) -> str:
    return catalog(language)[key].format(**values)[:MAX_DESCRIPTION]


def donor_name(donor: str, language: str) -> str:
    return catalog(language)["anonymous_donor"] if donor.strip().lower() == ANONYMOUS_DONOR else donor
