"""Outlet health (issue 24): what a live check of an outlet saw, and the verdict it earns.

`probe` holds the observations (filled by the `check` spider, spiders/check.py), `verdict`
judges them against `thresholds.toml`, `runner` runs the checks through Scrapy with the
project's settings, `silence` finds outlets whose articles stopped arriving.
"""
