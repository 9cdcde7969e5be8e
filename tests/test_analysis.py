"""The jieba tokenizer: positions, offsets, dictionary validation, threads, cache (J1-J5)."""
from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import jieba
import pytest
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from indexer import analysis, dictionary
from indexer.analysis import Seg, Segmenter, get_segmenter, pack, unpack
from indexer.dictionary import DictEntry, DictionaryError, dictionary_version, parse_dictionary
from indexer.engine.tokenizer import PolicyTokenizer, policy_analyzer
from indexer.presegment import Presegmented, presegment
from indexer.normalize import fold
from paths import ROOT, SEED

SENTENCES = [
    "由市工信局根据本次会议讨论意见按程序发文实施。",
    "原则同意《关于推进制造业智能化改造和数字化转型的若干措施》（以下简称《若干措施》）。",
    "要紧盯交通运输领域“两客一危”重点车辆和重点地区、重点路段的安全检查",
    "提升“962030”预约回收平台服务水平，推动“互联网+资源回收”深入发展",
    "国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知（国办发〔2019〕2号）",
    "ＡＢＣ１２３ 再生資源回收利用體系建設，共制定了 22条措施。",
    "市工信局蔡剑峰  市民宗局周万青  市应急局刘军  傅泉福市应急局",
]


def _whoosh_tokens(text: str, mode: str = "index") -> list[tuple[str, int, int, int]]:
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in PolicyTokenizer()(text, positions=True, chars=True, mode=mode)]


def test_every_token_is_the_folded_source_slice_and_positions_are_sequential():  # J2
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for text in SENTENCES + lines:
        tokens = _whoosh_tokens(text)
        assert tokens, text
        for word, _, start, end in tokens:
            assert word == fold(text[start:end])
            assert any(ch.isalnum() for ch in word)
        positions = [pos for _, pos, _, _ in tokens]
        assert positions == sorted(positions)
        assert sorted(set(positions)) == list(range(len(set(positions))))
        query_tokens = _whoosh_tokens(text, mode="query")
        assert [p for _, p, _, _ in query_tokens] == list(range(len(query_tokens)))


def test_domain_words_and_subwords():
    assert _whoosh_tokens("由市工信局根据") == [("由", 0, 0, 1), ("市工信局", 1, 1, 5), ("根据", 2, 5, 7)]
    assert get_segmenter().words("傅泉福市应急局") == ["傅泉福", "市应急局"]
    assert get_segmenter().words("两客一危重点车辆") == ["两客一危", "重点", "车辆"]
    # sub-words of a long word sit at the parent's position, original spans kept
    tokens = _whoosh_tokens("国务院办公厅关于")
    assert ("国务院办公厅", 0, 0, 6) in tokens
    assert ("国务院", 0, 0, 3) in tokens and ("办公厅", 0, 3, 6) in tokens
    assert ("关于", 1, 6, 8) in tokens
    # query mode: precise words only
    assert _whoosh_tokens("国务院办公厅关于", mode="query") == [("国务院办公厅", 0, 0, 6), ("关于", 1, 6, 8)]


def test_fullwidth_and_traditional_fold_to_the_same_tokens():
    assert get_segmenter().words("ＡＢＣ１２３") == ["abc123"]
    assert get_segmenter().words("再生資源回收") == get_segmenter().words("再生资源回收") == ["再生资源回收"]
    assert _whoosh_tokens("體系")[0] == ("体系", 0, 0, 2)


def _ram_index(analyzer, texts: list[str]):
    ix = RamStorage().create_index(Schema(text=TEXT(analyzer=analyzer, stored=True)))
    with ix.writer() as w:
        for t in texts:
            w.add_document(text=t)
    return ix


@pytest.mark.parametrize("phrase", ["智能化改造和数字化转型", "国务院办公厅", "办公厅关于印发", "改造和数字化"])
def test_quoted_phrases_match_with_our_analyzer(phrase):  # J1
    ix = _ram_index(policy_analyzer(), SENTENCES)
    with ix.searcher() as s:
        q = QueryParser("text", ix.schema).parse(f'"{phrase}"')
        assert len(s.search(q)) == 1


def test_bundled_chinese_analyzer_breaks_the_same_phrases():  # J1 regression anchor
    from jieba.analyse import ChineseAnalyzer

    ix = _ram_index(ChineseAnalyzer(), SENTENCES)
    with ix.searcher() as s:
        for phrase in ("智能化改造和数字化转型", "国务院办公厅"):
            assert len(s.search(QueryParser("text", ix.schema).parse(f'"{phrase}"'))) == 0


def test_dictionary_validation_names_file_and_line(tmp_path: Path):  # J3
    good = tmp_path / "good.txt"
    good.write_text("\ufeff# comment\n\n智能化改造\n两客一危 800 n\n放管服 n\n", encoding="utf-8")
    assert parse_dictionary(good) == [DictEntry("智能化改造"), DictEntry("两客一危", 800, "n"), DictEntry("放管服", None, "n")]

    cases = {
        "国务院办公厅 abc n": 2,  # jieba would load the word "国务院办公厅 abc"
        "全国 人大 5 n": 2,
        "智能制造 x1 n": 2,  # freq not an integer
        "—— 5": 2,  # no letters or digits
    }
    for bad_line, lineno in cases.items():
        path = tmp_path / "bad.txt"
        path.write_text(f"营商环境\n{bad_line}\n", encoding="utf-8")
        with pytest.raises(DictionaryError) as err:
            parse_dictionary(path)
        assert f"{path}:{lineno}:" in str(err.value)

    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("营商环境\n".encode("gbk"))
    with pytest.raises(DictionaryError, match="must be UTF-8"):
        parse_dictionary(gbk)


def test_shipped_policy_terms_are_valid():
    entries = parse_dictionary(dictionary.POLICY_TERMS)
    words = {e.word for e in entries}
    assert len(entries) > 300
    assert {"数字化转型", "智能化改造", "两客一危", "放管服", "营商环境", "带量采购"} <= words


def test_concurrent_first_use_gives_identical_segmentation(monkeypatch):  # J4
    monkeypatch.setattr(analysis, "_segmenter", None)
    results: list[list[list[Seg]]] = []
    errors: list[BaseException] = []

    def work():
        try:
            results.append([get_segmenter().segment(s) for s in SENTENCES])
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 8
    assert all(r == results[0] for r in results)


def test_cache_lives_in_the_project_cache_folder(tmp_path: Path, monkeypatch):  # J5
    monkeypatch.setenv("POLICYSEARCH_CACHE", str(tmp_path / "cache"))
    assert dictionary.cache_dir() == tmp_path / "cache"
    seg = Segmenter(entries=[DictEntry("两客一危")])
    assert seg.cache_file == str(tmp_path / "cache" / "jieba.cache")
    assert (tmp_path / "cache" / "jieba.cache").is_file()
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    assert seg.words("两客一危") == ["两客一危"]


def test_the_prepared_dictionary_is_reused_per_dictionary_version_and_rebuilt_when_unreadable(tmp_path: Path):
    cache = tmp_path / "cache"
    first = Segmenter(entries=[DictEntry("两客一危")], cache=cache)
    prepared = sorted(p.name for p in cache.glob("segmenter-*.pickle"))
    assert prepared == [f"segmenter-{jieba.__version__}-{first.version}.pickle"]
    (cache / "jieba.cache").unlink()  # the prepared table alone is enough
    again = Segmenter(entries=[DictEntry("两客一危")], cache=cache)
    assert not (cache / "jieba.cache").exists()
    assert again.words("两客一危车辆") == first.words("两客一危车辆") == ["两客一危", "车辆"]
    other = Segmenter(entries=[DictEntry("放管服")], cache=cache)  # another dictionary: its own table
    assert other.words("两客一危") != ["两客一危"] and other.words("放管服") == ["放管服"]
    assert len(list(cache.glob("segmenter-*.pickle"))) == 2
    (cache / prepared[0]).write_bytes(b"truncated")
    assert Segmenter(entries=[DictEntry("两客一危")], cache=cache).words("两客一危") == ["两客一危"]


def test_a_foreign_cache_in_the_temp_dir_is_never_read(tmp_path: Path, monkeypatch):  # J5
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    foreign = shared_tmp / "jieba.cache"
    foreign.write_bytes(b"not a marshal file from another user")
    foreign.chmod(0o444)
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    seg = Segmenter(entries=[DictEntry("两客一危")], cache=tmp_path / "own")
    assert seg.words("交通运输领域两客一危重点车辆")[-3:] == ["两客一危", "重点", "车辆"]
    assert (tmp_path / "own" / "jieba.cache").is_file()
    assert foreign.read_bytes() == b"not a marshal file from another user"
    assert sorted(p.name for p in shared_tmp.iterdir()) == ["jieba.cache"]


def test_dictionary_version_tracks_the_words():
    a = dictionary_version([DictEntry("两客一危")])
    assert a == dictionary_version([DictEntry("两客一危")])
    assert a != dictionary_version([DictEntry("两客一危", 10)])
    assert get_segmenter().version == dictionary_version()


def test_presegmented_tokens_are_used_and_equal_serial_output():
    texts = SENTENCES * 60  # enough for the pool path
    table = presegment(texts, processes=2, chunk=50)
    assert set(table) == set(SENTENCES)
    assert all(unpack(table[t]) == get_segmenter().segment(t) for t in SENTENCES)
    assert unpack(pack([])) == []
    value = Presegmented("任意文本", pack([Seg("预算", 0, 0, 2)]))
    assert _whoosh_tokens(value) == [("预算", 0, 0, 2)]
    assert _whoosh_tokens(pickle.loads(pickle.dumps(value))) == [("预算", 0, 0, 2)]  # travels to sub-writers
    assert _whoosh_tokens("任意文本") != [("预算", 0, 0, 2)]


def test_the_web_app_loads_jieba_without_pkg_resources():
    """Importing pkg_resources cost the server's cold start about 0.15 s; jieba opens its
    dictionary files by path without it (``indexer.jiebaimport``)."""
    script = ("import sys, webui; from indexer.jiebaimport import jieba; "
              "jieba._compat.get_module_res('dict.txt').close(); print('pkg_resources' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
