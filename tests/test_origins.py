"""Base-URL overrides: public URLs everywhere, transport origins only at the download."""

from __future__ import annotations

import pytest

from crawler.origins import OriginMap, origin_map_from_settings
from crawler.sources import load_sources


def test_public_and_transport_urls_swap_only_the_origin() -> None:
    origins = OriginMap.from_overrides(load_sources(), {"telisik": "http://127.0.0.1:8001/"})
    public = "https://telisik.id/news/rakor-pilkada?page=2#top"
    transport = origins.to_transport(public)
    assert transport == "http://127.0.0.1:8001/news/rakor-pilkada?page=2#top"
    assert origins.to_public(transport) == public
    assert origins.to_transport("https://zonasultra.id/x.html") == "https://zonasultra.id/x.html"
    assert origins.to_public("http://127.0.0.1:9999/x") == "http://127.0.0.1:9999/x"


def test_unknown_source_in_overrides_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="unknown sources: nosuchoutlet"):
        origin_map_from_settings({"WARTA_BASE_URLS": {"nosuchoutlet": "http://127.0.0.1:1"}})


def test_no_overrides_is_an_empty_map() -> None:
    assert not origin_map_from_settings({"WARTA_BASE_URLS": {}})
