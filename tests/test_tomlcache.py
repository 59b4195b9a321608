"""The parse cache of the rule files: the same data as Python's TOML parser, whatever state the cache is in."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from reactivity import tomlcache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(tomlcache.CACHE_ENV, str(folder))
    return folder


def _packaged_rule_files() -> list[str]:
    root = resources.files("reactivity")
    found = []
    for sub in ("data", "basicity", "stability", "synthesis", "nitrosamine", "derivatization"):
        found += [f"{sub}/{entry.name}" for entry in root.joinpath(sub).iterdir() if entry.name.endswith(".toml")]
    return sorted(found)


def test_every_packaged_rule_file_reads_back_from_the_cache_as_parsed(cache: Path) -> None:
    names = _packaged_rule_files()
    assert len(names) >= 14
    for name in names:
        text = resources.files("reactivity").joinpath(name).read_text(encoding="utf-8")
        parsed = tomllib.loads(text)
        assert tomlcache.loads(text) == parsed  # first call: parsed and stored
        assert (cache / f"{tomlcache.cache_key(text)}.marshal").is_file()
        again = tomlcache.loads(text)  # second call: read from the cache
        assert again == parsed and again is not parsed
        assert list(again) == list(parsed)  # key order kept (rules are read in file order)


def test_a_cached_text_is_not_parsed_again(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'rules_version = "t1"\n[[rule]]\nid = "a"\nsmarts = "[NX3;H2]"\nweight = 0.5\n'
    tomlcache.loads(text)

    def refuse(_text: str) -> None:
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(tomlcache.tomllib, "loads", refuse)
    assert tomlcache.loads(text) == {"rules_version": "t1", "rule": [{"id": "a", "smarts": "[NX3;H2]", "weight": 0.5}]}


def test_an_edited_text_is_parsed_afresh(cache: Path) -> None:
    assert tomlcache.loads("a = 1\n") == {"a": 1}
    assert tomlcache.loads("a = 2\n") == {"a": 2}
    assert len(list(cache.iterdir())) == 2


def test_a_damaged_cache_file_is_parsed_again_and_replaced(cache: Path) -> None:
    text = "a = [1, 2, 3]\n"
    tomlcache.loads(text)
    path = cache / f"{tomlcache.cache_key(text)}.marshal"
    for damage in (b"", b"\x00garbage", path.read_bytes()[:5], b"\xe9\x01\x00\x00\x00"):  # last: an int, not a dict
        path.write_bytes(damage)
        assert tomlcache.loads(text) == {"a": [1, 2, 3]}
    assert tomlcache._read(path) == {"a": [1, 2, 3]}


def test_an_empty_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(tomlcache.CACHE_ENV, "")
    monkeypatch.chdir(tmp_path)
    assert tomlcache.loads("a = 1\n") == {"a": 1}
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_folder_costs_only_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(tomlcache.CACHE_ENV, str(blocker / "cache"))
    assert tomlcache.loads("a = 1\n") == {"a": 1}
    assert tomlcache.loads("a = 1\n") == {"a": 1}


def test_dates_are_parsed_but_not_cached(cache: Path) -> None:
    text = "when = 2026-12-02\n"
    assert tomlcache.loads(text) == tomllib.loads(text)
    assert not cache.exists() or not list(cache.iterdir())


def test_a_malformed_text_raises_like_the_parser_and_is_not_cached(cache: Path) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        tomlcache.loads("a = [1,\n")
    assert not cache.exists() or not list(cache.iterdir())


def test_no_temporary_file_is_left_behind(cache: Path) -> None:
    for k in range(5):
        tomlcache.loads(f"a = {k}\n")
    assert sorted(p.suffix for p in cache.iterdir()) == [".marshal"] * 5
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(tomlcache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert tomlcache.cache_dir() == tmp_path / "reactivity" / "toml"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert tomlcache.cache_dir() == tmp_path / "home" / ".cache" / "reactivity" / "toml"
    assert os.environ.get(tomlcache.CACHE_ENV) is None


def test_a_cache_file_of_another_user_is_not_trusted(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a = 1\n"
    tomlcache.loads(text)
    path = cache / f"{tomlcache.cache_key(text)}.marshal"
    path.write_bytes(__import__("marshal").dumps({"a": 999}))  # a planted file under the right name
    assert tomlcache.loads(text) == {"a": 999}  # the reader's own file is read as it is
    monkeypatch.setattr(tomlcache.os, "getuid", lambda: os.stat(path).st_uid + 1)
    assert tomlcache.loads(text) == {"a": 1}  # someone else's is ignored and the text parsed
