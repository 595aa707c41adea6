"""Running crawls for the people who run them: the run of several spiders in one process
(`runner`, `runstats`), its lock, the worker pool, incremental runs, distributed crawling
and the replay web as a crawl target."""
