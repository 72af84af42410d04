"""The monthly workers' rights week (维权周): an activity the events service publishes, which welfare
hears of to count the rights cases opened at it. Rules only, no I/O.

A rights week is open to the organizations its activity is open to (the subtrees of its scope):
a case of one of them may name it, unless it was cancelled. A week that is unknown, or not open to
the case's organization, is refused alike, so the refusal says nothing of other subtrees' weeks.
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence
from uuid import UUID

from unionfed_shared.errors import Conflict, Invalid

KIND = "rights_week"  # the activity kind (unionfed_shared.contracts.events.ActivityKind)


@dataclasses.dataclass(frozen=True)
class RightsWeek:
    activity_id: UUID
    organization_id: str  # the organizer
    federation_id: str
    title: str
    scope_organization_ids: tuple[str, ...]
    starts_on: dt.date  # business dates in the organizer's federation zone
    ends_on: dt.date
    cancelled: bool = False

    @property
    def month(self) -> str:
        """The YYYY-MM a case opened at it is counted under (``RightsCase.rights_week``)."""
        return f"{self.starts_on:%Y-%m}"

    def open_to(self, path: Sequence[str]) -> bool:
        """Whether the organization with this path (root first) is inside the week's scope."""
        return any(scope in path for scope in self.scope_organization_ids)


def week_for_case(week: RightsWeek | None, case_path: Sequence[str], month: str | None) -> RightsWeek:
    """The rights week a new case of the organization with ``case_path`` may name, or the refusal."""
    if week is None or not week.open_to(case_path):
        raise Invalid(
            "rights_week_not_found",
            zh="未找到该维权周活动，或该活动不面向本单位",
            en="rights week not found, or not open to this organization",
            pointer="#/rights_week_id",
        )
    if week.cancelled:
        raise Conflict(
            "rights_week_cancelled",
            zh=f"维权周活动“{week.title}”已取消，不能再登记案件",
            en=f"the rights week {week.title} was cancelled: no case can be opened at it",
            pointer="#/rights_week_id",
        )
    if month is not None and month != week.month:
        raise Invalid(
            "rights_week_month_differs",
            zh=f"所填维权周月份与该维权周活动（{week.month}）不符",
            en=f"rights_week names another month than the rights week's ({week.month})",
            pointer="#/rights_week",
        )
    return week
