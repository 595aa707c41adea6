"""Near-duplicates and events with datasketch MinHash; imports neither Scrapy nor `storage`."""
