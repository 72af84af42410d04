"""The consumers' directory handles every membership fact about the tree and its members, and
no membership event can carry personal data."""

from sqlalchemy import MetaData

from unionfed_shared.contracts.membership import (
    MemberJoinedV1,
    MemberStatusChangedV1,
    MemberTransferredV1,
    OrganizationMovedV1,
    OrganizationRegisteredV1,
)
from unionfed_shared.contracts.registry import published_by
from unionfed_shared.directory import Directory

PERSONAL = {"id_number", "phone", "staff_no", "base_salary_fen", "id_number_digest", "mobile"}


def test_the_directory_follows_registrations_moves_joins_transfers_and_status_changes():
    handled = set(Directory(MetaData()).handlers())
    assert handled == {
        OrganizationRegisteredV1,
        OrganizationMovedV1,
        MemberJoinedV1,
        MemberTransferredV1,
        MemberStatusChangedV1,
    }


def test_no_membership_event_has_a_field_for_personal_data():
    for event in published_by("membership"):
        assert not PERSONAL & set(event.model_fields), event.event_type


def test_a_transfer_names_both_unions_in_one_event():
    fields = MemberTransferredV1.model_fields
    assert {"organization_id", "from_organization_id", "effective_on", "member_id"} <= set(fields)
    assert MemberTransferredV1.event_type == "unionfed.membership.member_transferred.v1"
