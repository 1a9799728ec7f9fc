"""The publishing recipes of docs/publishing.md work on the built sample site.

nginx serves it with docs/nginx.conf, the documented rsync command copies it, and the
Netlify settings (netlify.toml, content/files/_headers) say what the docs say. nginx and
rsync are required: CI installs both, so a missing one fails the tests instead of skipping.
"""
from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT

PUBLISHING = PROJECT / "docs" / "publishing.md"
NGINX_SNIPPET = PROJECT / "docs" / "nginx.conf"
HEADERS = PROJECT / "content" / "files" / "_headers"
DOCUMENTED_DESTINATION = "user@host:/var/www/verkostot/"
CALENDAR = "text/calendar; charset=utf-8"


def required_program(name: str) -> str:
    """The path of `name`, looked up on PATH and in /usr/sbin; fail when it is not installed."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin")
    if found is None:
        pytest.fail(f"{name} is not installed (not on PATH or in /usr/sbin); these tests need it: "
                    f"apt-get install {'nginx-light' if name == 'nginx' else name}", pytrace=False)
    return found


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder`, relative and in POSIX form, with a file's bytes (None for a folder)."""
    return {path.relative_to(folder).as_posix(): None if path.is_dir() else path.read_bytes()
            for path in sorted(folder.rglob("*"))}


def url_paths(folder: Path, suffix: str) -> list[str]:
    """The URL path of every file under `folder` whose name ends with `suffix`."""
    return ["/" + path.relative_to(folder).as_posix() for path in sorted(folder.rglob(f"*{suffix}"))]


def code_blocks(markdown: str, language: str) -> list[str]:
    """The contents of the fenced code blocks of `language` in `markdown`."""
    return re.findall(rf"^```{language}\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)


# nginx --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_config(folder: Path, port: int, root: Path, prefix: str) -> str:
    """A whole nginx configuration serving `root` on 127.0.0.1:`port` with the documented server
    block and snippet for a site at `prefix`, every file nginx writes inside `folder`."""
    # As root, nginx's workers would run as "nobody", who cannot read pytest's private folders.
    user = (f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};"
            if os.geteuid() == 0 else "")
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""\
{user}
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"};
events {{
    worker_connections 64;
}}
http {{
    access_log off;
{temp}
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        error_page 404 {prefix}404.html;
        include {NGINX_SNIPPET};
    }}
}}
"""


def wait_until_listening(process: subprocess.Popen, port: int, logs: list[Path]) -> None:
    """Return once `port` accepts connections; fail with nginx's logs if it exits or never does."""
    for _ in range(200):
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.05)
    output = "".join(log.read_text(encoding="utf-8", errors="replace") for log in logs if log.exists())
    pytest.fail(f"nginx did not start listening on port {port}:\n{output}", pytrace=False)


@pytest.fixture(scope="module", params=["/", "/verkostot/"])
def nginx(request, sample_site, tmp_path_factory):
    """The sample site served by nginx with docs/nginx.conf at the root of the host or under a
    path (the folder above it as nginx's root); its base URL."""
    program = required_program("nginx")
    folder = tmp_path_factory.mktemp("nginx")
    prefix, root = request.param, sample_site
    if prefix != "/":
        root = folder / "www"
        (root / prefix.strip("/")).parent.mkdir(parents=True)
        (root / prefix.strip("/")).symlink_to(sample_site, target_is_directory=True)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(nginx_config(folder, port, root, prefix), encoding="utf-8")
    log, stderr = folder / "error.log", folder / "stderr.log"
    with stderr.open("wb") as output:  # -e (nginx 1.19.5+): no attempt at the system's error log
        process = subprocess.Popen([program, "-p", f"{folder}/", "-e", str(log), "-c", str(config)],
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(process, port, [stderr, log])
        yield f"http://127.0.0.1:{port}{prefix.rstrip('/')}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url: str) -> tuple[int, str, bytes]:
    """Status, Content-Type and body of a GET of `url`, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], error.read()


def test_nginx_serves_a_calendar_feed_as_utf8_text_calendar_with_its_bytes(nginx, sample_site):
    feed = sample_site / "fi" / "calendar.ics"
    assert feed.is_file()
    assert get(f"{nginx}/fi/calendar.ics") == (200, CALENDAR, feed.read_bytes())


def test_nginx_serves_a_meetings_add_to_calendar_file_as_utf8_text_calendar(nginx, sample_site):
    path = next(path for path in url_paths(sample_site, ".ics") if "/events/" in path)
    status, content_type, _ = get(nginx + path)
    assert (status, content_type) == (200, CALENDAR)


def test_nginx_serves_a_language_front_page_as_utf8_html(nginx, sample_site):
    assert get(f"{nginx}/fi/") == (200, "text/html; charset=utf-8",
                                   (sample_site / "fi" / "index.html").read_bytes())


def test_nginx_answers_a_missing_path_with_404_and_the_sites_404_page(nginx, sample_site):
    assert get(f"{nginx}/fi/no-such-page/") == (404, "text/html; charset=utf-8",
                                                (sample_site / "404.html").read_bytes())


def test_the_nginx_snippet_shown_in_the_docs_is_docs_nginx_conf_without_its_comments():
    directives = [line for line in NGINX_SNIPPET.read_text(encoding="utf-8").splitlines()
                  if not line.lstrip().startswith("#")]
    shown = code_blocks(PUBLISHING.read_text(encoding="utf-8"), "nginx")
    assert shown == ["\n".join(directives).strip("\n") + "\n"]


# rsync --------------------------------------------------------------------------------------

def documented_rsync(destination: Path) -> list[str]:
    """The rsync command of docs/publishing.md, uploading to `destination` instead of the server."""
    lines = [line for block in code_blocks(PUBLISHING.read_text(encoding="utf-8"), "sh")
             for line in block.splitlines() if line.startswith("rsync ")]
    assert len(lines) == 1, f"docs/publishing.md should show one rsync command, not {lines}"
    words = shlex.split(lines[0], comments=True)
    assert words[-2:] == ["output/", DOCUMENTED_DESTINATION]
    return [required_program("rsync"), *words[1:-1], f"{destination}/"]


def test_the_documented_rsync_command_copies_the_built_site_exactly(sample_site, tmp_path):
    destination = tmp_path / "www"
    subprocess.run(documented_rsync(destination), cwd=sample_site.parent, check=True)
    assert tree(destination) == tree(sample_site)


def test_the_documented_rsync_command_removes_files_no_longer_in_the_site(sample_site, tmp_path):
    shutil.copytree(sample_site, tmp_path / "output")
    destination = tmp_path / "www"
    command = documented_rsync(destination)
    subprocess.run(command, cwd=tmp_path, check=True)
    (tmp_path / "output" / "fi" / "calendar.ics").unlink()
    subprocess.run(command, cwd=tmp_path, check=True)
    assert not (destination / "fi" / "calendar.ics").exists()
    assert tree(destination) == tree(tmp_path / "output")


# Netlify ------------------------------------------------------------------------------------

def netlify() -> dict:
    with (PROJECT / "netlify.toml").open("rb") as file:
        return tomllib.load(file)


def test_netlify_publishes_the_output_folder():
    assert netlify()["build"]["publish"] == "output"


def test_netlify_builds_every_context_with_make_site_for_the_deploys_own_address():
    settings = netlify()
    commands = {"build": settings["build"]["command"],
                **{name: context["command"] for name, context in settings["context"].items()}}
    assert commands == {"build": "SITEGEN_BASE_URL=$URL make site",
                        "production": "SITEGEN_BASE_URL=$URL make site",
                        "deploy-preview": "SITEGEN_BASE_URL=$DEPLOY_PRIME_URL make site",
                        "branch-deploy": "SITEGEN_BASE_URL=$DEPLOY_PRIME_URL make site"}


def test_netlify_builds_with_python_3_11():
    assert netlify()["build"]["environment"] == {"PYTHON_VERSION": "3.11"}


def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rules of a Netlify/Cloudflare `_headers` file: (path pattern, [(name, value)])."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("/"):
            rules.append((line.strip(), []))
        else:
            assert line[:1].isspace() and rules, f"_headers line {number}: a header before any path"
            name, colon, value = line.strip().partition(":")
            assert colon and name, f"_headers line {number}: not 'Name: value'"
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(rules, path: str) -> list[tuple[str, str]]:
    """The headers every rule matching the URL `path` adds; `*` matches anything, "/" included."""
    return [header for pattern, headers in rules
            if re.fullmatch(".*".join(map(re.escape, pattern.split("*"))), path)
            for header in headers]


def content_types(rules, path: str) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers_for(rules, path) if name.lower() == "content-type"]


@pytest.fixture(scope="module")
def header_rules():
    return parse_headers(HEADERS.read_text(encoding="utf-8"))


def test_headers_give_every_calendar_file_exactly_one_utf8_text_calendar_type(header_rules, sample_site):
    paths = url_paths(sample_site, ".ics")
    assert "/fi/calendar.ics" in paths
    assert {path: content_types(header_rules, path) for path in paths} == {
        path: [("Content-Type", CALENDAR)] for path in paths}


def test_headers_leave_the_type_of_every_html_page_to_the_host(header_rules, sample_site):
    pages = url_paths(sample_site, ".html")
    addresses = pages + [page.removesuffix("index.html") for page in pages if page.endswith("/index.html")]
    assert "/fi/" in addresses
    assert [path for path in addresses if content_types(header_rules, path)] == []


def test_headers_forbid_content_type_sniffing_for_every_file(header_rules, sample_site):
    paths = ["/" + path for path, data in tree(sample_site).items() if data is not None]
    assert [path for path in paths
            if ("X-Content-Type-Options", "nosniff") not in headers_for(header_rules, path)] == []


def test_the_headers_file_is_copied_to_the_root_of_the_built_site(sample_site):
    copied = sample_site / "_headers"
    assert copied.is_file(), "content/files/_headers is not in the built site's root folder"
    assert copied.read_bytes() == HEADERS.read_bytes()
