"""Parallel rendering, the cache kept between builds, and builds that find nothing to do.

Every shortcut must give the bytes of the plain build: one process, no cache.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from icalendar import Calendar

import sitegen.buildcache
import sitegen.markup
import sitegen.search
import sitegen.sources
import sitegen.workers
from conftest import PROJECT, build_errors, build_ok, options
from sitegen.buildcache import BuildCache
from sitegen.devserver import Preview
from sitegen.errors import Diagnostics
from sitegen.filecache import LoadCache
from sitegen.markup import Markup
from sitegen.pipeline import build, load_site
from sitegen.render.jobs import JobRenderer
from sitegen.workers import WorkerDied, chunked, map_forked

sys.path.insert(0, str(PROJECT / "bench"))
from generate import generate  # noqa: E402


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def stats_of(folder: Path) -> dict[str, tuple[int, int]]:
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(params=["sample", "generated"])
def project(request, tmp_path) -> Path:
    """The sample content, or a generated site with enough bodies and pages for many slices."""
    root = tmp_path / request.param
    if request.param == "sample":
        shutil.copytree(PROJECT / "content", root / "content")
    else:
        generate(root, networks=8)
    return root


@pytest.fixture
def sample(tmp_path) -> Path:
    """A project holding a copy of the sample content."""
    root = tmp_path / "site"
    shutil.copytree(PROJECT / "content", root / "content")
    return root


def fail(*args, **kwargs):
    raise AssertionError("computed again although the cache holds it")


def test_parallel_and_cached_builds_give_the_bytes_of_the_plain_build(project, monkeypatch):
    build_ok(project, output_dir=project / "plain", workers=1)
    plain = files_of(project / "plain")
    cache = project / ".sitegen-cache"
    build_ok(project, output_dir=project / "parallel", workers=3, cache_dir=cache)
    assert files_of(project / "parallel") == plain
    assert {path.name for path in next(cache.iterdir()).iterdir()} == {"bodies", "sources", "builds"}
    # A build with the cache in place parses no file and converts no body again.
    never_computed(monkeypatch)
    build_ok(project, output_dir=project / "cached", workers=3, cache_dir=cache)
    assert files_of(project / "cached") == plain


def record_forks(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The names of the functions that worker processes are started for, from now on."""
    forked = set()

    class Recorded(sitegen.workers.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            forked.add(sitegen.workers._task.__qualname__)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(sitegen.workers, "ProcessPoolExecutor", Recorded)
    return forked


def never_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitegen.markup.Markup, "_convert", fail)
    monkeypatch.setattr(sitegen.sources, "_parse", fail)


def test_the_preview_starts_from_a_builds_cache_and_lets_go_of_it(project, monkeypatch):
    cache = project / ".sitegen-cache"
    build_ok(project, cache_dir=cache)
    session = Preview(options(project, output_dir=project / "preview", cache_dir=cache, workers=3))
    with monkeypatch.context() as patched:
        never_computed(patched)
        assert session.rebuild().ok
    # The session keeps what it needs itself, not the tables of every parsed file.
    assert session.build.cache.sources is None and session.build.markup.store is None
    # An edit is converted in memory, and the cache is left as the build wrote it.
    shards = {path: path.read_bytes() for path in cache.rglob("*.pickle")}
    news = sorted((project / "content/news").glob("*.md"))[0]
    news.write_text(news.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert session.rebuild().ok
    slug, lang, _ = news.name[len("yyyy-mm-dd-"):].split(".")
    page = project / f"preview/{lang}/news/{slug}/index.html"
    assert "One more line." in page.read_text(encoding="utf-8")
    assert {path: path.read_bytes() for path in cache.rglob("*.pickle")} == shards


def test_a_build_starts_from_the_cache_the_preview_left(project, monkeypatch):
    cache = project / ".sitegen-cache"
    assert Preview(options(project, output_dir=project / "preview", cache_dir=cache, workers=3)).rebuild().ok
    never_computed(monkeypatch)
    build_ok(project, cache_dir=cache, workers=3)


def test_the_previews_first_build_on_many_processes_is_the_one_of_one_process(project, monkeypatch):
    sessions = [Preview(options(project, output_dir=project / f"preview-{workers}", workers=workers))
                for workers in (1, 3)]
    forked = record_forks(monkeypatch)
    for session in sessions:
        assert session.rebuild().ok
    assert {"JobRenderer.share_fragments.<locals>.compute",
            "IncrementalBuild._fill.<locals>.fill_slice"} <= forked
    one, many = sessions
    assert files_of(project / "preview-3") == files_of(project / "preview-1")
    assert many.build.outputs == one.build.outputs   # what each file read, and its digest
    # The fragments the workers made are kept as if made here, with what they read (and the
    # VEVENTs shared beforehand, in every language, whether or not a page shows them).
    kept = [dict(session.build.renderer.memo.since(0, JobRenderer.VALUES)) for session in sessions]
    assert {key[0] for key in kept[0]} >= {"vevent", "link", "link item", "meeting item"}
    assert kept[1].items() >= kept[0].items()
    # So an edit renders the same files again in both sessions, and the fragments the workers
    # made are made again where the edit touched them: the folders stay the same.
    edited = [next(path for path in sorted((project / "content" / kind).glob("*.md"))
                   if kind == "news" or "\nstart: " in path.read_text(encoding="utf-8"))
              for kind in ("news", "events")]
    for path in edited:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
    forked.clear()
    first, second = (session.rebuild() for session in sessions)
    assert not forked   # later rebuilds run in the server's process, whose sockets a fork would share
    assert first.ok and second.ok and len(first.rendered) > 5
    assert first.rendered == second.rendered and first.written == second.written
    assert files_of(project / "preview-3") == files_of(project / "preview-1")
    slug, lang, _ = edited[1].name.split(".")
    calendars = sorted((project / f"preview-3/{lang}/events/{slug}").glob("*.ics"))
    assert calendars
    for ics in calendars:
        [event] = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
        assert str(event["SUMMARY"]).startswith("Edited ")
    assert not (project / ".sitegen-cache").exists()   # none was asked for


def test_a_damaged_cache_is_ignored(project):
    cache = project / ".sitegen-cache"
    build_ok(project, output_dir=project / "first", cache_dir=cache)
    for shard in next(cache.iterdir()).glob("*/*.pickle"):
        shard.write_bytes(b"not a pickle")
    build_ok(project, output_dir=project / "second", cache_dir=cache)
    assert files_of(project / "second") == files_of(project / "first")


def test_a_new_sitegen_starts_an_empty_cache(sample, monkeypatch):
    root = sample
    cache = root / ".sitegen-cache"
    build_ok(root, cache_dir=cache)
    monkeypatch.setattr(sitegen.buildcache, "code_version", lambda: "another")
    build_ok(root, cache_dir=cache, output_dir=root / "again")
    assert [folder.name for folder in cache.iterdir()] == ["another"]


def test_a_build_with_nothing_changed_writes_nothing(project):
    cache = project / ".sitegen-cache"
    first = build_ok(project, cache_dir=cache)
    before = stats_of(project / "output")
    again = build_ok(project, cache_dir=cache)
    assert again.unchanged and not first.unchanged
    assert (again.pages, again.files) == (first.pages, first.files)
    assert stats_of(project / "output") == before


def test_after_an_edit_only_the_changed_files_are_written(sample):
    root = sample
    cache = root / ".sitegen-cache"
    build_ok(root, cache_dir=cache)
    before, old = stats_of(root / "output"), files_of(root / "output")
    news = next((root / "content/news").glob("*.fi.md"))
    news.write_text(news.read_text(encoding="utf-8").replace("title: ", "title: Muutettu ", 1),
                    encoding="utf-8")
    report = build_ok(root, cache_dir=cache)
    after, new = stats_of(root / "output"), files_of(root / "output")
    assert not report.unchanged
    changed = {path for path in new if new[path] != old.get(path) and not path.startswith("pagefind/")}
    assert changed and len(changed) < len(new) / 2
    rewritten = {path for path in after if after[path][0] != before.get(path, (None,))[0]
                 and not path.startswith("pagefind/")}   # the search index is made anew
    assert rewritten == changed | {".sitegen-output"}


def test_a_warning_is_reported_again_when_nothing_changed(make_site):
    root = make_site({"content/people/milla.yaml": "name: Milla\nphone: '+450 3017 7804'\n"})
    cache = root / ".sitegen-cache"
    first = build_ok(root, cache_dir=cache)
    again = build_ok(root, cache_dir=cache)
    assert again.unchanged
    assert [d.format() for d in again.diagnostics.items] == [d.format() for d in first.diagnostics.items]
    assert any("phone" in d.format() for d in again.diagnostics.items)
    assert build_errors(root, cache_dir=cache, strict=True)


def test_without_a_fixed_moment_every_build_builds(sample):
    root = sample
    cache = root / ".sitegen-cache"
    build(options(root, cache_dir=cache, now=None))
    assert not build(options(root, cache_dir=cache, now=None)).unchanged


def test_template_mistakes_are_reported_alike_by_one_process_and_many(tmp_path):
    root = generate(tmp_path / "site", networks=8)
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    event = templates / "event.html"
    broken = event.read_text(encoding="utf-8").replace("{{ text.title }}", "{{ text.title.nothing.here }}", 1)
    event.write_text(broken, encoding="utf-8")
    one = build_errors(root, templates_dir=templates, workers=1)
    many = build_errors(root, templates_dir=templates, workers=3)
    assert one == many and len(one) == 1 and " more)" in one[0]


def test_the_cache_doubles_none_of_the_strings_the_site_holds(project):
    """CPython keeps a UTF-8 copy inside each non-ASCII string it pickles: the cache must not
    pickle the site's own bodies and their HTML, most of a build's memory."""
    edited = sorted((project / "content/news").glob("*.md"))[0]
    for state in ("computed", "read from the cache, with one body edited"):
        if state != "computed":   # the shards of the old and new body are written again
            edited.write_text(edited.read_text(encoding="utf-8") + "\nÆndret.\n", encoding="utf-8")
        cache = BuildCache(project / ".sitegen-cache")
        markup = Markup(cache.table("bodies"))
        site = load_site(options(project), Diagnostics(), markup, LoadCache(sources=cache.table("sources")),
                         workers=2)
        cache.save()
        bodies = [text.body for items in (site.networks, site.events, site.news, site.pages)
                  for item in items.values() for text in item.texts.values()]
        held = bodies + [markup.to_html(body) for body in bodies]
        assert sum(not text.isascii() for text in held) > 10
        fresh = [text.encode().decode() for text in held]   # a new string has no copy inside
        assert list(map(sys.getsizeof, held)) == list(map(sys.getsizeof, fresh))


def test_slices_cover_every_item_in_order_and_are_never_tiny():
    items = list(range(1003))
    slices = chunked(items, workers=3)
    assert [i for piece in slices for i in piece] == items
    assert len(slices) == 12 and min(map(len, slices)) >= 50
    assert chunked(list(range(60)), workers=8) == [list(range(60))]
    assert chunked([], workers=2) == []


def test_forked_results_come_back_in_order():
    assert map_forked(lambda chunk: [os.getpid(), sum(chunk)], [[1, 2], [3], [4, 5]], workers=3)[1][1] == 3
    results = map_forked(sum, [range(10 * i) for i in range(6)], workers=2)
    assert results == [sum(range(10 * i)) for i in range(6)]


def test_problems_found_while_parsing_on_many_processes_are_reported_as_by_one(tmp_path):
    root = generate(tmp_path / "site", networks=8)
    broken = root / "content/events/event-3.da.md"
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    (root / "content/people/person-2.yaml").write_text("name: P\nphone: '+450 3017 7804'\nage: 3\n",
                                                        encoding="utf-8")
    one = build_errors(root, workers=1)
    assert one == build_errors(root, workers=3)
    assert any("event-3.da.md:2" in line for line in one) and any("person-2.yaml" in line for line in one)


def test_an_edit_rewrites_a_few_shards_of_the_cache_not_all(tmp_path):
    root = generate(tmp_path / "site", networks=8)
    cache = root / ".sitegen-cache"
    build_ok(root, cache_dir=cache)
    shards = {path: path.stat().st_ino for path in cache.glob("*/bodies/*.pickle")}
    assert len(shards) > 30
    edit_body = root / "content/news" / sorted(p.name for p in (root / "content/news").iterdir())[0]
    edit_body.write_text(edit_body.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build_ok(root, cache_dir=cache)
    rewritten = [path for path in cache.glob("*/bodies/*.pickle") if shards.get(path) != path.stat().st_ino]
    assert 1 <= len(rewritten) <= 2   # the new body's shard, and the old one's, where it was dropped


def test_an_edit_behind_a_linked_template_folder_is_seen(sample, tmp_path):
    root = sample
    templates = root / "templates"
    shutil.copytree(PROJECT / "templates", templates, ignore=shutil.ignore_patterns("static"))
    shutil.copytree(PROJECT / "templates/static", tmp_path / "assets")
    (templates / "static").symlink_to(tmp_path / "assets")
    cache = root / ".sitegen-cache"
    build_ok(root, templates_dir=templates, cache_dir=cache)
    with open(tmp_path / "assets/calendar.js", "a", encoding="utf-8") as script:
        script.write("// changed\n")
    report = build_ok(root, templates_dir=templates, cache_dir=cache)
    assert not report.unchanged
    assert (root / "output/static/calendar.js").read_text(encoding="utf-8").endswith("// changed\n")


@pytest.mark.parametrize(("name", "value", "kept"), [
    ("subprocess", SimpleNamespace(run=fail), True),   # the same pages: Pagefind must not run
    ("code_version", lambda: "another", False),        # another sitegen: a new index
])
def test_the_search_index_is_kept_for_the_same_pages_from_the_same_sitegen(sample, monkeypatch, name,
                                                                           value, kept):
    build_ok(sample)
    entry = sample / "output/pagefind/pagefind-entry.json"
    before = entry.stat().st_ino
    monkeypatch.setattr(sitegen.search, name, value)
    build_ok(sample)
    assert (entry.stat().st_ino == before) is kept


def test_this_process_works_with_one_worker_fewer_than_asked_for(monkeypatch):
    started = []

    class Counted(sitegen.workers.ProcessPoolExecutor):
        def __init__(self, workers, **kwargs):
            started.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(sitegen.workers, "ProcessPoolExecutor", Counted)
    here, context = os.getpid(), multiprocessing.get_context("fork")
    started_here, started_there = context.Event(), context.Event()

    def where(chunk):   # each waits for the other to take a chunk, so both take part
        ours, theirs = (started_here, started_there) if os.getpid() == here else (started_there, started_here)
        ours.set()
        assert theirs.wait(30)
        return os.getpid()

    pids = map_forked(where, [[number] for number in range(6)], workers=2)
    assert started == [1]
    assert here in pids and len(set(pids)) == 2


def test_a_killed_worker_fails_the_build_instead_of_hanging():
    here, worker_started = os.getpid(), multiprocessing.get_context("fork").Event()

    def die_in_a_worker(chunk):
        if os.getpid() == here:
            assert worker_started.wait(30)
        else:
            worker_started.set()
            os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(WorkerDied):
        map_forked(die_in_a_worker, [[1], [2]], workers=2)
