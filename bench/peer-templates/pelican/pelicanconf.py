"""Pelican settings for the bench: articles only, no feeds, indexes, archives or theme assets."""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
THEME_STATIC_PATHS = []
STATIC_PATHS = []
PAGE_PATHS = []
TIMEZONE = "Europe/Helsinki"
DEFAULT_LANG = "da"
DEFAULT_DATE = (2026, 1, 1)
ARTICLE_TRANSLATION_ID = None  # each language is its own article, listed in its own category
CATEGORY_REGEX_SUBSTITUTIONS = []  # keep "da/networks" as the category's slug (its folder)
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
ARTICLE_LANG_URL = ARTICLE_URL  # the language is in the category already
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = []
PAGINATED_TEMPLATES = {}
DEFAULT_PAGINATION = False
TAG_SAVE_AS = TAGS_SAVE_AS = AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
MARKDOWN = {"extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.meta": {}},
            "output_format": "html5"}
