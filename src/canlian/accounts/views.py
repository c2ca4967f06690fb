"""Staff sign-in and sign-out, each written to the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from canlian.audit.actions import record
from canlian.audit.models import Action


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        record(user=self.request.user, action=Action.LOGIN, request=self.request,
               object_type="user", object_id=str(self.request.user.pk), summary="登录")
        return response

    def form_invalid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        username = (form.data.get("username") or "")[:150]
        record(user=None, action=Action.LOGIN_FAILED, request=self.request,
               object_type="user", object_id=username[:40], summary=f"登录失败：{username}")
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        if request.user.is_authenticated:
            record(user=request.user, action=Action.LOGOUT, request=request,
                   object_type="user", object_id=str(request.user.pk), summary="退出")
        return super().post(request, *args, **kwargs)
