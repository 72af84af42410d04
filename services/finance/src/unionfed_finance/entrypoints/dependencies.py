"""What the finance routes are handed: the runtime, typed with the finance unit of work and settings."""

from typing import Annotated

from fastapi import Depends

from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.caller import runtime_of
from unionfed_shared.runtime import Runtime

CurrentRuntime = Annotated[Runtime[FinanceUnitOfWork, FinanceSettings], Depends(runtime_of)]
