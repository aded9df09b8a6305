"""Role checks as decorators, stacked on every page view (API views check through services.access)."""
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user


def roles_required(*roles: str):
    """Anonymous visitors go to the sign-in page (coming back afterwards); other roles get 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorate


staff_required = roles_required("staff", "admin")
resident_required = roles_required("resident")
operator_required = roles_required("operator")
admin_required = roles_required("admin")
