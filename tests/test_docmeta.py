"""Documents described as the sources describe them: titles, kinds and legal metadata."""
from __future__ import annotations

import json
from pathlib import Path

from indexer.models import Extracted, Page
from indexer.structure import parse
from paths import CORPUS


def _load(corpus: Path, name: str, doc_id: str) -> Extracted:
    with open(corpus / name, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if f'"id": "{doc_id}"' in line[:60]:
                meta = json.loads(line)
                text = meta.pop("text")
                return Extracted(f"{name}#L{n}", "jsonl", [Page(1, text)], meta, f"sha-{doc_id}")
    raise AssertionError(f"{doc_id} not in {name}")


def test_title_is_the_source_records_not_a_sentence_quoting_it():
    # the decree's 现公布…《中华人民共和国个人所得税法实施条例》，自…起施行。 is not the title
    doc = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-c71de4e018"))
    assert doc.title == "中华人民共和国个人所得税法实施条例"
    assert [(p.role, p.text) for p in doc.paragraphs[:3]] == [
        ("title", "中华人民共和国个人所得税法实施条例"),
        ("body", "中华人民共和国国务院令"),
        ("body", "第707号"),
    ]
    assert doc.paragraphs[3].text.startswith("现公布修订后的《中华人民共和国个人所得税法实施条例》")


def test_title_stays_as_stated_when_the_number_follows_it_in_print():
    doc = parse(_load(CORPUS, "policy-govcn-platform1.jsonl", "gov-60d766dba8"))
    assert (doc.title, doc.doc_number) == ("国务院办公厅关于科技节水建议的复函", "国办函〔2005〕21号")
