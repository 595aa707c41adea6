"""The parts every replay-web page shares: dates as the outlets print them, the page views, and
the chrome around an article (head, menus, sidebar, footer, comment form, byline).

All corpus text goes through `esc` (or `json_ld`) before it reaches the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from replayweb.corpus import WITA, Article

Link = tuple[str, str]  # (absolute URL, text)

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def esc(text: str) -> str:
    return escape(text, quote=True)


def tanggal(moment: datetime) -> str:
    """'Selasa, 9 Juli 2024 - 15:20 WITA': how the outlets print dates."""
    local = moment.astimezone(WITA)
    day = f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{day} - {local:%H:%M} WITA"


def iso(moment: datetime) -> str:
    return moment.astimezone(WITA).isoformat()


@dataclass(frozen=True)
class Chrome:
    """What every page of a site shares: name, home URL, menu, feed and the popular-posts box."""

    site_name: str
    home: str
    menu: Sequence[Link]
    feed: str | None
    popular: Sequence[Link]


@dataclass(frozen=True)
class ArticleView:
    chrome: Chrome
    article: Article
    url: str  # the page's rel=canonical
    paragraphs: Sequence[str]
    category: Link
    read_also: Link | None = None
    related: Sequence[Link] = ()
    tags: Sequence[Link] = ()
    views: int = 0
    amp_url: str | None = None
    #: Tribun pagination: links shown under the text, and the "Halaman i/n" label.
    pages: Sequence[Link] = ()
    page_label: str = ""
    first_page: bool = True
    last_page: bool = True


@dataclass(frozen=True)
class ListingView:
    chrome: Chrome
    heading: str
    url: str
    #: (link, published, excerpt, duplicate URL the thumbnail links or None)
    items: Sequence[tuple[Link, datetime, str, str | None]]
    pages: Sequence[Link] = ()
    next_url: str | None = None
    extra: Sequence[Link] = field(default_factory=tuple)


def json_ld(view: ArticleView) -> str:
    """NewsArticle JSON-LD; `</` is escaped so a title cannot close the script element."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": view.article.title,
        "datePublished": iso(view.article.published),
        "dateModified": iso(view.article.published),
        "mainEntityOfPage": view.url,
        "publisher": {"@type": "Organization", "name": view.chrome.site_name},
    }
    if view.article.author:
        data["author"] = {"@type": "Person", "name": view.article.author}
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def head(view: ArticleView, theme: str, with_json_ld: bool) -> str:
    article = view.article
    title = esc(article.title)
    parts = [
        '<!DOCTYPE html><html lang="id-ID"><head><meta charset="UTF-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} - {esc(view.chrome.site_name)}</title>",
        f'<link rel="canonical" href="{esc(view.url)}">',
        f'<meta property="og:type" content="article"><meta property="og:title" content="{title}">',
        f'<meta property="og:url" content="{esc(view.url)}">',
        f'<meta property="og:site_name" content="{esc(view.chrome.site_name)}">',
        f'<meta property="article:published_time" content="{iso(article.published)}">',
    ]
    if article.author:
        parts.append(f'<meta name="author" content="{esc(article.author)}">')
    if view.amp_url:
        parts.append(f'<link rel="amphtml" href="{esc(view.amp_url)}">')
    if view.chrome.feed:
        parts.append(
            f'<link rel="alternate" type="application/rss+xml" title="Feed" '
            f'href="{esc(view.chrome.feed)}">'
        )
    parts.append(
        f'<link rel="stylesheet" '
        f'href="{esc(view.chrome.home)}/wp-content/themes/{theme}/style.css">'
    )
    if with_json_ld:
        parts.append(json_ld(view))
    parts.append(f'</head><body class="single single-post theme-{theme}">')
    return "".join(parts)


def links(items: Sequence[Link], css: str) -> str:
    rows = "".join(f'<li><a href="{esc(url)}">{esc(text)}</a></li>' for url, text in items)
    return f'<ul class="{css}">{rows}</ul>'


def header(chrome: Chrome, css: str) -> str:
    return (
        f'<header class="{css}"><div class="logo"><a '
        f'href="{esc(chrome.home)}/">{esc(chrome.site_name)}</a></div>'
        f'<nav class="main-menu">{links([(chrome.home + "/", "Home"), *chrome.menu], "menu")}</nav>'
        '<form class="search" action="/" method="get"><input name="s" placeholder="Cari '
        'berita..."></form>'
        "</header>"
    )


def sidebar(chrome: Chrome) -> str:
    return (
        '<aside class="sidebar"><div class="widget"><h3 class="widget-title">Berita Terpopuler</h3>'
        f"{links(chrome.popular, 'popular-posts')}</div>"
        '<div class="widget"><h3 class="widget-title">Iklan</h3><div class="ads">Pasang iklan? '
        "Hubungi redaksi</div></div>"
        "</aside>"
    )


def footer(chrome: Chrome) -> str:
    pages = [
        (chrome.home + "/redaksi/", "Redaksi"),
        (chrome.home + "/pedoman-media-siber/", "Pedoman Media Siber"),
        (chrome.home + "/kontak/", "Kontak"),
    ]
    return (
        f'<footer class="site-footer"><nav>{links(pages, "footer-menu")}</nav>'
        f"<p>Copyright © 2024 {esc(chrome.site_name)}. All Rights Reserved.</p></footer>"
    )


def comment_form() -> str:
    return (
        '<div id="respond" class="comment-respond"><h3 id="reply-title" '
        'class="comment-reply-title">Tinggalkan Balasan</h3>'
        '<form action="/wp-comments-post.php" method="post" id="commentform">'
        '<p class="comment-notes"><span id="email-notes">Alamat email Anda tidak akan '
        "dipublikasikan.</span> "
        'Ruas yang wajib ditandai <span class="required">*</span></p>'
        '<p><label for="comment">Komentar *</label><textarea id="comment" '
        'name="comment"></textarea></p>'
        '<p><label for="author">Nama *</label><input id="author" name="author"></p>'
        '<p><label for="email">Email *</label><input id="email" name="email"></p>'
        '<p><label for="url">Situs Web</label><input id="url" name="url"></p>'
        '<p class="comment-form-cookies-consent"><input type="checkbox"> Simpan nama, email, dan '
        "situs web saya "
        "pada peramban ini untuk komentar saya berikutnya.</p>"
        '<p class="form-submit"><input type="submit" value="Kirim Komentar"></p></form></div>'
    )


def body(
    view: ArticleView, read_also: Callable[[Link], str], lead: str = "", tail: str = ""
) -> str:
    """The paragraphs with the inline related link after the second (or first) paragraph."""
    paragraphs = [f"<p>{esc(text)}</p>" for text in view.paragraphs]
    if view.read_also and len(paragraphs) > 1:
        paragraphs.insert(min(2, len(paragraphs) - 1), read_also(view.read_also))
    return lead + "".join(paragraphs) + tail


def byline(article: Article, label: str) -> str:
    if not article.author:
        return ""
    page = "/author/" + "-".join(article.author.lower().split()) + "/"
    return f'<span class="author">{label} <a href="{esc(page)}">{esc(article.author)}</a></span>'
