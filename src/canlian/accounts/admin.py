from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class CanlianUserAdmin(UserAdmin):
    list_display = ("username", "role", "region", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Canlian", {"fields": ("role", "region", "organisation")}))  # type: ignore[misc]
