"""Base class of every integration event and the money types they use."""

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

# Money is integer fen in an event. Strict mode refuses 12.5, 12.0 and "1200": a producer that writes
# a float has a bug worth a dead letter. (A request body is read as JSON Schema reads it:
# ``wire_values.RequestFen`` takes 12.0 as 12.)
Fen = Annotated[int, Field(strict=True, ge=-(10**15), le=10**15)]
PositiveFen = Annotated[int, Field(strict=True, gt=0, le=10**15)]

OrgId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]


class IntegrationEvent(BaseModel):
    """A fact one service publishes for the others.

    Producers build events with ``extra="forbid"`` so a typo never reaches the wire; consumers
    validate with ``extra="ignore"`` (see :func:`parse_event`) so a producer may add fields
    without breaking them. A breaking change is a new class with a new ``event_type`` (…v2).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]

    organization_id: OrgId
    federation_id: OrgId

    def partition_key(self) -> str:
        """Events about one organization share a partition, so they stay in order."""
        return self.organization_id

    def subject(self) -> str | None:
        """The CloudEvents subject: what inside the organization the event is about."""
        return None
