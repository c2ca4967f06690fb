"""The sign-in backend: Django's ModelBackend, loading the user's region with the user.

Every staff request reads ``request.user.region`` (scoping, navigation, the read audit):
loading it in the same query as the user saves a round trip on every page (one of ten
queries of the staff list, the busiest page)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from canlian.accounts.models import User


class RegionBackend(ModelBackend):
    """ModelBackend whose ``get_user`` selects the region too."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("region").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
