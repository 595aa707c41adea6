"""The archive: every fetched page kept in WARC files as it arrives (`middleware`, a Scrapy
downloader middleware) and re-extracted from them without the network (`reextract`). The
WARC reader and writer themselves are `storage.warc`."""
