"""A batch's answers are applied one statement per outcome: the holds of each outcome together."""

import uuid

from unionfed_welfare.adapters.hold_repository import by_outcome


def test_answers_group_by_status_and_reason_keeping_each_hold_once_in_order():
    paid = [uuid.uuid4() for _ in range(3)]
    over_cap, no_budget = uuid.uuid4(), uuid.uuid4()
    answers = [
        (paid[0], "captured", None),
        (over_cap, "refused", "annual cap"),
        (paid[1], "captured", None),
        (no_budget, "refused", "budget"),
        (paid[2], "captured", None),
    ]

    assert by_outcome(answers) == {
        ("captured", None): paid,
        ("refused", "annual cap"): [over_cap],
        ("refused", "budget"): [no_budget],
    }
    assert by_outcome([]) == {}
