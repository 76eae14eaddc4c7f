"""The build re-executes notebooks when data or shared code change, and only then."""

from types import SimpleNamespace

from valuekit.book.sphinx_inputs import InputsWatcher, inputs_fingerprint

PATTERNS = ["data/*", "valuekit/*.py"]


def make_book(root):
    (root / "data").mkdir()
    (root / "valuekit").mkdir()
    (root / "data" / "leads.csv").write_text("lead_id\nL1\n")
    (root / "valuekit" / "loader.py").write_text("x = 1\n")
    (root / "notes.txt").write_text("not watched\n")


def fake_app(root):
    cache = root / "_build" / ".jupyter_cache"
    return SimpleNamespace(
        srcdir=str(root),
        config=SimpleNamespace(watched_inputs=PATTERNS),
        env=SimpleNamespace(mystnb_config=SimpleNamespace(execution_cache_path=str(cache)),
                            found_docs={"intro", "part1/tour"}),
    )


def test_fingerprint_follows_watched_files_only(tmp_path):
    make_book(tmp_path)
    original = inputs_fingerprint(tmp_path, PATTERNS)
    (tmp_path / "notes.txt").write_text("changed\n")
    assert inputs_fingerprint(tmp_path, PATTERNS) == original
    (tmp_path / "data" / "leads.csv").write_text("lead_id\nL2\n")
    assert inputs_fingerprint(tmp_path, PATTERNS) != original


def test_fingerprint_sees_renamed_files(tmp_path):
    make_book(tmp_path)
    original = inputs_fingerprint(tmp_path, PATTERNS)
    (tmp_path / "data" / "leads.csv").rename(tmp_path / "data" / "old_leads.csv")
    assert inputs_fingerprint(tmp_path, PATTERNS) != original


def build(watcher, app, failed=False):
    watcher.builder_inited(app)
    outdated = watcher.outdated(app, app.env, set(), set(), set())
    watcher.build_finished(app, RuntimeError("boom") if failed else None)
    return outdated


def test_changed_inputs_empty_the_cache_and_reread_every_page(tmp_path):
    make_book(tmp_path)
    app = fake_app(tmp_path)
    cache = tmp_path / "_build" / ".jupyter_cache"
    cache.mkdir(parents=True)
    (cache / "global.db").write_text("cached outputs")

    assert build(InputsWatcher(), app) == ["intro", "part1/tour"]
    assert not cache.exists()

    cache.mkdir()
    assert build(InputsWatcher(), app) == []
    assert cache.exists()

    (tmp_path / "valuekit" / "loader.py").write_text("x = 2\n")
    assert build(InputsWatcher(), app) == ["intro", "part1/tour"]


def test_failed_build_does_not_record_the_new_fingerprint(tmp_path):
    make_book(tmp_path)
    app = fake_app(tmp_path)
    assert build(InputsWatcher(), app, failed=True) == ["intro", "part1/tour"]
    assert build(InputsWatcher(), app) == ["intro", "part1/tour"]
    assert build(InputsWatcher(), app) == []
