"""Link checking of a built site: internal links are errors when broken, external ones warnings."""
from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import write_files
from sitegen.errors import Diagnostics
from sitegen.linkcheck import LinkReport, check_links

BASE = "https://example.org/"


def check(tmp_path: Path, files: dict[str, str], base_url: str = BASE, **options) -> list[str]:
    """Write `files` into an output folder, check its links; return the formatted diagnostics."""
    return check_report(tmp_path, files, base_url, **options)[0]


def check_report(tmp_path: Path, files: dict[str, str], base_url: str = BASE,
                 **options) -> tuple[list[str], LinkReport]:
    output = write_files(tmp_path / "output", files)
    diagnostics = Diagnostics()
    report = check_links(output, base_url, tmp_path, diagnostics, **options)
    return [d.format() for d in diagnostics.sorted()], report


def links_page(*urls: str) -> str:
    """A page with one link a line."""
    return "".join(f'<a href="{url}">{number}</a>\n' for number, url in enumerate(urls, 1))


# Internal links --------------------------------------------------------------------------------

def test_a_link_to_a_missing_page_is_an_error_at_its_line(tmp_path):
    files = {"index.html": '<a href="/fi/">Suomi</a>\n<a href="/fi/gone/">Gone</a>\n',
             "fi/index.html": "<p>Hei</p>\n"}
    assert check(tmp_path, files) == [
        "output/index.html:2: error: link: '/fi/gone/' leads to no file in the site [link.dead]",
    ]


def test_a_broken_link_is_reported_once_per_file_at_its_first_use(tmp_path):
    page = '<a href="/gone/">1</a>\n<p>text</p>\n<a href="/gone/">2</a>\n'
    assert check(tmp_path, {"index.html": page, "fi/index.html": page}) == [
        "output/fi/index.html:1: error: link: '/gone/' leads to no file in the site [link.dead]",
        "output/index.html:1: error: link: '/gone/' leads to no file in the site [link.dead]",
    ]


def test_a_fragment_must_name_an_id_or_a_named_anchor_of_the_target_page(tmp_path):
    files = {"index.html": links_page("/fi/x/#part", "/fi/x/#old", "fi/x/#nothing", "/fi/x/#", "/fi/x/#top"),
             "fi/x/index.html": '<h2 id="part">Part</h2>\n<a name="old"></a>\n'}
    assert check(tmp_path, files) == [
        "output/index.html:3: error: link: 'fi/x/#nothing' names no element of output/fi/x/index.html"
        " [link.anchor]",
    ]


def test_a_same_page_fragment_must_name_an_element_of_the_page(tmp_path):
    page = ('<a href="#main">Skip</a>\n<main id="main">\n<a href="#missing">Down</a>\n'
            '<a href="#">Top</a>\n</main>\n')
    assert check(tmp_path, {"fi/x/index.html": page}) == [
        "output/fi/x/index.html:3: error: link: '#missing' names no element of output/fi/x/index.html"
        " [link.anchor]",
    ]


def test_a_fragment_of_a_file_that_is_not_a_page_is_not_looked_up(tmp_path):
    files = {"index.html": '<a href="/files/report.pdf#page=2">Report</a>\n', "files/report.pdf": "%PDF"}
    assert check(tmp_path, files) == []


def test_percent_encoded_paths_and_fragments_are_decoded_and_queries_ignored(tmp_path):
    files = {"index.html": '<a href="/fi/p%C3%A4iv%C3%A4/#yhteisty%C3%B6">1</a>\n'
                           '<a href="/files/a%20b.pdf?download=1">2</a>\n'
                           '<a href="/files/a%20c.pdf">3</a>\n',
             "fi/päivä/index.html": '<h2 id="yhteistyö">Yhteistyö</h2>\n',
             "files/a b.pdf": "%PDF"}
    assert check(tmp_path, files) == [
        "output/index.html:3: error: link: '/files/a%20c.pdf' leads to no file in the site [link.dead]",
    ]


def test_a_path_without_a_trailing_slash_leads_to_the_file_or_the_folders_index(tmp_path):
    files = {"index.html": '<a href="/fi">1</a>\n<a href="/static/style.css">2</a>\n'
                           '<a href="/static">3</a>\n<a href="/static/style.css/">4</a>\n',
             "fi/index.html": "<p>Hei</p>\n", "static/style.css": "body {}\n"}
    assert check(tmp_path, files) == [
        "output/index.html:3: error: link: '/static' leads to no file in the site [link.dead]",
        "output/index.html:4: error: link: '/static/style.css/' leads to no file in the site [link.dead]",
    ]


def test_in_a_sub_path_deploy_site_paths_must_stay_under_it_but_full_addresses_may_leave(tmp_path):
    # https://example.org/ and another port are other sites (the organisation's home page).
    files = {"index.html": '<a href="/verkostot/fi/">1</a>\n<a href="/verkostot">2</a>\n'
                           '<a href="/other/">3</a>\n<a href="https://example.org/">4</a>\n'
                           '<a href="/verkostot/en/">5</a>\n<a href="https://example.org:8443/verkostot/">6</a>\n',
             "fi/index.html": '<a href="../">Home</a>\n<a href="../../">Host</a>\n<a href="x/">X</a>\n'}
    assert check(tmp_path, files, "https://example.org/verkostot/") == [
        "output/fi/index.html:2: error: link: '../../' is outside the site's path /verkostot/"
        " [link.outside]",
        "output/fi/index.html:3: error: link: 'x/' leads to no file in the site [link.dead]",
        "output/index.html:3: error: link: '/other/' is outside the site's path /verkostot/ [link.outside]",
        "output/index.html:5: error: link: '/verkostot/en/' leads to no file in the site [link.dead]",
    ]


def test_every_srcset_candidate_is_checked(tmp_path):
    files = {"index.html": '<img src="/a.png" srcset="/a.png 1x, /b.png 2x" alt="">\n'
                           '<picture><source srcset="/c.webp 480w,/d.webp"></picture>\n',
             "a.png": "", "c.webp": ""}
    assert check(tmp_path, files) == [
        "output/index.html:1: error: link: '/b.png' leads to no file in the site [link.dead]",
        "output/index.html:2: error: link: '/d.webp' leads to no file in the site [link.dead]",
    ]


def test_every_url_attribute_and_social_image_tag_is_checked(tmp_path):
    page = "\n".join([
        '<link rel="stylesheet" href="/1.css">', '<script src="/2.js"></script>',
        '<iframe src="/3/"></iframe>', '<audio src="/4.mp3"></audio>',
        '<video src="/5.mp4" poster="/6.jpg"><track src="/7.vtt"></video>', '<embed src="/8.svg">',
        '<form action="/9/"></form>', '<object data="/10.pdf"></object>',
        '<map><area href="/11/"></map>', '<meta property="og:url" content="https://example.org/12/">',
        '<meta property="og:image" content="/13.png">', '<meta name="twitter:image" content="/14.png">',
        '<meta name="description" content="/not-a-link/">',
    ]) + "\n"
    dead = ["/1.css", "/2.js", "/3/", "/4.mp3", "/5.mp4", "/6.jpg", "/7.vtt", "/8.svg", "/9/", "/10.pdf",
            "/11/", "https://example.org/12/", "/13.png", "/14.png"]
    lines = [1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9, 10, 11, 12]
    assert check(tmp_path, {"index.html": page}) == [
        f"output/index.html:{line}: error: link: '{target}' leads to no file in the site [link.dead]"
        for line, target in sorted(zip(lines, dead, strict=True), key=lambda pair: (pair[0], pair[1]))
    ]


def test_links_to_the_sites_host_are_internal_whatever_the_scheme(tmp_path):
    files = {"index.html": '<a href="webcal://example.org/fi/calendar.ics">1</a>\n'
                           '<a href="webcal://example.org/fi/gone.ics">2</a>\n'
                           '<a href="http://EXAMPLE.org/fi/calendar.ics">3</a>\n'
                           '<a href="//example.org/nope/">4</a>\n'
                           '<a href="webcal://calendar.example.com/x.ics">5</a>\n',
             "fi/calendar.ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}
    assert check(tmp_path, files) == [
        "output/index.html:2: error: link: 'webcal://example.org/fi/gone.ics' leads to no file in the site"
        " [link.dead]",
        "output/index.html:4: error: link: '//example.org/nope/' leads to no file in the site [link.dead]",
    ]


def test_sitemap_locations_and_alternates_are_checked(tmp_path):
    sitemap = """\
<?xml version='1.0' encoding='utf-8'?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url>
    <loc>https://example.org/fi/</loc>
    <xhtml:link rel="alternate" hreflang="da" href="https://example.org/da/" />
  </url>
  <url>
    <loc>
      https://example.org/fi/gone/?a=1&amp;b=2
    </loc>
  </url>
</urlset>
"""
    files = {"sitemap.xml": sitemap, "fi/index.html": ""}
    assert check(tmp_path, files) == [
        "output/sitemap.xml:5: error: link: 'https://example.org/da/' leads to no file in the site"
        " [link.dead]",
        "output/sitemap.xml:8: error: link: 'https://example.org/fi/gone/?a=1&b=2' leads to no file in the"
        " site [link.dead]",
    ]


def test_every_link_of_an_atom_feed_is_checked(tmp_path):
    feed = """\
<?xml version='1.0' encoding='utf-8'?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link rel="self" href="https://example.org/fi/feed.xml" />
  <link rel="alternate" href="https://example.org/fi/news/" />
  <entry><link rel="alternate" href="/fi/news/gone/" /></entry>
  <entry>
    <content type="html">&lt;p&gt;&lt;a href="https://example.org/fi/news/#x"&gt;Uutiset&lt;/a&gt;
    &lt;a href="https://example.org/fi/old/"&gt;Vanha&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
</feed>
"""
    files = {"fi/feed.xml": feed, "fi/news/index.html": '<h2 id="x">X</h2>'}
    assert check(tmp_path, files) == [
        "output/fi/feed.xml:5: error: link: '/fi/news/gone/' leads to no file in the site [link.dead]",
        "output/fi/feed.xml:7: error: link: 'https://example.org/fi/old/' leads to no file in the site"
        " [link.dead]",
    ]


def test_the_sitemap_named_in_robots_txt_is_checked(tmp_path):
    files = {"robots.txt": "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"}
    assert check(tmp_path, files) == [
        "output/robots.txt:4: error: link: 'https://example.org/sitemap.xml' leads to no file in the site"
        " [link.dead]",
    ]


def test_calendar_urls_are_checked_at_the_line_they_start_on(tmp_path):
    calendar = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nURL:https://example.org/fi/events/x/\r\n"
                "DESCRIPTION:see URL:https://example.org/not-a-property/\r\nEND:VEVENT\r\n"
                "BEGIN:VEVENT\r\nURL;VALUE=URI:https://example.org/fi/events/a-long\r\n -name/\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n")
    files = {"fi/calendar.ics": calendar, "fi/events/x/index.html": ""}
    assert check(tmp_path, files) == [
        "output/fi/calendar.ics:7: error: link: 'https://example.org/fi/events/a-long-name/' leads to no file"
        " in the site [link.dead]",
    ]


def test_mail_phone_data_and_script_links_are_skipped(tmp_path):
    page = ('<a href="mailto:a@example.org">1</a>\n<a href="tel:+4512345678">2</a>\n'
            '<img src="data:image/png;base64,AAAA" alt="">\n<a href="javascript:void(0)">4</a>\n'
            '<a href="https://other.example.com/">5</a>\n')
    assert check_report(tmp_path, {"index.html": page}) == ([], LinkReport(files=1, links=0, external=0))


def test_a_link_that_is_not_a_valid_url_is_an_error(tmp_path):
    assert check(tmp_path, {"index.html": links_page("/", "http://[example.org/")}) == [
        "output/index.html:2: error: link: 'http://[example.org/' is not a valid URL [link.invalid]",
    ]


def test_a_malformed_xml_file_is_an_error(tmp_path):
    files = {"sitemap.xml": "<?xml version='1.0'?>\n<urlset>\n<loc>x</urlset>\n"}
    assert check(tmp_path, files) == [
        "output/sitemap.xml:3: error: file: not well-formed XML (mismatched tag) [link.unreadable]",
    ]


def test_the_sample_site_has_no_link_problems(sample_site):
    diagnostics = Diagnostics()
    report = check_links(sample_site, BASE, sample_site.parent, diagnostics)
    assert [d.format() for d in diagnostics.sorted()] == []
    assert report.links > 1000


# External links --------------------------------------------------------------------------------

class Handler(http.server.BaseHTTPRequestHandler):
    """Answers by path: /ok, /missing (404), /moved (to /ok), /moved-away (to /missing),
    /no-head (405 to HEAD, 200 to GET) and /slow (a second late)."""

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def answer(self):
        server: Server = self.server
        path = self.path.partition("?")[0]
        with server.lock:
            server.requests.append((self.command, self.path, self.headers["User-Agent"]))
            server.active += 1
            server.most = max(server.most, server.active)
        try:
            if path == "/slow":
                server.release.wait(10)   # answers only when the test is over
            else:
                time.sleep(0.02)          # long enough for requests to overlap
        finally:  # counted as done before answering: the answer frees the checker's slot
            with server.lock:
                server.active -= 1
        try:
            status = {"/missing": 404, "/moved": 302, "/moved-away": 301}.get(path, 200)
            if path == "/no-head" and self.command == "HEAD":
                status = 405
            self.send_response(status)
            if status in (301, 302):
                self.send_header("Location", "/ok" if path == "/moved" else "/missing")
            self.send_header("Content-Length", "2")
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(b"ok")
        except OSError:  # the checker gave up waiting
            pass

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, str]] = []
        self.active = self.most = 0
        self.release = threading.Event()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("no_proxy", "*")
    httpd = Server()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def closed_port_url() -> str:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{free.getsockname()[1]}/"


def test_failing_external_links_are_warnings_at_their_first_use(tmp_path, server):
    url, closed = server.url, closed_port_url()
    files = {"index.html": links_page(f"{url}/ok", f"{url}/missing", f"{url}/moved", f"{url}/no-head",
                                      f"{url}/slow", f"{url}/moved-away", closed),
             "fi/index.html": links_page("/", f"{url}/missing#part")}
    diagnostics, report = check_report(tmp_path, files, external=True, timeout=0.5)
    assert diagnostics == [
        f"output/fi/index.html:2: warning: link: '{url}/missing' answered 404 Not Found (used in 2 files)"
        " [link.external]",
        f"output/index.html:5: warning: link: '{url}/slow' did not answer within 0.5 s (used in 1 file)"
        " [link.external]",
        f"output/index.html:6: warning: link: '{url}/moved-away' answered 404 Not Found (used in 1 file)"
        " [link.external]",
        f"output/index.html:7: warning: link: '{closed}' could not be reached (Connection refused)"
        " (used in 1 file) [link.external]",
    ]
    assert report == LinkReport(files=2, links=1, external=7)


def test_external_links_are_asked_for_with_head_then_get_when_head_is_refused(tmp_path, server):
    url = server.url
    check(tmp_path, {"index.html": links_page(f"{url}/moved", f"{url}/no-head")}, external=True, workers=1)
    agent = "sitegen-linkcheck"
    assert sorted(server.requests) == [("GET", "/no-head", agent), ("HEAD", "/moved", agent),
                                       ("HEAD", "/no-head", agent), ("HEAD", "/ok", agent)]


def test_no_host_gets_more_than_per_host_requests_at_once(tmp_path, server):
    page = links_page(*(f"{server.url}/ok/{n}" for n in range(12)))
    assert check(tmp_path, {"index.html": page}, external=True, workers=8, per_host=2) == []
    assert len(server.requests) == 12
    assert server.most <= 2


def test_urls_that_differ_only_in_their_query_are_asked_for_once(tmp_path, server):
    page = links_page(*(f"{server.url}/missing?n={n}" for n in range(3)))
    assert check(tmp_path, {"index.html": page, "fi/index.html": page}, external=True) == [
        f"output/fi/index.html:1: warning: link: '{server.url}/missing?n=0' answered 404 Not Found "
        "(used in 2 files) [link.external]"]
    assert len(server.requests) == 1


def test_external_links_left_at_the_deadline_are_one_warning(tmp_path, server):
    page = links_page(f"{server.url}/ok", f"{server.url}/missing", f"{server.url}/slow")
    diagnostics, report = check_report(tmp_path, {"index.html": page}, external=True, deadline=0)
    assert diagnostics == ["warning: link: 3 external link(s) not checked within 0 s [link.unchecked]"]
    assert report.external == 0
    assert server.requests == []


def test_external_links_are_not_asked_for_unless_wanted(tmp_path, server):
    assert check_report(tmp_path, {"index.html": links_page(f"{server.url}/missing")}) == (
        [], LinkReport(files=1, links=0, external=0))
    assert server.requests == []
