"""In-memory export layouts of statistics reports for the use cases' unit tests."""

import uuid

from unionfed_membership.domain.report_layouts import ReportLayout


class FakeReportLayouts:
    def __init__(self) -> None:
        self.rows: list[ReportLayout] = []

    async def of_federation(self, federation_id: str) -> list[ReportLayout]:
        found = [r for r in self.rows if r.federation_id == federation_id]
        return sorted(found, key=lambda r: (r.kind, r.key, -r.version))

    async def get(self, layout_id: uuid.UUID) -> ReportLayout | None:
        return next((r for r in self.rows if r.id == layout_id), None)

    async def add(self, layout: ReportLayout, by: str) -> None:
        self.rows.append(layout)
