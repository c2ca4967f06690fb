import pytest

from canlian.api.actions import issue_client
from canlian.api.models import SCOPES


@pytest.fixture
def api_key(users):
    """api_key(user, scopes=all) → the bearer header for a client acting as ``user``."""

    def make(user, scopes=None):
        _, key = issue_client(f"client-{user.username}", user, list(scopes or SCOPES))
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return make
