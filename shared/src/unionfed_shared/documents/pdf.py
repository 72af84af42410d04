"""HTML to PDF with WeasyPrint (Pango lays out the text; the fonts are the system's fontconfig ones).

The page is self-contained (inline CSS and SVG): nothing is fetched while rendering, so a URL
that slipped into the HTML cannot make the server request anything.
"""

from typing import Any, Literal

from anyio import to_thread
from fastapi import Query

from unionfed_shared.documents import downloads

MEDIA_TYPE = "application/pdf"

# A route that answers JSON, or its printed form with ``?format=pdf``.
JsonOrPdf = Literal["json", "pdf"]


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the PDF renderer fetches nothing ({url})")


def html_to_pdf(page: str) -> bytes:
    # Imported when first used: WeasyPrint loads Pango as it is imported, and a service without
    # Pango (deploy/local/ensure-python-env.sh installs it) still serves everything else.
    from weasyprint import HTML

    return HTML(string=page, url_fetcher=_refuse_fetch).write_pdf()


async def render_pdf(page: str) -> bytes:
    """Off the event loop: laying out a long statement takes CPU seconds."""
    return await to_thread.run_sync(html_to_pdf, page)


def openapi_responses(description: str) -> dict[int | str, dict]:
    """A route's OpenAPI ``responses`` when it also answers this PDF (``?format=pdf``), beside its JSON."""
    return downloads.file_responses(description, MEDIA_TYPE)


def format_query(pdf_is: str) -> Any:
    """The ``format`` query parameter of such a route, ``pdf_is`` saying what the PDF is:
    ``output: Annotated[pdf.JsonOrPdf, pdf.format_query("the 签收单")] = "json"``."""
    return Query(alias="format", description=f"`json` (default), or `pdf` for {pdf_is}")
