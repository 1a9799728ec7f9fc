"""Calendar revisions from git history: real repositories in tmp_path, with known commit times."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from conftest import options
from sitegen.errors import Diagnostics
from sitegen.filecache import HistoryCache
from sitegen.history import event_revisions, head_state, text_dates
from sitegen.pipeline import check
from sitegen.records import Revision

FALLBACK = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, 0, tzinfo=dt.UTC)


def event(title="Netværksmøde", start="2026-02-06 10:00", summary="Et møde", body="Velkommen.",
          **fields) -> str:
    lines = [f"title: {title}", f"summary: {summary}", f"start: {start}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


class Repo:
    """A throw-away repository whose commits have the times the test gives."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: dt.datetime | None = None, cwd: Path | None = None) -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
        if when:
            env.update(GIT_AUTHOR_DATE=when.isoformat(), GIT_COMMITTER_DATE=when.isoformat())
        done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
                              cwd=cwd or self.root, env=env, capture_output=True, text=True,
                              check=True)
        return done.stdout

    def write(self, path: str, text: str) -> None:
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_text(text, encoding="utf-8")

    def commit(self, when: dt.datetime, **files: str) -> None:
        """Write `files` (keyword `slug__lang` means content/events/slug.lang.md) and commit."""
        for key, text in files.items():
            self.write(path(key), text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"at {when}", when=when)


def path(key: str) -> str:
    slug, lang = key.split("__")
    return f"content/events/{slug}.{lang}.md"


def revisions(root: Path, *keys: str, diagnostics: Diagnostics | None = None):
    files: dict[str, list[str]] = {}
    for key in keys:
        files.setdefault(key.split("__")[0], []).append(path(key))
    return event_revisions(root, files, FALLBACK, diagnostics or Diagnostics())


@pytest.fixture
def repo(tmp_path) -> Repo:
    return Repo(tmp_path / "site")


def test_a_new_event_has_sequence_0_and_the_time_of_its_commit(repo):
    repo.commit(at(1), moede__da=event())
    assert revisions(repo.root, "moede__da") == {"moede": Revision(0, at(1))}


SIGNIFICANT_EDITS = {
    "start": ({}, {"start": "2026-02-13 10:00"}),
    "end": ({}, {"end": "2026-02-06 14:00"}),
    "place": ({"place": "{name: Kirkehuset, city: Aarhus}"}, {"place": "{name: Kirkehuset, city: Odense}"}),
    "online": ({}, {"online": "{service: Microsoft Teams}"}),
    "title": ({}, {"title": "Netværksmøde (flyttet)"}),
    "status": ({}, {"status": "cancelled"}),
    "timezone": ({}, {"timezone": "Europe/Helsinki"}),
    "moved_from": ({}, {"status": "moved", "moved_from": "2026-01-30 10:00"}),
    "repeat cancelled": ({"repeat": "{rule: every month on the first friday}"},
                         {"repeat": "{rule: every month on the first friday, cancelled: [2026-03-06]}"}),
}


@pytest.mark.parametrize("before, after", SIGNIFICANT_EDITS.values(), ids=SIGNIFICANT_EDITS.keys())
def test_a_significant_edit_raises_the_sequence_and_moves_last_modified(repo, before, after):
    repo.commit(at(1), moede__da=event(**before), moede__fi=event(title="Verkostotapaaminen", **before))
    repo.commit(at(2), moede__da=event(**before) + "Mere tekst.\n")
    repo.commit(at(3), moede__da=event(**after))
    assert revisions(repo.root, "moede__da", "moede__fi") == {"moede": Revision(1, at(3))}


def test_every_commit_with_a_significant_change_counts_once(repo):
    repo.commit(at(1), moede__da=event())
    repo.commit(at(2), moede__da=event(start="2026-02-13 10:00"))
    repo.commit(at(3), moede__da=event(start="2026-02-13 10:00", place="Kirkehuset"))
    repo.commit(at(4), moede__da=event(start="2026-02-13 10:00", place="Kirkehuset", status="cancelled"))
    assert revisions(repo.root, "moede__da") == {"moede": Revision(3, at(4))}


def test_a_change_of_the_title_in_one_translation_counts(repo):
    repo.commit(at(1), moede__da=event(), moede__fi=event(title="Tapaaminen"))
    repo.commit(at(2), moede__fi=event(title="Verkostotapaaminen"))
    assert revisions(repo.root, "moede__da", "moede__fi") == {"moede": Revision(1, at(2))}


def test_changing_only_the_body_or_summary_or_the_layout_of_a_field_is_no_change(repo):
    repo.commit(at(1), moede__da=event(place="{name: Kirkehuset, city: Aarhus}"))
    repo.commit(at(2), moede__da=event(place="{name: Kirkehuset, city: Aarhus}", body="Ny tekst."))
    repo.commit(at(3), moede__da=event(place="{name: Kirkehuset, city: Aarhus}", summary="Andet"))
    repo.commit(at(4), moede__da=event(place="{city: Aarhus, name: Kirkehuset}", network="diakoni"))
    assert revisions(repo.root, "moede__da") == {"moede": Revision(0, at(1))}


def test_adding_a_translation_is_a_change_because_a_new_title_becomes_visible(repo):
    repo.commit(at(1), moede__da=event())
    repo.commit(at(2), moede__fi=event(title="Verkostotapaaminen"))
    assert revisions(repo.root, "moede__da", "moede__fi") == {"moede": Revision(1, at(2))}


def test_removing_a_translation_is_a_change_too(repo):
    repo.commit(at(1), moede__da=event(), moede__fi=event(title="Verkostotapaaminen"))
    (repo.root / path("moede__fi")).unlink()
    repo.commit(at(2))
    assert revisions(repo.root, "moede__da") == {"moede": Revision(1, at(2))}


def test_an_uncommitted_significant_edit_counts_once_at_the_fallback_time(repo):
    repo.commit(at(1), moede__da=event())
    repo.commit(at(2), moede__da=event(start="2026-02-13 10:00"))
    repo.write(path("moede__da"), event(start="2026-02-20 10:00"))
    assert revisions(repo.root, "moede__da") == {"moede": Revision(2, FALLBACK)}


def test_an_uncommitted_edit_of_the_body_changes_nothing(repo):
    repo.commit(at(1), moede__da=event())
    repo.write(path("moede__da"), event(body="Ændret, ikke gemt i git."))
    assert revisions(repo.root, "moede__da") == {"moede": Revision(0, at(1))}


def test_an_uncommitted_new_translation_counts_at_the_fallback_time(repo):
    repo.commit(at(1), moede__da=event())
    repo.write(path("moede__fi"), event(title="Verkostotapaaminen"))
    assert revisions(repo.root, "moede__da", "moede__fi") == {"moede": Revision(1, FALLBACK)}


def test_an_event_git_does_not_know_gets_sequence_0_and_the_fallback(repo):
    repo.commit(at(1), moede__da=event())
    repo.write(path("nyt__da"), event())
    assert revisions(repo.root, "moede__da", "nyt__da")["nyt"] == Revision(0, FALLBACK)


def test_a_folder_that_is_not_a_git_repository_gives_sequence_0_and_the_fallback(tmp_path):
    folder = tmp_path / "plain"
    (folder / "content/events").mkdir(parents=True)
    (folder / path("moede__da")).write_text(event(), encoding="utf-8")
    diagnostics = Diagnostics()
    found = revisions(folder, "moede__da", diagnostics=diagnostics)
    assert found == {"moede": Revision(0, FALLBACK)} and diagnostics.items == []


def test_without_git_installed_a_checkout_gets_the_fallback_and_a_warning(repo, monkeypatch):
    repo.commit(at(1), moede__da=event())
    monkeypatch.setenv("PATH", str(repo.root / "no-such-bin"))
    diagnostics = Diagnostics()
    assert revisions(repo.root, "moede__da", diagnostics=diagnostics) == {"moede": Revision(0, FALLBACK)}
    assert [d.message for d in diagnostics.items] == [
        "git: cannot read this checkout's history (git is not installed), so calendar SEQUENCE "
        "numbers cannot be counted"]


def test_a_version_that_does_not_parse_is_skipped(repo):
    repo.commit(at(1), moede__da=event())
    repo.commit(at(2), moede__da=event().replace("start:", "start: [", 1))
    repo.commit(at(3), moede__da=event())
    repo.commit(at(4), moede__da="no front matter\n")
    repo.commit(at(5), moede__da=event(start="2026-02-13 10:00"))
    assert revisions(repo.root, "moede__da") == {"moede": Revision(1, at(5))}


def test_two_events_in_one_repository_are_counted_separately(repo):
    repo.commit(at(1), moede__da=event(), aarsmoede__da=event(title="Årsmødet"))
    repo.commit(at(2), moede__da=event(start="2026-02-13 10:00"))
    repo.commit(at(3), moede__da=event(start="2026-02-20 10:00"), aarsmoede__da=event(title="Årsmøde"))
    repo.commit(at(4), moede__da=event(start="2026-02-27 10:00"))
    assert revisions(repo.root, "moede__da", "aarsmoede__da") == {
        "moede": Revision(3, at(4)), "aarsmoede": Revision(1, at(3))}


def test_a_shallow_clone_gives_one_warning_and_counts_what_history_it_has(repo, tmp_path):
    repo.commit(at(1), moede__da=event(), aarsmoede__da=event(title="Årsmødet"))
    repo.commit(at(2), moede__da=event(start="2026-02-13 10:00"))
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone), cwd=tmp_path)
    diagnostics = Diagnostics()
    found = revisions(clone, "moede__da", "aarsmoede__da", diagnostics=diagnostics)
    assert found == {"moede": Revision(0, at(2)), "aarsmoede": Revision(0, at(2))}
    [warning] = diagnostics.items
    assert (warning.code, warning.severity, str(warning.location)) == (
        "history.shallow", "warning", "content")
    assert "SEQUENCE" in warning.message and "fetch-depth: 0" in warning.hint


def test_a_checkout_git_cannot_read_gives_a_warning_in_gits_words(tmp_path):
    (tmp_path / ".git").write_text("gitdir: /nowhere\n", encoding="utf-8")  # a broken checkout
    diagnostics = Diagnostics()
    assert revisions(tmp_path, "moede__da", diagnostics=diagnostics) == {"moede": Revision(0, FALLBACK)}
    [warning] = diagnostics.items
    assert (warning.code, warning.severity, str(warning.location)) == ("history.unavailable", "warning", ".")
    assert warning.message == ("git: cannot read this checkout's history (fatal: not a git repository: "
                               "/nowhere), so calendar SEQUENCE numbers cannot be counted")


def test_a_full_repository_gives_no_warning(repo):
    repo.commit(at(1), moede__da=event())
    diagnostics = Diagnostics()
    revisions(repo.root, "moede__da", diagnostics=diagnostics)
    assert diagnostics.items == []


def test_a_site_in_a_subfolder_of_the_repository_is_read_relative_to_its_root(tmp_path):
    repo = Repo(tmp_path / "mono")
    repo.write("site/" + path("moede__da"), event())
    repo.commit(at(1))
    repo.write("site/" + path("moede__da"), event(start="2026-02-13 10:00"))
    repo.commit(at(2))
    assert revisions(repo.root / "site", "moede__da") == {"moede": Revision(1, at(2))}


def test_a_merged_branch_counts_once_at_the_time_of_the_merge(repo):
    repo.commit(at(1), moede__da=event())
    repo.git("checkout", "-q", "-b", "edit")
    repo.commit(at(2), moede__da=event(start="2026-02-13 10:00"))
    repo.commit(at(3), moede__da=event(start="2026-02-20 10:00"))
    repo.git("checkout", "-q", "main")
    repo.commit(at(4), aarsmoede__da=event(title="Årsmødet"))
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "edit", when=at(5))
    assert revisions(repo.root, "moede__da", "aarsmoede__da") == {
        "moede": Revision(1, at(5)), "aarsmoede": Revision(0, at(4))}


def test_the_same_repository_and_fallback_give_the_same_result(repo):
    repo.commit(at(1), moede__da=event(), aarsmoede__fi=event(title="Vuosikokous"))
    repo.commit(at(2), moede__da=event(status="cancelled"))
    repo.write(path("aarsmoede__fi"), event(title="Vuosikokous 2026"))
    assert revisions(repo.root, "moede__da", "aarsmoede__fi") == revisions(
        repo.root, "moede__da", "aarsmoede__fi") == {
        "moede": Revision(1, at(2)), "aarsmoede": Revision(1, FALLBACK)}


def test_non_ascii_paths_are_read_unquoted(tmp_path):
    repo = Repo(tmp_path / "så")
    repo.write("indhold/begivenheder/moede.da.md", event())
    repo.commit(at(1))
    repo.write("indhold/begivenheder/moede.da.md", event(start="2026-02-13 10:00"))
    repo.commit(at(2))
    found = event_revisions(repo.root, {"moede": ["indhold/begivenheder/moede.da.md"]}, FALLBACK,
                            Diagnostics())
    assert found == {"moede": Revision(1, at(2))}


def test_a_repository_without_commits_gives_the_fallback(repo):
    repo.write(path("moede__da"), event())
    assert revisions(repo.root, "moede__da") == {"moede": Revision(0, FALLBACK)}


def test_git_runs_three_times_whatever_the_number_of_events_and_commits(repo, monkeypatch):
    for day in range(1, 6):
        repo.commit(at(day), **{f"e{i}__da": event(start=f"2026-02-0{day} 10:00") for i in range(20)})
    started, real = [], subprocess.Popen   # subprocess.run starts its process through Popen too
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a[0]) or real(*a, **k))
    found = revisions(repo.root, *(f"e{i}__da" for i in range(20)))
    assert set(found.values()) == {Revision(4, at(5))} and len(started) == 3



def test_head_is_asked_once_per_load_for_the_revisions_and_the_translations_dates(repo, monkeypatch):
    repo.commit(at(1), e1__da=event())
    started, real = [], subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a[0]) or real(*a, **k))
    cache = HistoryCache()
    for _ in range(2):
        cache.stamps = {}   # the preview scans the files at each load
        assert event_revisions(repo.root, {"e1": [path("e1__da")]}, FALLBACK, Diagnostics(), cache)["e1"] \
            == Revision(0, at(1))
        assert text_dates(repo.root, [path("e1__da")], FALLBACK, cache)[path("e1__da")].written == at(1)
    assert sum("rev-parse" in command for command in started) == 2

# -- translations older than their original ----------------------------------------------

SITE_YAML = ("title: Netværk\nbase_url: https://example.org/\ntimezone: Europe/Copenhagen\n"
             "default_language: da\n"
             "languages:\n  - code: da\n    name: Dansk\n    locale: da_DK\n"
             "  - code: en\n    name: English\n    locale: en_GB\n")


def network(title: str, body: str = "Velkommen.", **fields) -> str:
    lines = [f"title: {title}", *(f"{key}: {value}" for key, value in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def outdated(root: Path) -> list[str]:
    """The `i18n.outdated` warnings `sitegen check` gives for the site at `root`."""
    found = check(options(root))
    return [d.format() for d in found.sorted() if d.code == "i18n.outdated"]


@pytest.fixture
def site_repo(repo) -> Repo:
    repo.write("content/site.yaml", SITE_YAML)
    repo.commit(at(1), **{})
    repo.write("content/networks/kemi.da.md", network("Kemi", organisation="Kemi kommune"))
    repo.commit(at(2))
    repo.write("content/networks/kemi.en.md", network("Kemi", body="Welcome."))
    repo.commit(at(3))
    return repo


def test_a_translation_is_outdated_when_its_original_text_changed_after_it(site_repo):
    site_repo.write("content/networks/kemi.da.md", network("Kemi", body="Nyt program.",
                                                           organisation="Kemi kommune"))
    site_repo.commit(at(4))
    assert outdated(site_repo.root) == [
        "content/networks/kemi.en.md: warning: the original, content/networks/kemi.da.md, changed on "
        "2026-01-04, after this translation last did (2026-01-03) [i18n.outdated]\n"
        "  hint: compare it with the original and update it; any change to its title, summary or body "
        "marks it as current"]


def test_a_translation_changed_after_its_original_is_current(site_repo):
    site_repo.write("content/networks/kemi.da.md", network("Kemi", body="Nyt.", organisation="Kemi kommune"))
    site_repo.commit(at(4))
    site_repo.write("content/networks/kemi.en.md", network("Kemi", body="New."))
    site_repo.commit(at(5))
    assert outdated(site_repo.root) == []


def test_a_change_of_shared_facts_in_the_original_does_not_outdate_translations(site_repo):
    site_repo.write("content/networks/kemi.da.md", network("Kemi", organisation="Kemin kaupunki"))
    site_repo.commit(at(4))
    assert outdated(site_repo.root) == []


def test_an_uncommitted_change_of_the_original_outdates_its_translations(site_repo):
    site_repo.write("content/networks/kemi.da.md", network("Kemi", body="Ikke gemt endnu.",
                                                           organisation="Kemi kommune"))
    [warning] = outdated(site_repo.root)
    assert warning.startswith("content/networks/kemi.en.md: warning: the original, "
                              "content/networks/kemi.da.md, changed on 2026-11-22")  # the build's time


def test_the_original_is_the_text_written_first_whatever_the_language(repo):
    repo.write("content/site.yaml", SITE_YAML)
    repo.write("content/networks/kemi.en.md", network("Kemi", body="Welcome."))
    repo.commit(at(1))
    repo.write("content/networks/kemi.da.md", network("Kemi"))
    repo.commit(at(2))
    repo.write("content/networks/kemi.da.md", network("Kemi", body="Rettet."))   # the translation only
    repo.commit(at(3))
    assert outdated(repo.root) == []
    repo.write("content/networks/kemi.en.md", network("Kemi", body="Changed."))
    repo.commit(at(4))
    assert [w.split(":")[0] for w in outdated(repo.root)] == ["content/networks/kemi.da.md"]


def test_without_git_no_translation_is_called_outdated(tmp_path):
    plain = tmp_path / "plain"
    for relative, text in {"content/site.yaml": SITE_YAML, "content/networks/kemi.da.md": network("Kemi"),
                           "content/networks/kemi.en.md": network("Kemi")}.items():
        (plain / relative).parent.mkdir(parents=True, exist_ok=True)
        (plain / relative).write_text(text, encoding="utf-8")
    assert outdated(plain) == []


def test_deepening_a_shallow_clone_changes_the_state_builds_are_compared_by(repo, tmp_path):
    """Revisions count the history a clone has; HEAD alone does not say how much that is."""
    for day in (1, 2, 3):
        repo.commit(at(day), moede__da=event(start=f"2026-02-{10 + day} 10:00"))
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone), cwd=tmp_path)
    shallow = head_state(clone)
    repo.git("fetch", "-q", "--deepen=2", cwd=clone)
    assert head_state(clone) != shallow
    assert head_state(clone).split(b"\0")[0] == shallow.split(b"\0")[0]   # the same HEAD
    assert head_state(tmp_path / "nowhere") is None


def test_a_checkout_git_cannot_read_gets_the_warning_only_when_there_are_meetings(tmp_path):
    (tmp_path / ".git").write_text("gitdir: /nowhere\n", encoding="utf-8")  # a broken checkout
    files = {"content/site.yaml": SITE_YAML, "content/networks/kemi.da.md": network("Kemi")}
    for relative, text in [*files.items(), (path("moede__da"), event())]:
        if relative.startswith("content/events/"):
            assert [d.code for d in check(options(tmp_path)).items] == []
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    assert [d.code for d in check(options(tmp_path)).items] == ["history.unavailable"]
