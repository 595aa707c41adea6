"""The replay web: realistic Sultra outlet sites on 127.0.0.1 for offline crawls and tests."""
