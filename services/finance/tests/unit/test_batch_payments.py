"""Which lines of a chunk's payment (PayMany) are paid: in order, while the bank and a stop budget cover them."""

import uuid

from unionfed_finance.domain.batch_payments import AGAIN, PAY, REFUSE, LineRequest, decide


def lines(n: int, amount: int = 100_00) -> list[LineRequest]:
    return [LineRequest(uuid.uuid4(), f"greeting/b/m{i}", amount) for i in range(n)]


def decisions_of(requests, known=None, bank=10**9, budget=None):
    return decide(
        requests,
        known or {},
        bank_available_fen=bank,
        budget_left_fen=budget,
        organization_id="school",
        bank_account="1001",
        budget_name="2027/5101",
    )


def test_everyone_is_paid_when_the_bank_covers_the_chunk_and_there_is_no_stop_budget():
    assert [d.decision for d in decisions_of(lines(5), bank=500_00)] == [PAY] * 5


def test_a_stop_budget_pays_the_members_that_fit_in_order_and_names_the_refused():
    requests = lines(5)
    decided = decisions_of(requests, budget=250_00)
    assert [d.decision for d in decided] == [PAY, PAY, REFUSE, REFUSE, REFUSE]
    assert [d.line for d in decided if d.decision == REFUSE] == requests[2:]
    assert decided[2].reason == "budget 2027/5101 of school would be exceeded: 10000 fen wanted, 5000 fen left"


def test_insufficient_funds_refuse_the_members_beyond_the_bank_and_a_smaller_line_after_may_still_fit():
    requests = [*lines(2, 100_00), *lines(1, 300_00), *lines(1, 50_00)]
    decided = decisions_of(requests, bank=260_00)
    assert [d.decision for d in decided] == [PAY, PAY, REFUSE, PAY]
    assert (
        decided[2].reason == "account 1001 of school would fall below its floor: 30000 fen wanted, 6000 fen available"
    )


def test_a_hold_already_posted_is_answered_again_never_paid_twice_and_costs_nothing():
    requests = lines(3)
    known = {requests[0].hold_id: {"status": "posted"}, requests[1].hold_id: {"status": "pending"}}
    decided = decisions_of(requests, known=known, bank=100_00)
    assert [d.decision for d in decided] == [AGAIN, REFUSE, PAY]
    assert decided[1].reason == f"hold {requests[1].hold_id} already exists (pending)"
