"""Warta's database layer: SQLAlchemy 2.0 models, sessions, migrations and queries.

Imports neither Scrapy nor `dedupe`: exports and research scripts use it on their own.
"""
