"""Log lines for dropped items that a person can read: the reason, not the whole item.

Pages are dropped for ordinary reasons (English, no article text) on every crawl; Scrapy's
default logs them as warnings with the full item repr, which buries real problems.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class WartaLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any = None
    ) -> LogFormatterResult:
        return {
            "level": logging.INFO,
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }
