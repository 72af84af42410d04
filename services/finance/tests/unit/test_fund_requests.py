import uuid

import pytest

from unionfed_finance.domain.fund_requests import FundRequest, require_decidable
from unionfed_shared.errors import Conflict, Invalid


def _request(status="submitted") -> FundRequest:
    return FundRequest(
        id=uuid.uuid4(),
        organization_id="school-1",
        approver_id="county",
        federation_id="county",
        amount_fen=500_000,
        purpose="运动会",
        status=status,
        requested_by="officer",
    )


def test_a_submitted_request_may_be_approved_or_refused_with_a_reason():
    require_decidable(_request(), approve=True, reason=None)
    require_decidable(_request(), approve=False, reason="预算已用完")


@pytest.mark.parametrize("status", ["approved", "refused"])
def test_a_request_is_decided_once(status):
    with pytest.raises(Conflict) as refused:
        require_decidable(_request(status), approve=True, reason=None)
    assert refused.value.code == "fund_request_already_decided"


def test_a_refusal_says_why():
    with pytest.raises(Invalid) as refused:
        require_decidable(_request(), approve=False, reason=None)
    assert refused.value.code == "refusal_reason_missing"
