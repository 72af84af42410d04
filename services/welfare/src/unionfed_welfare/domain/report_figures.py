"""Which grants a statistics report counts, and under which kind: the meaning of each figure is
written in :mod:`unionfed_welfare.service_layer.report_figures`.

Every grant welfare pays goes through a finance hold whose reference names what it pays for
(``grant/…``, ``greeting/…``); the report's kinds are read from that reference.
"""

from collections.abc import Mapping

from unionfed_shared import finance_holds
from unionfed_welfare.domain import grants, greetings, outside_help, student_aid

# The report's kind of grant → the reference prefix of its holds. Health checks and insurance
# (campaign/) buy a service for the members, paid to a provider: no grant to a person.
KIND_PREFIXES: dict[str, str] = {
    "visits": grants.REFERENCE_PREFIX,
    "greetings": greetings.REFERENCE_PREFIX,
    "outside": outside_help.REFERENCE_PREFIX,
    "student_aid": student_aid.REFERENCE_PREFIX,
}
# A hold is paid once the union ordered it paid (on its paid_on) and finance had reserved it; finance
# posts it for that day. Reserved, refused or voided money was never paid.
PAID = (finance_holds.CAPTURE_REQUESTED, finance_holds.CAPTURED)


def kind_of(reference: str) -> str | None:
    """The report's kind of the grant a hold pays, or None for a hold that pays no grant."""
    return next((kind for kind, prefix in KIND_PREFIXES.items() if reference.startswith(prefix)), None)


def figures_of(paid: Mapping[str, tuple[int, int]]) -> dict[str, int]:
    """The grant figures from each kind's (people reached, fen paid): per kind, and in total."""
    figures: dict[str, int] = {}
    for kind in KIND_PREFIXES:
        people, fen = paid.get(kind, (0, 0))
        figures[f"grants_{kind}"] = people
        figures[f"grants_{kind}_fen"] = fen
    figures["grants"] = sum(figures[f"grants_{k}"] for k in KIND_PREFIXES)
    figures["grants_fen"] = sum(figures[f"grants_{k}_fen"] for k in KIND_PREFIXES)
    return figures
