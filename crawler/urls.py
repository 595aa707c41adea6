"""URL keys and URL safety: the one boundary where courlan and address checks live.

`normalise_url` gives the key under which an article is stored, so two fetches of the same
article through a tracking link, an AMP variant or a differently cased host meet in one row.
`check_fetchable_url` guards ad-hoc URLs (CLI arguments, the `site`/`article` spiders) before
anything is fetched.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url as courlan_normalize_url

#: Query parameters that only say where a click came from; dropping them never changes content.
#: courlan drops most of these already; the list pins the ones we promise (tested) whatever
#: courlan's version does.
TRACKING_PARAMETER = re.compile(
    r"^(?:utm_\w*|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|igsh"
    r"|mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|ref_src"
    r"|spm|share|pgrelated)$",
    re.IGNORECASE,
)
#: `?amp`, `?amp=1` and `?amp=true` select the AMP rendering of the same article.
AMP_QUERY_VALUES = frozenset({"", "1", "true", "yes"})
#: `/slug/amp/` and `/slug/amp` (WordPress AMP plugin, kendari24, Fajar's sites): the article.
AMP_PATH_SUFFIX = re.compile(r"(?:/amp)+/?$", re.IGNORECASE)
#: `/amp/<path>` (ANTARA's `/amp/berita/<id>/<slug>`, Tribun's `/amp/<yyyy>/<mm>/<dd>/<slug>`):
#: the article at `/<path>`. A site whose AMP copies live elsewhere (`/amp/detail/<slug>`) gets
#: a key that is not its article's; the stored URL then comes from the page's rel=canonical.
AMP_PATH_PREFIX = re.compile(r"^(?:/amp(?=/[^/]))+", re.IGNORECASE)
#: `amp.<host>` and `m.<host>`: the AMP and mobile renderings of the desktop host's pages.
MOBILE_HOST = re.compile(r"^(?:(?:amp|m)\.)+(?=[^.@]+\.[^@]+$)", re.IGNORECASE)
#: Resolving a host name must not stall a crawl; after this many seconds we give up.
RESOLVE_TIMEOUT_SECONDS = 2.0
FETCHABLE_SCHEMES = frozenset({"http", "https"})


class UnsafeURL(ValueError):
    """A URL we refuse to fetch; the message says why (scheme, private address, ...)."""


def _is_amp_query(key: str, value: str) -> bool:
    return key.lower() == "amp" and value.lower() in AMP_QUERY_VALUES


def is_amp_url(url: str) -> bool:
    """Whether `url` is an AMP or mobile rendering by the general rules (path, query, host)."""
    parts = urlsplit(url)
    if MOBILE_HOST.match(parts.netloc) or AMP_PATH_SUFFIX.search(parts.path):
        return True
    if AMP_PATH_PREFIX.match(parts.path):
        return True
    return any(
        _is_amp_query(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )


def amp_to_canonical(url: str) -> str:
    """Map an AMP or mobile URL onto its article URL by the general rules; others pass unchanged.

    One rule for every outlet: `/amp` suffix, `/amp/` prefix, `?amp`, `amp.` and `m.` hosts.
    """
    parts = urlsplit(url)
    path = AMP_PATH_PREFIX.sub("", AMP_PATH_SUFFIX.sub("/", parts.path))
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_amp_query(key, value)
    ]
    netloc = MOBILE_HOST.sub("", parts.netloc)
    return urlunsplit((parts.scheme, netloc, path, urlencode(query), parts.fragment))


def normalise_url(url: str, site_host: str | None = None) -> str:
    """Return the storage key of `url`.

    Lower-cased scheme and host, no default port, no fragment, no tracking parameters,
    remaining parameters sorted (so `?page=all`, `?p=123` survive), AMP variants mapped onto
    the article URL, and no trailing slash on a non-root path: WordPress serves `/slug` and
    `/slug/` as one page, so the key must not split them. `amp.` and `m.` hosts become the
    bare host, or `site_host` (the outlet's own, "www." or not) when that is the same site.
    """
    url = url.strip()
    if not urlsplit(url).scheme and url.startswith("//"):
        url = "https:" + url
    url = amp_to_canonical(url)
    # courlan lower-cases scheme/host, decodes punycode, strips default ports, resolves
    # /../ and normalises percent-encoding; query and fragment we handle ourselves.
    normalised = courlan_normalize_url(url, strict=False, trailing_slash=True)
    parts = urlsplit(normalised)
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETER.match(key)
    )
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    netloc = parts.netloc
    if site_host and _bare(netloc) == _bare(site_host.lower()):
        netloc = site_host.lower()
    return urlunsplit((parts.scheme, netloc, path, urlencode(query), ""))


def without_tracking(url: str) -> str:
    """`url` as given, less its tracking parameters and fragment: the URL to request."""
    parts = urlsplit(url.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETER.match(key)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _bare(host: str) -> str:
    return MOBILE_HOST.sub("", host.removeprefix("www."))


def _is_private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Any address that is not on the public internet (incl. IPv4 mapped into IPv6)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def _resolve(host: str, timeout: float) -> list[str]:
    """Addresses of `host`, or [] when it does not resolve within `timeout` seconds.

    getaddrinfo has no timeout of its own; a daemon thread keeps a slow resolver from hanging
    the caller (the thread finishes or dies with the process).
    """
    found: list[str] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return
        found.extend(str(info[4][0]) for info in infos)

    worker = threading.Thread(target=lookup, name="warta-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    return list(found) if not worker.is_alive() else []


def check_fetchable_url(
    url: str, allow_private: bool, *, resolve_timeout: float = RESOLVE_TIMEOUT_SECONDS
) -> None:
    """Raise `UnsafeURL` unless `url` is http(s) and (unless allowed) on a public address.

    A host that does not resolve is not private: fetching it fails later with an ordinary
    error. Numeric host spellings (`2130706433`, `0x7f.1`) are caught by resolving them.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as error:
        raise UnsafeURL(f"malformed URL: {error}") from error
    scheme = parts.scheme.lower()
    if scheme not in FETCHABLE_SCHEMES:
        raise UnsafeURL(f"scheme {scheme or '(none)'!r} is not http or https")
    if not host:
        raise UnsafeURL("URL has no host")
    if allow_private:
        return
    host = host.rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        raise UnsafeURL(f"host {host!r} is a loopback name")
    try:
        addresses = [ipaddress.ip_address(host.split("%", 1)[0])]
    except ValueError:
        addresses = []
        for text in _resolve(host, resolve_timeout):
            try:
                addresses.append(ipaddress.ip_address(text.split("%", 1)[0]))
            except ValueError:
                continue
    for address in addresses:
        if _is_private(address):
            raise UnsafeURL(f"host {host!r} is a private or loopback address ({address})")
