"""What the welfare routes are handed: the runtime, typed with the welfare unit of work and settings."""

from typing import Annotated

from fastapi import Depends

from unionfed_shared.caller import runtime_of
from unionfed_shared.runtime import Runtime
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork
from unionfed_welfare.settings import WelfareSettings

CurrentRuntime = Annotated[Runtime[WelfareUnitOfWork, WelfareSettings], Depends(runtime_of)]
