"""Outlet-wide faults: an outlet that dies, changes its theme or empties its feed (issue 24);
and `FaultRequest`, what every fault (these and replayweb.faults') is given.

Registered in `replayweb.faults.FAULTS` like the others (`ReplayWeb(faults={"kabarsultra":
{"new_theme"}})`); the outlet-wide ones (target "outlet") answer for every path of the outlet.
  outlet_down   every request answers 503 (no Retry-After): the host is down for good.
  new_theme     every HTML page links the outlet's articles as `/baca/<number>/<slug>` (a new
                theme's permalinks, which the registry's patterns do not know); those paths
                serve the articles. Feeds and sitemaps are unchanged.
  feed_empty    the first feed answers a well-formed RSS channel with no item.
A move to another host is no fault of one server: `ReplayWeb(moved={outlet: origin})` makes
the outlet's server answer every request with a 301 to the same path under `origin`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from replayweb import feeds, replies
from replayweb.replies import Reply
from replayweb.site import Site


@dataclass(frozen=True)
class FaultRequest:
    """What a fault sees: the absolute URL, which failing attempt this is, and the normal answer."""

    url: str
    attempt: int
    normal: Callable[[], Reply]
    site: Site


#: The new theme's article paths.
NEW_THEME_PATH = re.compile(r"^/baca/(?P<number>\d+)/(?P<slug>[a-z0-9-]+)$")
HREF = re.compile(r'href="([^"]+)"')


def outlet_down(request: FaultRequest) -> Reply:
    return replies.server_error(503)


def new_theme(request: FaultRequest) -> Reply:
    site = request.site
    parts = urlsplit(request.url)
    moved = NEW_THEME_PATH.match(parts.path)
    if moved:
        for placement in site.placements:
            if placement.number == int(moved["number"]):
                return site.respond(placement.path)
        return replies.not_found()
    reply = request.normal()
    if not reply.content_type.startswith("text/html") or reply.status != 200:
        return reply
    numbers = {placement.path.rstrip("/"): placement for placement in site.placements}

    def relink(match: re.Match[str]) -> str:
        placement = numbers.get(urlsplit(match[1]).path.rstrip("/"))
        if placement is None:
            return match[0]
        return f'href="{site.url(f"/baca/{placement.number}/{placement.article.slug}")}"'

    text = HREF.sub(relink, reply.body.decode("utf-8"))
    return replace(reply, body=text.encode("utf-8"))


def feed_empty(request: FaultRequest) -> Reply:
    site = request.site
    return replies.xml(feeds.rss(site.scheme.name, site.url("/"), request.url, []), replies.RSS)


OUTAGES: dict[str, tuple[str, Callable[[FaultRequest], Reply]]] = {
    "outlet_down": ("outlet", outlet_down),
    "new_theme": ("outlet", new_theme),
    "feed_empty": ("feed", feed_empty),
}
