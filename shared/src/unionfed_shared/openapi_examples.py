"""An example request body in the OpenAPI document, next to the route that takes it:

body: Annotated[commands.EnrolMember, example("A teacher joins", {"display_name": "陈老师", …})]
"""

from typing import Any

from fastapi import Body


def example(summary: str, value: dict[str, Any]) -> Any:
    return Body(openapi_examples={"example": {"summary": summary, "value": value}})
