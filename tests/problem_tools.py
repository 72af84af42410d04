"""Comparing refusals: an out-of-scope answer must read exactly like a missing one, except for
where and when it happened (the request path and the trace id of each occurrence)."""

OCCURRENCE = ("instance", "trace_id")


def refusal(answer) -> dict:
    """The problem document of ``answer`` without what differs between two requests."""
    return {key: value for key, value in answer.json().items() if key not in OCCURRENCE}
