"""Privacy fixtures: the portal's citizen and signed-in client, reused."""

from canlian.api.tests.conftest import api_key  # noqa: F401
from canlian.portal.tests.conftest import citizen, signed_in  # noqa: F401
