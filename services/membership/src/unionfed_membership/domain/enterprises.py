"""The street federation's register of enterprises and the unions founded in them (建会): rules only.

An enterprise is registered by a federation-level organization (the street federation or a level
under it) and is the organization tree's data: its union, once founded, is a grassroots union in
the tree.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, replace

from unionfed_shared.auth import Role
from unionfed_shared.errors import Conflict, Invalid

# GB 32100-2015 统一社会信用代码: 18 characters from this set (no I, O, S, V, Z), the 18th a check
# character over the first 17 with weights 3^(i-1) mod 31.
CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# 应建未建: an enterprise without a union and at least this many workers should found one.
SHOULD_FOUND_THRESHOLD = 25
# The reports' indicator counts enterprises with 20 or more workers.
TWENTY_PLUS = 20
MAX_WORKERS = 10_000_000
# Who reads the register (and its contracts, its checks): the registering federation's
# administrators and auditors; its administrators alone write.
REGISTER_READERS = (Role.FEDERATION_ADMIN, Role.AUDITOR)


def _refuse_credit_code() -> Invalid:
    return Invalid(
        "credit_code_invalid",
        zh="统一社会信用代码须为 18 位（数字及大写字母，不含 I、O、S、V、Z），第 3 至 8 位为行政区划码，且校验码正确（GB 32100-2015）",
        en="a unified social credit code is 18 characters (digits and capitals without I, O, S, V, Z), "
        "characters 3-8 an administrative division code, with a correct GB 32100-2015 check character",
        pointer="#/credit_code",
    )


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARACTERS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARACTERS[(31 - total % 31) % 31]


def checked_credit_code(code: str) -> str:
    """The code, upper-cased, when its format and GB 32100 check character are right.

    The organization code inside it (characters 9-17, GB 11714) has its own check character, which
    is not checked: codes issued before 2015 carry organization codes the register still accepts.
    """
    code = code.strip().upper()
    if (
        len(code) != 18
        or any(c not in CREDIT_CODE_CHARACTERS for c in code)
        or not code[2:8].isdigit()
        or credit_code_check_character(code[:17]) != code[17]
    ):
        raise _refuse_credit_code()
    return code


def _checked_workers(workers: int) -> int:
    if not 0 <= workers <= MAX_WORKERS:
        raise Invalid(
            "workers_out_of_range",
            zh=f"职工人数须在 0 至 {MAX_WORKERS} 之间",
            en=f"workers is a count from 0 to {MAX_WORKERS}",
            pointer="#/workers",
        )
    return workers


@dataclass(frozen=True)
class Enterprise:
    id: uuid.UUID
    organization_id: str  # the federation-level organization that registers it
    name: str
    credit_code: str
    workers: int
    union_id: str | None = None
    union_founded_on: dt.date | None = None

    @classmethod
    def register(cls, organization_id: str, name: str, credit_code: str, workers: int) -> "Enterprise":
        name = name.strip()
        if not name:
            raise Invalid(
                "enterprise_name_blank", zh="企业名称不能为空", en="an enterprise needs a name", pointer="#/name"
            )
        return cls(
            id=uuid.uuid4(),
            organization_id=organization_id,
            name=name,
            credit_code=checked_credit_code(credit_code),
            workers=_checked_workers(workers),
        )

    @property
    def has_union(self) -> bool:
        return self.union_id is not None

    def with_workers(self, workers: int) -> "Enterprise":
        return replace(self, workers=_checked_workers(workers))

    def union_founded(self, union_id: str, founded_on: dt.date, today: dt.date) -> "Enterprise":
        if self.union_id is not None:
            raise Conflict(
                "enterprise_has_union",
                zh=f"企业“{self.name}”已建立工会",
                en=f"{self.name} already has a union ({self.union_id})",
            )
        if founded_on > today:
            raise Invalid(
                "founding_date_in_future",
                zh="建会日期不能晚于今天",
                en="a union is founded on a day not after today",
                pointer="#/founded_on",
            )
        return replace(self, union_id=union_id, union_founded_on=founded_on)

    def should_found(self, threshold: int = SHOULD_FOUND_THRESHOLD) -> bool:
        """应建未建: no union yet, and enough workers that one should be founded."""
        return self.union_id is None and self.workers >= threshold
