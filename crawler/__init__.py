"""Warta's Scrapy project package: settings, items, sources, extraction and the `warta` CLI."""
