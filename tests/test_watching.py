"""The preview's file stamps from the kernel's events: always what a full scan finds."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

import sitegen.filecache
import sitegen.watching
from sitegen.filecache import scan
from sitegen.watching import Watcher


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def age(folder: Path) -> None:
    """Date every file an hour back, so that its stamp is known (not None); folders are left
    as they are (a folder's own change makes the watcher scan everything)."""
    hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        if not path.is_dir() or path.is_symlink():
            os.utime(path, (hour_ago, hour_ago), follow_symlinks=False)


def saved_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


STEPS = {
    "an edit": lambda root: write(root / "content/events/a.fi.md", "edited"),
    "a new file": lambda root: write(root / "content/events/b.fi.md", "new"),
    "an editor's atomic save": lambda root: saved_atomically(root / "content/events/a.fi.md", "saved"),
    "a rename": lambda root: (root / "content/events/b.fi.md").rename(root / "content/events/c.fi.md"),
    "a deletion": lambda root: (root / "content/events/c.fi.md").unlink(),
    "a new folder with a file": lambda root: write(root / "content/files/agenda/1.txt", "1"),
    "a file in the new folder": lambda root: write(root / "content/files/agenda/2.txt", "2"),
    "a removed folder": lambda root: shutil.rmtree(root / "content/files/agenda"),
    "a dangling link": lambda root: (root / "content/events/x.fi.md").symlink_to(root / "nowhere.md"),
    "the link's target written": lambda root: write(root / "nowhere.md", "now somewhere"),
    "the whole content folder removed": lambda root: shutil.rmtree(root / "content"),
    "and written again, with a template": lambda root: [write(root / "content/events/a.fi.md", "again"),
                                                        write(root / "templates/base.html", "<b></b>")],
    "a template": lambda root: write(root / "templates/base.html", "<p>new</p>"),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write(tmp_path / "content/events/a.fi.md", "a")
    write(tmp_path / "content/pages/p.fi.md", "p")
    write(tmp_path / "templates/base.html", "<p></p>")
    write(tmp_path / "elsewhere.md", "out of the folders")
    age(tmp_path)
    return tmp_path


@pytest.mark.parametrize("kernel", [True, False], ids=["inotify", "scanning"])
def test_after_each_change_the_stamps_are_those_of_a_full_scan(root, kernel, monkeypatch):
    if not kernel:
        monkeypatch.setattr(sitegen.watching, "_inotify", lambda: (None, None))
    folders = [root / "content", root / "templates"]
    watcher = Watcher(folders)
    assert watcher.stamps() == scan(folders)
    for name, step in STEPS.items():
        step(root)
        assert watcher.stamps() == scan(folders), name
        age(root)
        assert watcher.stamps() == scan(folders), name


def test_an_edit_is_found_without_walking_the_folders(root, monkeypatch):
    folders = [root / "content", root / "templates"]
    watcher = Watcher(folders)
    watcher.stamps()
    walks = []
    real_scan = sitegen.watching.scan
    monkeypatch.setattr(sitegen.watching, "scan", lambda *args: walks.append(1) or real_scan(*args))
    write(root / "content/events/a.fi.md", "edited")
    stamps = watcher.stamps()
    assert walks == [] and stamps == scan(folders)
    write(root / "content/files/agenda/1.txt", "a new folder is walked")
    assert watcher.stamps() == scan(folders) and walks == [1]


def test_each_call_hands_out_a_new_dict_and_leaves_the_last_one_as_it_was(root):
    watcher = Watcher([root / "content"])
    first = watcher.stamps()
    kept = dict(first)
    write(root / "content/events/a.fi.md", "edited")
    second = watcher.stamps()
    assert first == kept and second is not first and second != first


def test_a_new_link_is_stamped_by_its_target_which_no_watch_sees(root):
    watcher = Watcher([root / "content"])
    watcher.stamps()
    (root / "content/pages/link.fi.md").symlink_to(root / "elsewhere.md")
    assert watcher.stamps() == scan([root / "content"])
    write(root / "elsewhere.md", "edited elsewhere, a little longer")
    assert watcher.stamps() == scan([root / "content"])


def test_a_file_written_just_now_is_stamped_again_until_its_stamp_can_tell(root, monkeypatch):
    watcher = Watcher([root / "content"])
    watcher.stamps()
    write(root / "content/events/a.fi.md", "edited")
    assert watcher.stamps()[str(root / "content/events/a.fi.md")] is None
    monkeypatch.setattr(sitegen.filecache, "RACY_NS", 0)   # as if two seconds had passed
    assert watcher.stamps() == scan([root / "content"])
    assert None not in watcher.stamps().values()
