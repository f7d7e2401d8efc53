"""Who is calling: the client's address as far as our own proxies vouch for it."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies of our own the address the outermost of
    them saw (X-Forwarded-For counted from the right; anything further left was written by the
    client and is not trusted). IPv6 clients are counted per /64 (one subscriber)."""
    if request is None:
        return "unknown"
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    candidate = remote
    if trusted > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted:
            candidate = hops[-trusted]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        try:
            address = ipaddress.ip_address(remote)
        except ValueError:
            return "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
