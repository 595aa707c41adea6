"""Spiders: discover URLs, yield requests and PageItems; no logic beyond that."""
