"""Collective contracts (集体合同) of registered enterprises, their renewal and the roll-up the
street federation's reports give: rules only, no I/O."""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from unionfed_membership.domain import rates
from unionfed_membership.domain.enterprises import REGISTER_READERS, TWENTY_PLUS, Enterprise
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Invalid

# comprehensive 综合性集体合同, wage 工资专项集体合同, women_workers 女职工权益保护专项集体合同
ContractKind = Literal["comprehensive", "wage", "women_workers"]
CONTRACT_KINDS: tuple[ContractKind, ...] = get_args(ContractKind)
RollupKind = ContractKind | Literal["any"]  # "any": an enterprise with a contract of any kind
ROLLUP_KINDS: tuple[RollupKind, ...] = (*CONTRACT_KINDS, "any")
MAX_TERM_YEARS = 3  # 集体合同期限一般为一至三年
# Where a contract stands on a day: 未生效 its term has not started, 有效 in force, 已到期 its term
# has ended, 已续订 a renewal has taken its place (from the renewal's first day).
ContractState = Literal["pending", "in_force", "expired", "superseded"]
CONTRACT_STATES: tuple[ContractState, ...] = get_args(ContractState)
# The officers of the union founded in an enterprise read that enterprise's contracts, as they act
# for their union elsewhere (service_layer/permissions.py OFFICERS); the rest of the register stays
# with the registering federation's REGISTER_READERS.
UNION_OFFICERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)
# … and its audit committee (经审) reads whatever its union's officers read (it writes nothing there).
UNION_READERS = (*UNION_OFFICERS, Role.AUDITOR)


@dataclass(frozen=True)
class Negotiation:
    """The 工资集体协商 record: how many rounds, and the wage increase agreed (whole per-mille)."""

    rounds: int
    wage_increase_per_mille: int | None = None


@dataclass(frozen=True)
class CollectiveContract:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    kind: ContractKind
    employer_party: str
    union_party: str
    signed_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    workers_covered: int
    negotiation: Negotiation | None = None
    filed_on: dt.date | None = None  # 备案 with the labour administration
    replaces_id: uuid.UUID | None = None
    # Set when a renewal replaces it: it is in force until the day before ``replaced_from``.
    replaced_by_id: uuid.UUID | None = None
    replaced_from: dt.date | None = None

    @classmethod
    def sign(
        cls,
        enterprise: Enterprise,
        *,
        kind: ContractKind,
        employer_party: str,
        union_party: str,
        signed_on: dt.date,
        valid_from: dt.date,
        valid_until: dt.date,
        workers_covered: int,
        negotiation: Negotiation | None,
        filed_on: dt.date | None,
        today: dt.date,
        replaces_id: uuid.UUID | None = None,
    ) -> "CollectiveContract":
        if enterprise.union_id is None:
            raise Conflict(
                "enterprise_without_union",
                zh=f"企业“{enterprise.name}”尚未建立工会，不能签订集体合同",
                en=f"{enterprise.name} has no union to sign a collective contract",
            )
        if signed_on > today:
            raise Invalid(
                "signing_date_in_future",
                zh="签订日期不能晚于今天",
                en="signed on a day not after today",
                pointer="#/signed_on",
            )
        if valid_until < valid_from:
            raise Invalid(
                "contract_term_reversed",
                zh="合同期限的终止日期不能早于起始日期",
                en="a contract's term ends on or after it starts",
                pointer="#/valid_until",
            )
        if valid_until > _years_later(valid_from, MAX_TERM_YEARS):
            raise Invalid(
                "contract_term_too_long",
                zh=f"集体合同期限不超过 {MAX_TERM_YEARS} 年",
                en=f"a collective contract runs for at most {MAX_TERM_YEARS} years",
                pointer="#/valid_until",
            )
        if filed_on is not None and (filed_on < signed_on or filed_on > today):
            raise Invalid(
                "filing_date_out_of_range",
                zh="备案日期须在签订日期之后且不晚于今天",
                en="a contract is filed on or after its signing and not after today",
                pointer="#/filed_on",
            )
        if not 0 < workers_covered <= enterprise.workers:
            raise Invalid(
                "workers_covered_out_of_range",
                zh=f"覆盖职工人数须在 1 至企业职工人数（{enterprise.workers}）之间",
                en=f"workers covered is from 1 to the enterprise's workers ({enterprise.workers})",
                pointer="#/workers_covered",
            )
        for text, pointer in ((employer_party, "#/employer_party"), (union_party, "#/union_party")):
            if not text.strip():
                raise Invalid(
                    "contract_party_blank", zh="合同双方名称不能为空", en="name both parties", pointer=pointer
                )
        return cls(
            id=uuid.uuid4(),
            enterprise_id=enterprise.id,
            kind=kind,
            employer_party=employer_party.strip(),
            union_party=union_party.strip(),
            signed_on=signed_on,
            valid_from=valid_from,
            valid_until=valid_until,
            workers_covered=workers_covered,
            negotiation=negotiation,
            filed_on=filed_on,
            replaces_id=replaces_id,
        )

    def check_renewable_by(self, valid_from: dt.date, kind: ContractKind) -> None:
        """A renewal is the same kind, not yet renewed, and starts after this one started."""
        if self.replaced_by_id is not None:
            raise Conflict(
                "contract_already_renewed",
                zh="该集体合同已续订",
                en="this contract has already been renewed",
            )
        if kind != self.kind:
            raise Invalid(
                "renewal_kind_differs",
                zh="续订的合同须与原合同种类相同",
                en="a renewal is a contract of the same kind",
                pointer="#/kind",
            )
        if valid_from <= self.valid_from:
            raise Invalid(
                "renewal_starts_too_early",
                zh="续订合同的起始日期须晚于原合同的起始日期",
                en="a renewal starts after the contract it renews started",
                pointer="#/valid_from",
            )

    def replaced_by(self, renewal: "CollectiveContract") -> "CollectiveContract":
        return replace(self, replaced_by_id=renewal.id, replaced_from=renewal.valid_from)

    def state_on(self, day: dt.date) -> ContractState:
        if self.replaced_from is not None and day >= self.replaced_from:
            return "superseded"
        if day < self.valid_from:
            return "pending"
        if day > self.valid_until:
            return "expired"
        return "in_force"

    def in_force_on(self, day: dt.date) -> bool:
        return self.state_on(day) == "in_force"

    def expires_within(self, today: dt.date, days: int) -> bool:
        """In force today, not renewed, and its term ends within ``days`` days (today counts)."""
        return (
            self.replaced_by_id is None
            and self.in_force_on(today)
            and self.valid_until <= today + dt.timedelta(days=days)
        )


@dataclass(frozen=True)
class ContractFilter:
    """Which contracts of a register a list shows; ``state`` is on the federation's today."""

    kind: ContractKind | None = None
    state: ContractState | None = None
    enterprise_name: str | None = None  # a part of the enterprise's name, case-insensitive
    enterprise_id: uuid.UUID | None = None  # one enterprise's only


def contract_readers(
    principal: Principal, enterprise: Enterprise, registrar_path: Sequence[str]
) -> tuple[Role, ...] | None:
    """The roles that may read the enterprise's contracts acting for the caller's organization, or
    None when they are outside the caller's scope (answered as missing).

    The subtree of the federation registering the enterprise reaches them, for its REGISTER_READERS.
    So does the union founded in the enterprise, for its UNION_READERS (officers and auditor), acting for the union itself:
    not a group under it (whose officers are not the union's), and reaching no other enterprise.
    """
    if principal.can_see(registrar_path):
        return REGISTER_READERS
    if enterprise.union_id is not None and principal.organization_id == enterprise.union_id:
        return UNION_READERS
    return None


def _years_later(day: dt.date, years: int) -> dt.date:
    if day.year + years > dt.MAXYEAR:
        return dt.date.max  # no term can reach past the calendar's end anyway
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Rate:
    """A signing rate as the fraction it is: ``signed`` of ``of`` enterprises."""

    signed: int
    of: int

    @property
    def per_mille(self) -> int | None:
        return rates.per_mille(self.signed, self.of)


@dataclass(frozen=True)
class KindFigures:
    kind: RollupKind
    contracts: int
    enterprises: int
    workers_covered: int
    among_with_union: Rate
    among_twenty_plus: Rate


@dataclass(frozen=True)
class Rollup:
    on: dt.date
    enterprises: int
    with_union: int
    twenty_plus: int
    twenty_plus_with_union: int
    unions_founded_in_year: int
    by_kind: tuple[KindFigures, ...]


def rollup(enterprises: Iterable[Enterprise], contracts: Iterable[CollectiveContract], on: dt.date) -> Rollup:
    """The reports' indicators on ``on``: a contract counts when in force that day; the signing rate
    is over enterprises with a union and over enterprises with 20 or more workers (with or without
    a union, as the reports count them); ``any`` counts an enterprise with a contract of any kind."""
    enterprises = list(enterprises)
    in_force = [c for c in contracts if c.in_force_on(on)]
    with_union = {e.id for e in enterprises if e.has_union}
    twenty_plus = {e.id for e in enterprises if e.workers >= TWENTY_PLUS}

    def figures(kind: RollupKind) -> KindFigures:
        chosen = [c for c in in_force if kind == "any" or c.kind == kind]
        signed = {c.enterprise_id for c in chosen}
        return KindFigures(
            kind=kind,
            contracts=len(chosen),
            enterprises=len(signed),
            # An enterprise's workers are covered once, however many contracts of the kind it has.
            workers_covered=sum(max(c.workers_covered for c in chosen if c.enterprise_id == e) for e in signed),
            among_with_union=Rate(len(signed & with_union), len(with_union)),
            among_twenty_plus=Rate(len(signed & twenty_plus), len(twenty_plus)),
        )

    return Rollup(
        on=on,
        enterprises=len(enterprises),
        with_union=len(with_union),
        twenty_plus=len(twenty_plus),
        twenty_plus_with_union=len(with_union & twenty_plus),
        unions_founded_in_year=sum(
            1
            for e in enterprises
            if e.union_founded_on is not None and dt.date(on.year, 1, 1) <= e.union_founded_on <= on
        ),
        by_kind=tuple(figures(k) for k in ROLLUP_KINDS),
    )
