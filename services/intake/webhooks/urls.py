"""Which callback URLs intake may call: http(s) to public addresses only, unless allowed.

Checked at registration and again at connect time (see transport.py), because a name that
resolved to a public address yesterday can point at the metadata service or an admin port today.
"""

import asyncio
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from services.intake.errors import UnsafeUrl

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def parse(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port out of range
    except ValueError as exc:
        raise UnsafeUrl(f"not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrl("only http and https callback URLs are allowed")
    if not parts.hostname:
        raise UnsafeUrl("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("credentials in the URL are not allowed; verify our signature instead")
    if port == 0:
        raise UnsafeUrl("port 0 is not a valid destination")
    return parts


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    # An IPv6 address can carry an IPv4 one that the kernel or a relay will reach instead.
    embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64:
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [a for a in embedded if a is not None]


def is_public(ip: IPAddress) -> bool:
    candidates: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates.extend(_embedded_ipv4(ip))
    for address in candidates:
        if (
            address.is_loopback
            or address.is_link_local
            or address.is_private
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
            or not address.is_global  # also shared (CGNAT), benchmarking and documentation ranges
        ):
            return False
    return True


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to; an IP literal resolves to itself without DNS."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:  # gaierror, bad IDNA, NUL bytes
        raise UnsafeUrl(f"the host {host!r} does not resolve") from exc
    # Scoped IPv6 results carry "%iface"; the address part is what matters for the policy.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def public_addresses(host: str, port: int) -> list[IPAddress]:
    """The host's addresses, refusing it when any of them is not public."""
    addresses = await resolve(host, port)
    if not addresses or not all(is_public(a) for a in addresses):
        raise UnsafeUrl("the host resolves to a loopback, private or otherwise non-public address")
    return addresses


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


async def check_callback_url(url: str, *, allow_private: bool) -> str:
    """Returns the URL when intake may register it; raises UnsafeUrl otherwise."""
    parts = parse(url)
    if not allow_private:
        assert parts.hostname is not None
        await public_addresses(parts.hostname, default_port(parts))
    return url
