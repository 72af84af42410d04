"""The base of every service's command models: what a caller asks a use case to do."""

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    """A request body that changes something: an unknown field is refused (a misspelt field never
    passes as if it were absent), and the command stays as it arrived on its way through."""

    model_config = ConfigDict(extra="forbid", frozen=True)
