"""Reading query parameters that pages take (a year, a number), never failing on odd input.

``?year=-1``, ``0`` or ``9999999999`` made several pages fail with a server error (a date
out of range deep in a query). A value that is not a whole number in the accepted range
gives the page's default instead.
"""

from __future__ import annotations

from django.http import HttpRequest

FIRST_YEAR, LAST_YEAR = 2000, 2100


def year(request: HttpRequest, default: int, *, low: int = FIRST_YEAR,
         high: int = LAST_YEAR) -> int:
    raw = request.GET.get("year", "")
    if not raw.strip().isdigit() or len(raw.strip()) > 4:
        return default
    value = int(raw)
    return value if low <= value <= high else default
