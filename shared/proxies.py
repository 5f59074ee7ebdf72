"""The client's address, read through only the proxies the deployment says it runs.

Behind a reverse proxy every request comes from the proxy's address. Counting sign-in
failures by that address locks everyone out once anyone fails ten times, so the address is
taken from the proxy's header instead, but only as far as the deployment trusts it
(``TRUSTED_PROXY_COUNT`` or ``TRUSTED_CLIENT_IP_HEADER``): anything further left in
``X-Forwarded-For`` was written by the client and could be made up. With neither set,
forwarded headers are ignored and the address is the connection's own.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """One address from a header entry, without a port or brackets; ``None`` if it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address to log and to rate-limit by.

    With ``TRUSTED_PROXY_COUNT = n``, each of the n proxies appends the address it was
    reached from to ``X-Forwarded-For``, so the client is the n-th entry from the right. A
    request carrying fewer entries did not pass through all of them, so its header proves
    nothing and the connection's address is used.
    """
    remote = _address(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    header: str = settings.TRUSTED_CLIENT_IP_HEADER
    if header:
        return _address(request.headers.get(header, "")) or remote
    count: int = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
        if len(hops) >= count:
            return _address(hops[-count]) or remote
    return remote
