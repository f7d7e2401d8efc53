"""Pages shared by all: the home page that sends each user to their own work."""

from django.shortcuts import redirect, render

from .roles import ROLES, user_roles


def home(request):
    if not request.user.is_authenticated:
        return redirect("portal:track")
    roles = user_roles(request.user)
    return render(request, "core/home.html", {"roles": [(r, ROLES[r]) for r in ROLES if r in roles]})


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"title": "Akses ditolak", "message": str(exception or "")}, status=403)
