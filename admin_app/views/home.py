"""The landing screen after login."""

from __future__ import annotations

from flask_admin import expose
from flask_login import current_user

from admin_app.models import ROLE_LABELS, RoleCode
from admin_app.views.base import ProtectedIndexView


class HomeView(ProtectedIndexView):
    @expose("/")
    def index(self):
        roles = [ROLE_LABELS[RoleCode(code)] for code in sorted(current_user.role_codes)]
        return self.render("admin/home.html", role_labels=roles)
