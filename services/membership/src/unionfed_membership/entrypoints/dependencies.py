"""What the membership routes are handed: the runtime, typed with the membership unit of work and settings."""

from typing import Annotated

from fastapi import Depends

from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_membership.settings import MembershipSettings
from unionfed_shared.caller import runtime_of
from unionfed_shared.runtime import Runtime

CurrentRuntime = Annotated[Runtime[MembershipUnitOfWork, MembershipSettings], Depends(runtime_of)]
