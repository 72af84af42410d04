"""The outbox side of an in-memory unit of work, for the use cases' unit tests in every service.

``staged`` holds what a use case emitted in the transaction, ``emitted`` what went out with a
commit (as the outbox publishes only what committed), ``committed`` whether it committed at all.
"""

import dataclasses

from unionfed_shared.contracts.base import IntegrationEvent


@dataclasses.dataclass
class FakeOutbox:
    staged: list[IntegrationEvent] = dataclasses.field(default_factory=list)
    emitted: list[IntegrationEvent] = dataclasses.field(default_factory=list)
    committed: bool = False

    def emit(self, event: IntegrationEvent, *, event_id: str | None = None) -> None:
        self.staged.append(event)

    async def commit(self) -> None:
        # As the outbox does: staged events go out with the commit, and only with it.
        self.emitted.extend(self.staged)
        self.staged.clear()
        self.committed = True
