"""Events published by the membership service."""

import datetime as dt
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from unionfed_shared import business_time
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, OrgId, PositiveFen
from unionfed_shared.errors import field_refusal

OrganizationKind = Literal["federation", "grassroots_union", "union_group"]
# The language a federation works in: its documents, notices and report labels.
Language = Literal["zh-CN", "en"]
DEFAULT_LANGUAGE: Language = "zh-CN"
# What kind of workplaces an organization's members come from: schools (教育工会), enterprises
# (企业工会, a street federation's unions), or government bodies and public institutions
# (机关事业单位). An organization without one inherits its nearest ancestor's.
Sector = Literal["education", "enterprise", "public_sector"]


def _known_time_zone(name: str) -> str:
    if not business_time.is_time_zone(name):
        raise field_refusal(
            "time_zone_unknown",
            zh="不是有效的 IANA 时区名称（例如 Asia/Shanghai）",
            en="not an IANA time zone name such as Asia/Shanghai",
        )
    return name


TimeZoneName = Annotated[str, Field(max_length=64, examples=["Asia/Shanghai"]), AfterValidator(_known_time_zone)]


class OrganizationRegisteredV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.membership.organization_registered.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    name: str = Field(min_length=1, max_length=200)
    kind: OrganizationKind
    parent_id: OrgId | None
    # Ancestors from the federation root down to this organization, itself included.
    path: list[OrgId] = Field(min_length=1)
    # The federation's (the root's) time zone and language, on every organization of its tree,
    # so a consumer knows them even when this registration arrives before the root's. Added
    # after v1 was first published: an event without them means the original defaults.
    time_zone: TimeZoneName = business_time.DEFAULT_TIME_ZONE
    language: Language = DEFAULT_LANGUAGE
    # This organization's own sector; None inherits the nearest ancestor's.
    sector: Sector | None = None


class MemberJoinedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.membership.member_joined.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    member_id: UUID
    display_name: str = Field(min_length=1, max_length=100)
    gender: Literal["female", "male"]
    joined_on: dt.date
    # How many changes the member has had; see MemberTransferredV1.member_version.
    member_version: int = Field(default=1, ge=1)

    def subject(self) -> str:
        return f"member/{self.member_id}"


class DuesCollectedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.membership.dues_collected.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    payment_id: UUID
    member_id: UUID
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    amount_fen: PositiveFen
    collected_at: AwareDatetime

    def subject(self) -> str:
        return f"member/{self.member_id}"


class DuesLine(BaseModel):
    """One member's part of a :class:`DuesBatchCollectedV1`: their own payment, as membership recorded it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    payment_id: UUID
    member_id: UUID
    amount_fen: PositiveFen


DUES_BATCH_MAX_LINES = 1000


class DuesBatchCollectedV1(IntegrationEvent):
    """A chunk of a month's collection (up to 1,000 members of one organization), collected by
    one command: what :class:`DuesCollectedV1` says for each member, said once for the chunk.

    Every line keeps its own payment id (membership's ``dues_payments`` row, which names this
    ``batch_id``), so finance books each member once whatever is redelivered: one posting per
    chunk, a dues-income line per member. The per-member event stays for single payments.
    """

    event_type: ClassVar[str] = "unionfed.membership.dues_batch_collected.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    batch_id: UUID
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    collected_at: AwareDatetime
    lines: list[DuesLine] = Field(min_length=1, max_length=DUES_BATCH_MAX_LINES)

    @model_validator(mode="after")
    def _members_distinct(self):
        if len({line.member_id for line in self.lines}) != len(self.lines) or len(
            {line.payment_id for line in self.lines}
        ) != len(self.lines):
            raise field_refusal(
                "dues_batch_member_twice",
                zh="同一批会费中每位会员、每笔缴费只能出现一次",
                en="each member and each payment appears at most once in a dues batch",
            )
        return self

    def subject(self) -> str:
        return f"dues-batch/{self.batch_id}"


class OrganizationMovedV1(IntegrationEvent):
    """An organization was re-attached under another parent; its whole subtree moved with it.

    Consumers replace ``old_path`` by ``new_path`` at the head of the path of the organization
    and of every organization under it.
    """

    event_type: ClassVar[str] = "unionfed.membership.organization_moved.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    old_parent_id: OrgId
    new_parent_id: OrgId
    old_path: list[OrgId] = Field(min_length=2)
    new_path: list[OrgId] = Field(min_length=2)
    moved_on: dt.date


MemberStatus = Literal["active", "retired", "left", "deceased"]


class MemberTransferredV1(IntegrationEvent):
    """A member moved to another union of the federation (教师交流), effective ``effective_on``.

    One event for both unions: ``organization_id`` is the union the member joins,
    ``from_organization_id`` the one they leave. It carries the member's card (name, gender,
    joining date, status) because it travels keyed by the new union and may reach a consumer
    before the member's ``member_joined`` (keyed by the old union) does.
    """

    event_type: ClassVar[str] = "unionfed.membership.member_transferred.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    member_id: UUID
    # Grows with every change of the member. A member's events travel keyed by different unions,
    # so on different partitions; a consumer applies one only if it is newer than what it has.
    member_version: int = Field(ge=1)
    from_organization_id: OrgId
    effective_on: dt.date
    display_name: str = Field(min_length=1, max_length=100)
    gender: Literal["female", "male"]
    joined_on: dt.date
    status: MemberStatus

    def subject(self) -> str:
        return f"member/{self.member_id}"


class MemberStatusChangedV1(IntegrationEvent):
    """A member retired (and stays a member), left, died, or rejoined, effective ``effective_on``.

    ``organization_id`` is the member's union when the change took effect.
    """

    event_type: ClassVar[str] = "unionfed.membership.member_status_changed.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    member_id: UUID
    member_version: int = Field(ge=1)  # see MemberTransferredV1.member_version
    status: MemberStatus
    previous_status: MemberStatus
    change: Literal["retired", "left", "deceased", "rejoined"]
    effective_on: dt.date

    def subject(self) -> str:
        return f"member/{self.member_id}"
