"""Item pipelines: thin adapters from Scrapy onto plain modules (extract … storage)."""
