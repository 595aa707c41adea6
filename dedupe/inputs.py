"""What the dedupe stage computes once per page: the signature, the event features and who the
text names.

One function, so that a crawl's pipeline and `warta reextract` compute exactly the same thing
(and a worker process pays one round trip per page).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dedupe.features import extract_features
from dedupe.mentions import extract_mentions
from dedupe.signatures import MinHasher


def signature_and_features(
    hasher: MinHasher, title: str | None, text: str, published_at: datetime | None
) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    """The dedupe inputs and the mentions in one worker call (one round trip per page)."""
    mentions = extract_mentions(text).to_json()
    return (
        hasher.signature_bytes(text),
        extract_features(title, text, published_at, mentions),
        mentions,
    )
