"""Extraction: the article out of a page (trafilatura), the boilerplate Indonesian outlets leave
in it removed (`boilerplate.toml`), credit lines and the site's name taken apart, the language
told. Plain modules: no Scrapy, no database."""
