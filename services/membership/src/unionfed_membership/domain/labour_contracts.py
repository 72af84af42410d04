"""Labour-contract signing checks in registered enterprises (春暖行动) and their roll-up: rules only.

A check counts the workers looked at in one enterprise on one day and how many of them have a
signed labour contract, migrant workers separately. The campaign's indicator is the signing rate
over the subtree in a period, counting each enterprise by its latest check in the period (an
enterprise checked again after putting things right counts as it stands then, not twice).
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from unionfed_membership.domain.collective_contracts import Rate
from unionfed_membership.domain.enterprises import Enterprise
from unionfed_shared.errors import Invalid

# 春暖行动: migrant workers' labour contracts signed above 98 %.
TARGET_PER_MILLE = 980


@dataclass(frozen=True)
class LabourContractCheck:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    checked_on: dt.date
    workers_checked: int
    workers_signed: int
    migrant_checked: int
    migrant_signed: int
    note: str | None = None

    @classmethod
    def record(
        cls,
        enterprise: Enterprise,
        *,
        checked_on: dt.date,
        workers_checked: int,
        workers_signed: int,
        migrant_checked: int,
        migrant_signed: int,
        note: str | None,
        today: dt.date,
    ) -> "LabourContractCheck":
        if checked_on > today:
            raise Invalid(
                "check_date_in_future",
                zh="检查日期不能晚于今天",
                en="a check is recorded on a day not after today",
                pointer="#/checked_on",
            )
        if not 0 < workers_checked <= enterprise.workers:
            raise Invalid(
                "workers_checked_out_of_range",
                zh=f"检查职工人数须在 1 至企业职工人数（{enterprise.workers}）之间",
                en=f"workers checked is from 1 to the enterprise's workers ({enterprise.workers})",
                pointer="#/workers_checked",
            )
        if workers_signed > workers_checked:
            raise Invalid(
                "signed_exceeds_checked",
                zh="已签订劳动合同的人数不能多于检查人数",
                en="workers with a signed contract cannot outnumber the workers checked",
                pointer="#/workers_signed",
            )
        if migrant_checked > workers_checked:
            raise Invalid(
                "migrant_checked_exceeds_checked",
                zh="检查的农民工人数不能多于检查职工总数",
                en="migrant workers checked cannot outnumber the workers checked",
                pointer="#/migrant_checked",
            )
        if migrant_signed > migrant_checked:
            raise Invalid(
                "migrant_signed_exceeds_checked",
                zh="已签订劳动合同的农民工人数不能多于检查的农民工人数",
                en="migrant workers with a signed contract cannot outnumber the migrant workers checked",
                pointer="#/migrant_signed",
            )
        if migrant_signed > workers_signed or workers_checked - migrant_checked < workers_signed - migrant_signed:
            raise Invalid(
                "signed_counts_inconsistent",
                zh="签订人数与农民工签订人数不一致：其他职工的签订人数不能为负，也不能多于其他职工人数",
                en="the signed counts do not add up: other workers signed must be from 0 to the other workers checked",
                pointer="#/workers_signed",
            )
        return cls(
            id=uuid.uuid4(),
            enterprise_id=enterprise.id,
            checked_on=checked_on,
            workers_checked=workers_checked,
            workers_signed=workers_signed,
            migrant_checked=migrant_checked,
            migrant_signed=migrant_signed,
            note=(note or "").strip() or None,
        )

    @property
    def rate(self) -> Rate:
        return Rate(self.workers_signed, self.workers_checked)

    @property
    def migrant_rate(self) -> Rate:
        return Rate(self.migrant_signed, self.migrant_checked)


def below(rate: Rate, per_mille: int) -> bool:
    """Strictly below ``per_mille``, compared exactly (979.6 ‰ is below 980 ‰ though it rounds to 980)."""
    return rate.of > 0 and rate.signed * 1000 < per_mille * rate.of


@dataclass(frozen=True)
class SigningRollup:
    first: dt.date
    last: dt.date
    enterprises_checked: int
    overall: Rate
    migrant: Rate
    below_per_mille: int
    # Enterprises whose latest check in the period is below the rate, overall or for migrant workers.
    below: tuple[tuple[Enterprise, LabourContractCheck], ...]


def latest_checks(
    enterprises: Iterable[Enterprise], checks: Iterable[LabourContractCheck], first: dt.date, last: dt.date
) -> list[tuple[Enterprise, LabourContractCheck]]:
    """Each enterprise checked from ``first`` to ``last`` with its latest check there (``checks`` in
    the order they were recorded: of two on one day the later recorded counts), by name."""
    by_id = {e.id: e for e in enterprises}
    latest: dict[uuid.UUID, LabourContractCheck] = {}
    for check in checks:
        if check.enterprise_id in by_id and first <= check.checked_on <= last:
            held = latest.get(check.enterprise_id)
            if held is None or check.checked_on >= held.checked_on:
                latest[check.enterprise_id] = check
    return sorted(((by_id[i], c) for i, c in latest.items()), key=lambda pair: pair[0].name)


def rollup(
    enterprises: Iterable[Enterprise],
    checks: Iterable[LabourContractCheck],
    first: dt.date,
    last: dt.date,
    below_per_mille: int = TARGET_PER_MILLE,
) -> SigningRollup:
    """``checks`` in the order they were recorded; the latest of each enterprise in the period counts."""
    by_id = {e.id: e for e in enterprises}
    counted = [c for _, c in latest_checks(by_id.values(), checks, first, last)]
    low = sorted(
        (
            (by_id[c.enterprise_id], c)
            for c in counted
            if below(c.rate, below_per_mille) or below(c.migrant_rate, below_per_mille)
        ),
        key=lambda pair: (Fraction(pair[1].workers_signed, pair[1].workers_checked), pair[0].name),  # lowest first
    )
    return SigningRollup(
        first=first,
        last=last,
        enterprises_checked=len(counted),
        overall=Rate(sum(c.workers_signed for c in counted), sum(c.workers_checked for c in counted)),
        migrant=Rate(sum(c.migrant_signed for c in counted), sum(c.migrant_checked for c in counted)),
        below_per_mille=below_per_mille,
        below=tuple(low),
    )
