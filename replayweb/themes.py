"""HTML themes: the same article in the clothes real Sultra outlets wear.

Three WordPress-like themes (`jnews`, `mh`, `soledad`) plus `antara`, `tribun` and `amp`. Each
puts real-world boilerplate around and inside the body — menus, breadcrumbs, view counters,
share and text-to-speech widgets, an inline "Baca juga" link between paragraphs, credit lines,
tags, related posts, comment forms, copy-protection notices — which the extraction cleanup must
remove. All corpus text goes through `esc` (or `json_ld`) before it reaches the page.
"""

from __future__ import annotations

from collections.abc import Callable

from replayweb.page_parts import (
    ArticleView,
    ListingView,
    body,
    byline,
    comment_form,
    esc,
    footer,
    head,
    header,
    iso,
    json_ld,
    links,
    sidebar,
    tanggal,
)


def jnews(view: ArticleView) -> str:
    """JNews-like (indeks.co.id): view counter "×", share + listen widgets, copy protection."""
    article, chrome = view.article, view.chrome
    credit = f"<p>Redaksi/Publizher : {esc(article.editor)}</p>" if article.editor else ""
    return (
        head(view, "jnews", with_json_ld=False)
        + header(chrome, "jeg_header")
        + f'<div class="jeg_post_category"><a '
        f'href="{esc(view.category[0])}">{esc(view.category[1].upper())}</a></div>'
        + f'<h1 class="jeg_post_title">{esc(article.title)}</h1>'
        + f'<div class="jeg_meta_views"><span class="counts">{view.views}</span> <i class="fa '
        f'fa-eye">×</i></div>' + f'<div class="jeg_meta">{byline(article, "Oleh")} <span '
        f'class="jeg_meta_date">{tanggal(article.published)}</span></div>'
        + '<div class="jeg_share_top">Sebarkan artikel ini <a href="#fb">Facebook</a> <a '
        'href="#x">Twitter</a> <a href="#wa">WhatsApp</a></div>'
        + '<div class="tts-player"><button>Listen to this article</button> <span>00:00</span></div>'
        + '<div class="jeg_main_content"><div class="content-inner">'
        + body(
            view,
            lambda link: (
                f'<div class="jnews_inline_related_post"><p><strong>BACA JUGA</strong>  <a '
                f'href="{esc(link[0])}">{esc(link[1])}</a></p></div>'
            ),
            tail=credit,
        )
        + "</div>"
        + f'<div class="jeg_post_tags"><span>Tags:</span>{links(view.tags, "tags")}</div>'
        + f'<div class="jeg_postblock_related"><h3>Berita '
        f"Terkait</h3>{links(view.related, 'related')}</div>"
        + comment_form()
        + '<div class="copy-notice"><p>DILARANG MENCOPY/PLAGIAT DAPAT DI PIDANA</p></div></div>'
        + sidebar(chrome)
        + footer(chrome)
        + '<div id="wpcp-error-message" class="msgmsg-box-wpcp hideme"><span>error: '
        "</span>Content is protected !!</div>" + "</body></html>"
    )


def mh(view: ArticleView) -> str:
    """MH-Magazine-like (sibernas, kabarsultra, zonasultra): breadcrumbs, "Baca juga:", JSON-LD."""
    article, chrome = view.article, view.chrome
    credit = f"<p><strong>Editor: {esc(article.editor)}</strong></p>" if article.editor else ""
    return (
        head(view, "mh-magazine", with_json_ld=True)
        + header(chrome, "mh-header")
        + f'<nav class="mh-breadcrumb"><a href="{esc(chrome.home)}/">Beranda</a> » <a '
        f'href="{esc(view.category[0])}">{esc(view.category[1])}</a> » {esc(article.title)}</nav>'
        + '<article class="post"><header class="entry-header">'
        + f'<h1 class="entry-title">{esc(article.title)}</h1>'
        + f'<p class="entry-meta"><span '
        f'class="entry-meta-date">{tanggal(article.published)}</span> '
        f"{byline(article, 'Penulis:')}</p>"
        + "</header>"
        + '<div class="entry-content clearfix">'
        + body(
            view,
            lambda link: (
                f'<p><strong>Baca juga: <a href="{esc(link[0])}">{esc(link[1])}</a></strong></p>'
            ),
            tail=credit,
        )
        + "</div>"
        + '<p class="google-news"><a href="https://news.google.com/">Ikuti berita terkini di '
        "Google News</a>, klik di sini</p>"
        + f'<div class="entry-tags"><i class="fa fa-tag"></i>{links(view.tags, "tags")}</div>'
        + f'<section class="mh-related-content"><h3 class="mh-section-title">Artikel '
        f"Terkait</h3>{links(view.related, 'related')}</section>"
        + "</article>"
        + comment_form()
        + sidebar(chrome)
        + footer(chrome)
        + "</body></html>"
    )


def soledad(view: ArticleView) -> str:
    """Soledad-like (chanetujuh, telisik): "Komentar X Bagikan" bar, "(Red)", Google News nudge."""
    article, chrome = view.article, view.chrome
    return (
        head(view, "soledad", with_json_ld=False)
        + header(chrome, "site-header")
        + f'<div class="penci-entry-header"><h1 class="post-title '
        f'single-post-title">{esc(article.title)}</h1>'
        + f'<div class="post-box-meta-single">{byline(article, "Reporter:")} <time '
        f'datetime="{iso(article.published)}">{tanggal(article.published)}</time></div>'
        + '<div class="penci-post-countview"><a href="#comments">Komentar</a> <span '
        'class="close">X</span> '
        + '<span class="penci-social-share">Bagikan <a href="#fb">Facebook</a> <a '
        'href="#wa">WhatsApp</a> <a href="#tg">Telegram</a> <a href="#copy">Salin '
        "Link</a></span></div></div>"
        + '<div class="post-entry"><div class="inner-post-entry entry-content">'
        + body(
            view,
            lambda link: f'<p>Baca Juga: <a href="{esc(link[0])}">{esc(link[1])}</a></p>',
            tail="<p>(Red)</p>",
        )
        + "</div></div>"
        + (
            f'<div class="post-editor">Editor: {esc(article.editor)}</div>'
            if article.editor
            else ""
        )
        + f'<div class="gnews"><a href="https://news.google.com/">Ikuti berita terkini '
        f"{esc(chrome.site_name)} di Google News</a></div>"
        + f'<div class="post-tags">{links(view.tags, "tags")}</div>'
        + f'<div class="post-related"><h3>Baca Juga</h3>{links(view.related, "related")}</div>'
        + comment_form()
        + sidebar(chrome)
        + footer(chrome)
        + "</body></html>"
    )


def antara(view: ArticleView) -> str:
    """ANTARA-like: credits "Pewarta/Editor/COPYRIGHT" inside the text block, "Bagikan"."""
    article, chrome = view.article, view.chrome
    credits = []
    if article.author:
        credits.append(f"Pewarta: {esc(article.author)}")
    if article.editor:
        credits.append(f"Editor: {esc(article.editor)}")
    credits.append(f"COPYRIGHT © ANTARA {article.published.year}")
    return (
        head(view, "antara", with_json_ld=True)
        + header(chrome, "antara-header")
        + f'<ul class="breadcrumb"><li><a href="{esc(chrome.home)}/">Beranda</a></li><li><a '
        f'href="{esc(view.category[0])}">{esc(view.category[1])}</a></li></ul>'
        + f'<div class="wrap__article-detail-title"><h1>{esc(article.title)}</h1></div>'
        + f'<div class="wrap__article-detail-info"><span '
        f'class="text-secondary">{tanggal(article.published)}</span></div>'
        + '<div class="share-buttons">Bagikan <a href="#fb">Facebook</a> <a href="#x">X</a> <a '
        'href="#wa">WhatsApp</a></div>'
        + '<div class="wrap__article-detail-content post-content">'
        + body(
            view,
            lambda link: (
                f'<p><span class="baca-juga">Baca juga: <a '
                f'href="{esc(link[0])}">{esc(link[1])}</a></span></p>'
            ),
            tail=f'<p class="text-muted mt-2 small">{"<br>".join(credits)}</p>',
        )
        + "</div>"
        + f'<div class="tags-wrapper">{links(view.tags, "tags")}</div>'
        + f'<div class="related"><h3>Berita Terkait</h3>{links(view.related, "related")}</div>'
        + sidebar(chrome)
        + footer(chrome)
        + "</body></html>"
    )


def tribun(view: ArticleView) -> str:
    """Tribun-like: "Laporan Wartawan" lead, "Halaman i/n" paging, Google News nudge."""
    article, chrome = view.article, view.chrome
    lead = ""
    if view.first_page and article.author:
        lead = (
            f"<p><strong>Laporan Wartawan TribunnewsSultra.com, {esc(article.author)}</strong></p>"
        )
    tail = ""
    if view.last_page and article.author:
        tail = f"<p>(TribunnewsSultra.com/{esc(article.author)})</p>"
    paging = ""
    if view.pages:
        numbers = " ".join(f'<a href="{esc(url)}">{esc(text)}</a>' for url, text in view.pages)
        paging = f'<div class="paging"><span>{esc(view.page_label)}</span> {numbers}</div>'
    return (
        head(view, "tribun", with_json_ld=True)
        + header(chrome, "tribun-header")
        + f'<div class="breadcrumb"><a href="{esc(chrome.home)}/">Home</a> » <a '
        f'href="{esc(view.category[0])}">{esc(view.category[1])}</a></div>'
        + f'<h1 id="arttitle">{esc(article.title)}</h1>'
        + '<div class="credit">'
        + (f"Penulis: {esc(article.author)} | " if article.author else "")
        + (f"Editor: {esc(article.editor)}" if article.editor else "")
        + f'</div><time class="grey">{tanggal(article.published)}</time>'
        + '<div class="side-article txt-article multi-fontsize">'
        + body(
            view,
            lambda link: (
                f'<p><strong>Baca juga: <a href="{esc(link[0])}">{esc(link[1])}</a></strong></p>'
            ),
            lead=lead,
            tail=tail,
        )
        + "</div>"
        + paging
        + '<div class="gnews">Ikuti berita terkini TribunnewsSultra.com di <a '
        'href="https://news.google.com/">Google News</a></div>'
        + f'<div class="tagcloud">{links(view.tags, "tags")}</div>'
        + f'<div class="related"><h3>Berita Terkait</h3>{links(view.related, "related")}</div>'
        + sidebar(chrome)
        + footer(chrome)
        + "</body></html>"
    )


def amp(view: ArticleView) -> str:
    """AMP copy (telisik /amp/detail/<slug>): little chrome, rel=canonical to the full page."""
    article = view.article
    return (
        '<!doctype html><html ⚡ lang="id"><head><meta charset="utf-8">'
        f"<title>{esc(article.title)}</title>"
        f'<link rel="canonical" href="{esc(view.url)}">'
        f'<meta property="og:title" content="{esc(article.title)}">'
        f'<meta property="article:published_time" content="{iso(article.published)}">'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>'
        + json_ld(view)
        + "</head><body>"
        + f'<header class="amp-header"><a '
        f'href="{esc(view.chrome.home)}/">{esc(view.chrome.site_name)}</a></header>'
        + f"<h1>{esc(article.title)}</h1>"
        + f'<div class="amp-meta">{byline(article, "Reporter:")} {tanggal(article.published)}</div>'
        + '<div class="amp-share">Bagikan</div><div class="amp-content">'
        + body(view, lambda link: f'<p>Baca Juga: <a href="{esc(link[0])}">{esc(link[1])}</a></p>')
        + "</div>"
        + f'<footer class="amp-footer">© {esc(view.chrome.site_name)}</footer></body></html>'
    )


ARTICLE_THEMES: dict[str, Callable[[ArticleView], str]] = {
    "jnews": jnews,
    "mh": mh,
    "soledad": soledad,
    "antara": antara,
    "tribun": tribun,
    "amp": amp,
}


def render_article(theme: str, view: ArticleView) -> str:
    return ARTICLE_THEMES[theme](view)


def render_listing(theme: str, view: ListingView) -> str:
    """Home and category pages; every theme shares this layout with its own class names."""
    chrome = view.chrome
    items = "".join(
        '<article class="post-item">'
        + (
            f'<a class="thumb" href="{esc(alt)}"><img src="/wp-content/uploads/thumb.jpg" '
            f'alt=""></a>'
            if alt
            else ""
        )
        + f'<h2 class="entry-title"><a href="{esc(url)}">{esc(text)}</a></h2>'
        f'<time datetime="{iso(published)}">{tanggal(published)}</time><p '
        f'class="excerpt">{esc(excerpt)}</p></article>'
        for (url, text), published, excerpt, alt in view.items
    )
    pages = " ".join(
        f'<a class="page-numbers" href="{esc(url)}">{esc(text)}</a>' for url, text in view.pages
    )
    if view.next_url:
        pages += f' <a class="next page-numbers" href="{esc(view.next_url)}">Berikutnya »</a>'
    feed = (
        f'<link rel="alternate" type="application/rss+xml" title="Feed" href="{esc(chrome.feed)}">'
        if chrome.feed
        else ""
    )
    next_link = f'<link rel="next" href="{esc(view.next_url)}">' if view.next_url else ""
    extra = (
        f'<div class="widget"><h3>Pilihan Redaksi</h3>{links(view.extra, "picks")}</div>'
        if view.extra
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="id-ID"><head><meta charset="UTF-8">'
        f"<title>{esc(view.heading)} - {esc(chrome.site_name)}</title>"
        f'<link rel="canonical" href="{esc(view.url)}">{feed}{next_link}</head>'
        f'<body class="archive theme-{theme}">'
        + header(chrome, f"{theme}-header")
        + f'<main class="archive"><h1 class="page-title">{esc(view.heading)}</h1>{items}'
        + f'<nav class="pagination">{pages}</nav></main>'
        + sidebar(chrome)
        + extra
        + footer(chrome)
        + "</body></html>"
    )
