"""Scrapy settings for Warta. Each Warta setting is documented where it is defined.

`ITEM_PIPELINES` below is the architecture in one dict: extract → language → dedupe → store.
Environment variables of the same name override `WARTA_*` settings (see crawler.environment).
"""

import os

from crawler.environment import overrides

BOT_NAME = "warta"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- politeness ----------------------------------------------------------------------------
#: Names the project and a contact, as research crawlers should; WARTA_USER_AGENT overrides it.
WARTA_USER_AGENT = (
    "Warta/0.1 (research crawler of Sultra regional news; contact: warta@example.org)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
#: Pages larger than this are not news articles (and may be decompression bombs).
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
# Scrapy's retry replaced by the same retry with backoff; the redirect guard sits just outside
# RedirectMiddleware (600) so it sees each 3xx before it is followed, and its request half
# before RobotsTxtMiddleware (100) so a private redirect target is not even asked for robots.txt
# (crawler.middlewares).
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.TruncatedHtmlMiddleware": 585,
    # below HttpCompressionMiddleware (590): archives the decompressed body
    "crawler.archive.middleware.WarcArchiveMiddleware": 580,
    "crawler.middlewares.RedirectGuardMiddleware": 610,
    "crawler.middlewares.RedirectTargetGuardMiddleware": 90,
    # robots.txt obeyed from the copy the spider reads for its Sitemap: lines (read once)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.OnceRobotsTxtMiddleware": 100,
    # before every other middleware: a stored article costs no robots.txt check, no retry
    "crawler.operations.incremental.IncrementalMiddleware": 50,
}
#: First retry waits about this many seconds (±50% jitter), doubling per retry (5xx, timeouts).
WARTA_RETRY_BACKOFF_BASE = 1.0
#: No exponential wait is longer than this (seconds).
WARTA_RETRY_BACKOFF_MAX = 30.0
#: A 429/503 Retry-After is honoured up to this many seconds; longer asks wait this long.
WARTA_RETRY_AFTER_MAX = 120.0
#: Archive every fetched page (request and response) as WARC files (crawler.archive.middleware).
#: None (unset): on exactly when WARTA_WARC_DIR names a directory, since a user who names an
#: archive wants one; true or false decide alone.
WARTA_WARC_ENABLED: bool | None = None
#: Where the WARC files go; articles record file names relative to it (docs/OPERATIONS.md).
WARTA_WARC_DIR: str | None = None
#: The archive's directory when none is named: where WARTA_WARC_ENABLED=true writes, and where
#: `warta reextract`, `article` and `serve` look by default.
WARTA_WARC_DEFAULT_DIR = "warc"
#: A WARC file is closed and the next one of its series opened past this size (1 GB, the
#: usual size of web archives' files; the last record may overshoot it by one page).
WARTA_WARC_MAX_BYTES = 1024 * 1024 * 1024
#: First part of WARC file names: <prefix>-<UTC start>-<spider>-<host>-<pid>-<serial>.warc.gz
WARTA_WARC_PREFIX = "warta"
#: Check every redirect target like an ad-hoc URL (scheme, private address, loops, off-site).
WARTA_REDIRECT_GUARD_ENABLED = True
#: Refuse redirects of article pages to another site (counted `warta/refused/off_site_redirect`).
WARTA_REFUSE_OFF_SITE_REDIRECTS = True
#: Seconds a redirect target's host may take to resolve before it is treated as public.
WARTA_RESOLVE_TIMEOUT = 2.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
#: Development cache of fetched pages; WARTA_HTTPCACHE=1 turns it on.
WARTA_HTTPCACHE = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 24 * 3600

FEED_EXPORT_ENCODING = "utf-8"
#: Dropped pages are logged with their reason at INFO, not as warnings with the whole item.
LOG_FORMATTER = "crawler.logformatter.WartaLogFormatter"
LOG_LEVEL = "INFO"

# -- the pipeline --------------------------------------------------------------------------
#: Outputs of one callback processed at once. Scrapy starts this many asyncio tasks for every
#: response, however few it yields (default 100: 14% of the reactor's CPU in a full crawl,
#: BENCHMARKS.md); an article page yields one item, a sitemap requests that need no parallelism.
CONCURRENT_ITEMS = 4
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.language.LanguagePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 400,
}

# -- Warta ---------------------------------------------------------------------------------
#: Where articles, events and crawl runs are stored: any SQLAlchemy URL.
WARTA_DATABASE_URL = "sqlite:///warta.db"
#: Registry of outlets (None: the packaged crawler/sources.toml).
WARTA_SOURCES_FILE = None
#: Per-source origin overrides, {"telisik": "http://127.0.0.1:8001"}; how the replay web is crawled.
WARTA_BASE_URLS: dict[str, str] = {}
#: Languages (ISO 639-1) kept by the language stage; the others are dropped and counted.
WARTA_LANGUAGES = ["id"]
#: A page is kept only when langdetect gives an allowed language at least this probable.
WARTA_LANGUAGE_MIN_PROBABILITY = 0.70
#: langdetect is random unless seeded; a fixed seed makes runs reproducible.
WARTA_LANGDETECT_SEED = 0
#: Boilerplate rules file (None: the packaged crawler/extraction/boilerplate.toml); see
#: docs/EXTRACTION.md.
WARTA_BOILERPLATE_FILE = None
#: trafilatura's precision mode: +0.001 F1 on the scrapinghub benchmark, less recall; off.
WARTA_EXTRACT_FAVOR_PRECISION = False
#: Extracted texts shorter than this (characters) are not articles (menus, JS shells, stubs).
WARTA_MIN_TEXT_CHARS = 250
#: Extraction, language and signatures run in this many worker processes so the reactor
#: thread stays free (0: inline). None: one per core — downloads run ahead of extraction, so
#: while the backlog drains the reactor is idle and every core can extract (BENCHMARKS.md).
WARTA_EXTRACT_WORKERS: int | None = None
#: Articles stored in one transaction at most (they never wait long for a batch to fill).
WARTA_STORE_BATCH = 50
#: Cluster into duplicate groups and events every N new or updated articles (and when the
#: last spider of the process closes).
WARTA_CLUSTER_EVERY = 5000
#: Processes sweeping a clustering run's window in segments of days (None: one per core). Used
#: only where each has SEGMENT_MIN_ARTICLES articles to re-decide (crawler/clustering/segments.py):
#: a
#: large corpus's run, not a small one's; the result is the same (docs/EVENTS.md).
WARTA_CLUSTER_WORKERS: int | None = None
#: Allow ad-hoc URLs on private and loopback addresses (the replay web needs it).
WARTA_ALLOW_PRIVATE_ADDRESSES = False
#: Redis for distributed crawls (scrapy-redis) and the shared candidate index; None: single process.
WARTA_REDIS_URL = None
#: Directory for `warta crawl` log files and the run lock.
WARTA_LOG_DIR = "logs"
#: Fetch article pages again even when their URL is stored (`warta crawl --refresh`).
WARTA_REFRESH = False
#: A page rejected for its language or for having no article text is not requested again for
#: this many days (table rejected_pages); then it is, in case the outlet fixed it. 0: every run.
WARTA_REJECTED_RETRY_DAYS = 30.0
#: Automatic `since` of scheduled runs: last complete run of a source minus this many days
#: (outlets backdate articles and sitemaps lag; a margin re-reads a few days, never misses them).
WARTA_SINCE_MARGIN_DAYS = 3
#: `warta crawl` reports a source that fetched nothing in this many runs in a row.
WARTA_FAILING_RUNS = 3
#: Silence (storage.runs.silent_sources): a source whose new articles stopped for at least
#: WARTA_SILENCE_MIN_RUNS runs and WARTA_SILENCE_MIN_DAYS days, and longer than
#: WARTA_SILENCE_GAP_FACTOR times its longest earlier gap over its last
#: WARTA_SILENCE_HISTORY_RUNS runs, is named by `warta crawl` (exit 1) and `warta runs`.
WARTA_SILENCE_MIN_RUNS = 3
WARTA_SILENCE_MIN_DAYS = 3.0
WARTA_SILENCE_GAP_FACTOR = 2.0
WARTA_SILENCE_HISTORY_RUNS = 30
#: Prefix of the Redis keys of distributed crawls (<prefix>:<spider>:requests|dupefilter|workers).
WARTA_REDIS_PREFIX = "warta"
#: A distributed worker silent this long (seconds; heartbeat every quarter) is taken for dead.
WARTA_REDIS_WORKER_TIMEOUT = 600
#: With WARTA_REDIS_URL: scrapy-redis scheduler and shared seen-URL filter
#: (crawler.operations.distributed).
ADDONS = {"crawler.operations.distributed.DistributedCrawling": 0}

locals().update(overrides(os.environ))
USER_AGENT = WARTA_USER_AGENT
HTTPCACHE_ENABLED = WARTA_HTTPCACHE

# Base-URL overrides (WARTA_BASE_URLS) are applied in the download handler, below the spiders.
DOWNLOAD_HANDLERS = {
    "http": "crawler.origins.OriginOverrideDownloadHandler",
    "https": "crawler.origins.OriginOverrideDownloadHandler",
}
