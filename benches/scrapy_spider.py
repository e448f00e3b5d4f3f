"""Scrapy peer for scout's crawl benchmark (run by `scout-bench all`, see BENCHMARKS.md).

Crawls the same synthetic world scout crawls, from the same seed profile URLs, and extracts
the same fields: the profile's schema.org ProfilePage JSON-LD (name, handle, bio, followers),
every post page it links to (SocialMediaPosting: text, date, likes, shares, comment count)
and each post's comment thread (text, author name and URL, date, nesting). Items go to the
feed given with -O, so they are serialised like scout's records are stored.

Rate limits are lifted as for scout: no download delay, no autothrottle, concurrency from
the command line; robots.txt is obeyed. Seeds only: comment authors are not followed.

Usage: scrapy runspider scrapy_spider.py -a seeds=FILE -a stats_out=FILE -O items.jsonl
"""

import json
import resource
import time

import scrapy


def _type_is(node, *names):
    t = node.get("@type")
    types = t if isinstance(t, list) else [t]
    return any(x in names for x in types)


def _nodes(response):
    """Every JSON-LD node on the page (top level, lists and @graph)."""
    for raw in response.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data])
        for node in items:
            if isinstance(node, dict):
                yield node


def _count(node, action):
    stats = node.get("interactionStatistic") or []
    if isinstance(stats, dict):
        stats = [stats]
    for s in stats:
        kind = s.get("interactionType")
        if isinstance(kind, dict):
            kind = kind.get("@type", "")
        if isinstance(kind, str) and kind.rsplit("/", 1)[-1] == action:
            try:
                return int(s.get("userInteractionCount"))
            except (TypeError, ValueError):
                return None
    return None


def _comments(items, parent=None):
    if isinstance(items, dict):
        items = [items]
    for c in items or []:
        if not isinstance(c, dict):
            continue
        author = c.get("author") or {}
        if isinstance(author, str):
            author = {"name": author}
        yield {
            "id": c.get("@id"),
            "parent": parent,
            "text": c.get("text"),
            "author": author.get("alternateName") or author.get("name"),
            "author_url": author.get("url"),
            "date": c.get("datePublished"),
            "likes": c.get("upvoteCount"),
        }
        yield from _comments(c.get("comment"), c.get("@id"))


class WorldSpider(scrapy.Spider):
    name = "world"
    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 64,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "scrapy-bench (+https://example.org/bench)",
        "FEED_EXPORT_ENCODING": "utf-8",
    }

    def __init__(self, seeds, stats_out, **kwargs):
        super().__init__(**kwargs)
        with open(seeds, encoding="utf-8") as f:
            self.seeds = [line.strip() for line in f if line.strip()]
        self.stats_out = stats_out
        self.started = None

    async def start(self):
        self.started = time.monotonic()
        for url in self.seeds:
            yield scrapy.Request(url, callback=self.parse_profile)

    # Scrapy < 2.13 calls start_requests instead of start.
    def start_requests(self):
        self.started = time.monotonic()
        for url in self.seeds:
            yield scrapy.Request(url, callback=self.parse_profile)

    def parse_profile(self, response):
        profile = None
        for node in _nodes(response):
            if _type_is(node, "ProfilePage") and isinstance(node.get("mainEntity"), dict):
                p = node["mainEntity"]
                profile = {
                    "type": "profile",
                    "url": p.get("url") or response.url,
                    "name": p.get("name"),
                    "handle": p.get("alternateName"),
                    "bio": p.get("description"),
                    "followers": _count(p, "FollowAction"),
                }
                break
        if profile is None:
            return
        yield profile
        for href in response.css('article a[rel~="bookmark"]::attr(href)').getall():
            yield response.follow(
                href, callback=self.parse_post, cb_kwargs={"creator": profile["url"]}
            )

    def parse_post(self, response, creator):
        for node in _nodes(response):
            if _type_is(node, "SocialMediaPosting", "DiscussionForumPosting", "BlogPosting"):
                yield {
                    "type": "post",
                    "creator": creator,
                    "url": node.get("url") or response.url,
                    "text": node.get("text") or node.get("articleBody"),
                    "date": node.get("datePublished"),
                    "keywords": node.get("keywords"),
                    "likes": _count(node, "LikeAction"),
                    "shares": _count(node, "ShareAction"),
                    "comments_count": _count(node, "CommentAction"),
                    "comments": list(_comments(node.get("comment"))),
                }

    def closed(self, reason):
        secs = time.monotonic() - (self.started or time.monotonic())
        stats = self.crawler.stats.get_stats()
        pages = stats.get("downloader/response_count", 0)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out = {
            "pages": pages,
            "items": stats.get("item_scraped_count", 0),
            "secs": round(secs, 3),
            "pages_per_s": round(pages / secs) if secs > 0 else None,
            "mb_per_s": round(stats.get("downloader/response_bytes", 0) / 1e6 / secs, 3)
            if secs > 0
            else None,
            "errors": stats.get("log_count/ERROR", 0),
            "cpu_secs": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "scrapy_version": scrapy.__version__,
            "reason": reason,
        }
        with open(self.stats_out, "w", encoding="utf-8") as f:
            json.dump(out, f)
        print(json.dumps(out))
