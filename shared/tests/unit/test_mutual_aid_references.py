"""The references finance answers the mutual-aid fund's movements under, written and read back."""

import uuid

from unionfed_shared.contracts.mutual_aid import movement_of, reference


def test_a_reference_names_its_movement_and_reads_back():
    movement_id = uuid.uuid4()

    for movement in ("contribution", "loan", "repayment"):
        assert reference(movement, movement_id) == f"mutual-aid/{movement}/{movement_id}"
        assert movement_of(reference(movement, movement_id)) == (movement, movement_id)


def test_other_references_name_no_movement():
    movement_id = uuid.uuid4()

    for other in (None, "", f"grant/{movement_id}", f"mutual-aid/gift/{movement_id}", "mutual-aid/loan/not-an-id"):
        assert movement_of(other) is None
