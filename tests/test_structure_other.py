"""State Council summaries, policy documents, laws and the generic fallback, from real JSON lines."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.articles import article_of
from indexer.citation import gbt7714
from indexer.models import Extracted, Page
from indexer.references import find_references
from indexer.pipeline import read_document as parse
from indexer.structure.common import month_day_date
from indexer.structure.law import adoption_records
from indexer.structure.state_council import agenda_topics


def _load(corpus, name: str, doc_id: str) -> Extracted:
    with open(corpus / name, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if f'"id": "{doc_id}"' in line[:60]:
                meta = json.loads(line)
                text = meta.pop("text")
                return Extracted(f"{corpus / name}#L{n}", "jsonl", [Page(1, text)], meta, f"sha-{doc_id}")
    raise AssertionError(f"{doc_id} not in {name}")


def test_policy_title_block_number_addressees_sections(shared_corpus):
    doc = parse(_load(shared_corpus, "policy-govcn-platform1.jsonl", "gov-9b116a37e8"))
    assert (doc.doc_id, doc.kind, doc.issuer, doc.doc_number, doc.date) == (
        "gov-9b116a37e8", "policy", "国务院", "国发〔1981〕88号", "1981-05-23")
    assert doc.title == "国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知"
    # the two title lines (国务院关于…奖售粮 / 几 个 问 题 的 通 知) became one title paragraph
    assert [(p.para_id, p.role, p.text) for p in doc.paragraphs[:2]] == [
        ("p1", "title", "国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知"),
        ("p2", "body", "各省、市、自治区人民政府，国务院有关部委、直属机构："),
    ]
    assert doc.metadata["addressees"] == "各省、市、自治区人民政府，国务院有关部委、直属机构"
    assert doc.metadata["issued"] == "1981-05-23"  # 一九八一年五月二十三日 under the signature
    assert doc.metadata["topic"] == "农业、林业、水利\\农业、畜牧业、渔业"
    assert doc.topics == ["农业、林业、水利"]
    assert [(i.label, i.heading) for i in doc.items] == [
        ("一", "一、关于棉粮挂钩的奖售基数问题"), ("二", "二、关于棉粮、糖粮挂钩奖售粮的供应价格和经营费用负担问题")]
    assert doc.paragraphs[3].citation == "国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知 一"
    assert all(p.page is None for p in doc.paragraphs) and doc.page_count is None
    assert gbt7714(doc, doc.paragraphs[3]) == (
        "国务院. 国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知: 国发〔1981〕88号（一）[Z]. 1981-05-23. "
        "http://www.gov.cn/zhengce/content/2018-12/04/content_5345639.htm.")


def test_policy_sub_labels_and_cited_numbers(shared_corpus):
    doc = parse(_load(shared_corpus, "policy-govcn-platform1.jsonl", "gov-1d4d201aa2"))
    assert doc.doc_number == "国办发〔1996〕32号"
    assert doc.cited_numbers == ["中发〔1994〕8号", "国办发〔1993〕71号"]
    refs = {r.title: r.doc_number for r in doc.references}
    assert refs["国务院办公厅转发国家教委等部门关于进一步加强教育援藏工作请示的通知"] == "国办发〔1993〕71号"
    labels = [p.label for p in doc.paragraphs if p.label]
    assert labels[:4] == ["一", "一（一）", "一（二）", "二"]
    assert doc.topics == ["科技、教育"]


def test_state_council_summary(shared_corpus):
    doc = parse(_load(shared_corpus, "minutes-state-council-xwlb.jsonl", "gwyhy-861581914b"))
    m = doc.meeting
    assert (doc.kind, m.body, m.name, m.number, m.date, m.chair) == ("report", "国务院", "常务会议", None, "2020-04-14", "李克强")
    assert doc.metadata["agenda"] == [
        "要求落实落细今年以来出台的支持企业政策措施，助力企业渡难关",
        "部署采取有力有效举措促进高校毕业生就业",
        "确定加大城镇老旧小区改造力度，推动惠民生扩内需",
        "决定延续西部大开发企业所得税优惠政策",
    ]
    assert [(i.label, i.decisions[0].action) for i in doc.items] == [("一", "指出"), ("二", "指出"), ("三", "指出"), ("四", "决定")]
    assert doc.items[3].heading == "为深入推进西部大开发，会议决定，对今年到期的对设在西部地区的国家鼓励类产业企业减按15%征收企业所得税政策，延长实施期限"
    assert doc.paragraphs[0].role == "lead"
    assert doc.paragraphs[-1].text == "会议还研究了其他事项。" and doc.paragraphs[-1].item is None
    assert doc.paragraphs[4].citation == "李克强主持召开国务院常务会议（2020-04-14） 四"


def test_state_council_chair_with_day_only(shared_corpus):
    doc = parse(_load(shared_corpus, "minutes-state-council-xwlb.jsonl", "gwyhy-d9f046685d"))
    assert (doc.meeting.chair, doc.meeting.date) == ("温家宝", "2012-07-04")
    assert doc.metadata["agenda"] == ["部署2011年度中央预算执行等审计查出问题整改工作", "听取全国社会保障资金审计情况汇报"]
    assert [i.decisions[0].action for i in doc.items] == ["指出", "听取", "指出", "强调"]
    assert doc.paragraphs[1].item is None  # 最近，审计署…: background before the first 会议指出
    assert "社会保险费征缴暂行条例" in [r.title for r in doc.references]


def test_state_council_paragraphs_follow_their_item(shared_corpus):
    doc = parse(_load(shared_corpus, "minutes-state-council-xwlb.jsonl", "gwyhy-abe746faae"))
    assert [(p.role, p.item) for p in doc.paragraphs[4:11]] == [
        ("decision", "一")] + [("body", "一")] * 5 + [("decision", "一")]
    listed = doc.paragraphs[5]
    assert listed.text.startswith("（一）完善稳定房价工作责任制。")
    assert listed.citation == "温家宝主持召开国务院常务会议（2013-02-20） 一"
    # the headline above the part opens the item; each 会议X paragraph under it is a decision
    (item,) = doc.items
    assert item.heading == "研究部署继续做好房地产市场调控工作"
    assert [d.action for d in item.decisions] == ["指出", "指出", "确定", "要求"]
    assert item.para_ids == [f"p{n}" for n in range(2, 12)]
    assert listed.topics == item.topics == ["城乡建设、环境保护", "财政、金融、审计"]  # the item's, not the document's


def test_state_council_headlines_credits_and_speeches(shared_corpus):
    doc = parse(_load(shared_corpus, "minutes-state-council-xwlb.jsonl", "gwyhy-fb07900fc2"))
    assert [(i.heading, [d.action for d in i.decisions]) for i in doc.items] == [
        ("决定扩大营业税改征增值税试点范围", ["决定"]),
        ("研究部署进一步实施促进中部地区崛起战略", ["通过", "确定", "要求"]),
        ("加强和改进最低生活保障工作", ["部署"]),  # 会议对…进行了部署
    ]
    assert doc.items[1].decisions[0].subjects == ["关于大力实施促进中部地区崛起战略的若干意见"]
    assert doc.metadata["credits"] == ["视频编辑：谢佳欣 文字编辑：刘禛"]
    assert (doc.paragraphs[-1].text, doc.paragraphs[-1].item) == ("会议还研究了其他事项。", None)
    purpose = parse(_load(shared_corpus, "minutes-state-council-xwlb.jsonl", "gwyhy-8b673fc3f5"))
    # 根据国务院第一次全体会议关于促进教育公平的部署和要求，会议决定，…: the long purpose is left out
    assert purpose.items[2].heading == "会议决定，提高重点高校招收农村学生比例，让更多勤奋好学的农村孩子看到更多的希望"
    plenary = parse(_load(shared_corpus, "minutes-state-council-xwlb.jsonl", "gwyhy-16e25d4a58"))
    (speech,) = plenary.items
    assert (speech.heading, speech.decisions[0].action) == ("温家宝在会上作了讲话", "讲话")
    assert plenary.paragraphs[2].text.startswith("温家宝在讲话中") and plenary.paragraphs[2].item == "一"


def test_every_state_council_paragraph_after_the_first_item_has_one(shared_corpus):
    from indexer.extract import extract_path

    extracted, problems = extract_path(shared_corpus / "minutes-state-council-xwlb.jsonl")
    assert problems == [] and len(extracted) == 503
    orphans, headings = [], []
    for doc in map(parse, extracted):
        assert doc.items, doc.doc_id
        first = doc.paragraphs.index(next(p for p in doc.paragraphs if p.item))
        orphans += [p.text for p in doc.paragraphs[first:] if p.item is None]
        headings += [i.heading for i in doc.items]
    assert set(orphans) == {"会议还研究了其他事项。"}  # the closing line belongs to no item
    # what the meeting did: 会议X, a short 为… clause before it, the premier's speech, or a headline
    assert [h for h in headings if not ("会议" in h or h.startswith(("李克强", "温家宝")) or len(h) <= 40)] == []
    assert max(len(h) for h in headings) == 61  # first sentence, cut at 60 characters plus …


def test_law_articles_chapters_and_adoption(shared_corpus):
    doc = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-69a4c154d0"))
    assert (doc.kind, doc.title, doc.issuer, doc.date) == ("other", "上海口岸服务条例", "上海市人民代表大会常务委员会", "2020-05-14")
    assert doc.metadata["adopted"] == [
        {"body": "上海市第十三届人民代表大会常务委员会", "number": 30, "date": "2011-11-17"}]
    assert doc.paragraphs[1].text == "2011年11月17日 上海市第十三届人民代表大会常务委员会第三十次会议通过"
    assert [(i.label, i.heading) for i in doc.items[:2]] == [("第一章", "第一章 总则"), ("第二章", "第二章 口岸开放")]
    first = next(p for p in doc.paragraphs if p.role == "article")
    assert (first.label, first.item, first.text[:8]) == ("第一条", "第一章", "第一条 为了规范")
    fifth = [p for p in doc.paragraphs if article_of(p.label) == "第五条"]
    # the article's later paragraphs are its 款, cited by number
    assert [(p.role, p.label) for p in fifth] == [("article", "第五条"), ("body", "第五条第二款"), ("body", "第五条第三款")]
    assert [p.citation for p in fifth] == ["上海口岸服务条例 第五条", "上海口岸服务条例 第五条第二款", "上海口岸服务条例 第五条第三款"]


def test_state_council_adoption_record():
    text = "2004年10月13日 国务院第66次常务会议通过\n1988年5月18日 国务院第五次常务会议通过"
    assert adoption_records(text) == [
        {"body": "国务院", "number": 66, "date": "2004-10-13"},
        {"body": "国务院", "number": 5, "date": "1988-05-18"},
    ]


def test_state_council_revisions_and_promulgation(shared_corpus):
    pesticides = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-06471d4bf7"))
    # 2017年2月8日 国务院第164次常务会议修订通过 / 2017年3月16日 中华人民共和国国务院令第677号公布
    assert pesticides.metadata["adopted"] == [
        {"body": "国务院", "number": 164, "date": "2017-02-08", "revision": True, "promulgated": "2017-03-16"}]
    assert pesticides.metadata["promulgated"] == "2017-03-16"
    assert pesticides.doc_number == "国务院令第216号"  # stated metadata wins over the text
    devices = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-ce728b4033"))
    assert devices.metadata["adopted"] == [
        {"body": "国务院", "number": 39, "date": "2014-02-12", "revision": True},
        {"body": "国务院", "number": 119, "date": "2020-12-21", "revision": True},
    ]
    assert devices.metadata["promulgated"] == "2000-01-04"  # 国务院令第276号公布, the only one stated
    names = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-252d134d50"))
    assert names.metadata["adopted"] == [{"body": "国务院", "number": 118, "date": "2020-12-14", "revision": True}]
    assert names.metadata["promulgated"] == "1991-05-06"  # 国家工商行政管理局令第7号发布


def test_order_number_read_from_text_when_meta_has_none(shared_corpus):
    extracted = _load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-06471d4bf7")
    extracted.meta["doc_number"] = None
    assert parse(extracted).doc_number == "国务院令第677号"  # the latest order, not 1997's 第216号
    soldiers = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-ebf8a40919"))
    # 国务院第120次常务会议、2010年3月29日中央军事委员会常务会议修订: the State Council meeting is read
    assert soldiers.metadata["adopted"] == [
        {"body": "国务院", "number": 120, "date": "2010-07-21", "revision": True, "promulgated": "2010-07-26"}]
    assert soldiers.doc_number is None  # a joint 国务院、中央军事委员会令 is not cut to one organ


def test_day_count_runs_to_the_adopted_version_promulgation(shared_corpus):
    from indexer.lifecycle import LinkIndex
    from indexer.models import Document, Meeting

    reg = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-1b61773bb6"))
    # 2013年7月3日 国务院第15次常务会议通过 / 2013年7月12日 国务院令第637号公布; the record's date is 07-21
    assert reg.metadata["adopted"] == [{"body": "国务院", "number": 15, "date": "2013-07-03", "promulgated": "2013-07-12"}]
    assert (reg.date, reg.doc_number) == ("2013-07-21", "国务院令第637号")
    meeting = Document(doc_id="sc-2013-07-03", kind="minutes", title="国务院常务会议（2013-07-03）", date="2013-07-03",
                       meeting=Meeting(body="国务院", name="常务会议", date="2013-07-03"))
    (link,) = LinkIndex.from_documents([reg, meeting]).links_for(reg.doc_id)
    assert (link["other_id"], link["issued_date"], link["days"]) == ("sc-2013-07-03", "2013-07-12", 9)


def test_joint_and_amending_adoptions(shared_corpus):
    joint = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-db9557cd06"))
    assert joint.metadata["adopted"] == [
        {"body": "最高人民法院审判委员会", "number": 1878, "date": "2023-01-03"},
        {"body": "最高人民检察院第十三届检察委员会", "number": 114, "date": "2023-03-02"},
    ]
    company = parse(_load(shared_corpus, "other-laws-lawrefbook.jsonl", "law-2dbfe2d0c1"))
    assert [(a["number"], a["date"], a.get("revision", False)) for a in company.metadata["adopted"]] == [
        (5, "1993-12-29", False), (18, "2005-10-27", True), (7, "2023-12-29", True)]
    assert adoption_records("2001年5月18日 北京市第十一届人民代表大会常务委员会第二十六次会议通过的《北京市专业技术人员继续教育规定修正案》修正") == [
        {"body": "北京市第十一届人民代表大会常务委员会", "number": 26, "date": "2001-05-18", "revision": True}]
    assert adoption_records("一九八四年一月二十日国务院第二十一次常务会议讨论，通过了国家计量局《请示报告》") == []


def test_generic_pdf_text_report(shared_corpus):
    doc = parse(_load(shared_corpus, "other-pdftext-kirogovcompare.jsonl", "pdf-8e73ad4858"))
    assert (doc.kind, doc.title) == ("other", "洪泽区人民政府2023年政府信息公开工作年度报告")
    assert doc.paragraphs[0].role == "title"
    assert [i.label for i in doc.items][:3] == ["一", "二", "三"]
    assert doc.items[0].heading == "一、总体情况"
    assert doc.page_count == 5
    lead = doc.paragraphs[1]
    assert lead.text.startswith("本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）")
    assert lead.page == 1
    assert gbt7714(doc, lead).startswith("淮安市洪泽区人民政府. 洪泽区人民政府2023年政府信息公开工作年度报告[R]. 2024-02-26: 1.")


def test_agenda_and_references_helpers():
    assert agenda_topics("国务院总理李强1月5日主持召开国务院常务会议，研究促进消费的政策措施；审议通过《某条例（草案）》。") == [
        "研究促进消费的政策措施", "审议通过《某条例（草案）》"]
    refs = find_references("审议《关于推进\n制造业的若干措施》（以下简称《若干措施》）。《若干措施》共22条。")
    assert [(r.title, r.short_name) for r in refs] == [("关于推进制造业的若干措施", "若干措施")]


@pytest.mark.parametrize("text, expected", [("国务院总理李强3月1日主持召开国务院常务会议，部署工作。", "李强")])
def test_parse_picks_state_council_without_kind(text, expected):
    doc = parse(Extracted("x.txt", "text", [Page(1, text)], {"issuer": "国务院常务会议", "kind": "minutes"}, "abc"))
    assert doc.meeting.chair == expected and doc.doc_id == "doc-abc"


def test_generic_real_pdf(shared_corpus):
    from indexer.extract import extract_path

    extracted, problems = extract_path(shared_corpus / "pdf" / "hongze-2024-zfxxgk-annual-report.pdf")
    assert problems == []
    doc = parse(extracted[0])
    # the PDF's own title (政府信息公开工作年度报告) sits inside the printed two-line title
    assert doc.title == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    assert doc.page_count == 5
    assert doc.items[0].heading == "一、总体情况"
    first = doc.paragraphs[1]
    assert first.text.startswith("本报告由淮安市洪泽区人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）")
    assert first.page == 1
    assert [p.label for p in doc.paragraphs if p.item == "一" and p.label][:3] == ["一", "一（一）", "一（二）"]


def test_html_page_generic(tmp_path):
    from indexer.extract import extract_path

    page = tmp_path / "notice.html"
    page.write_text(
        '<html><head><meta charset="utf-8"><title>关于做好检验检测工作的通知</title></head><body>'
        "<p>发布时间：2021-03-01 来源：苏州市人民政府</p><p>各市、区人民政府：</p><p>一、总体要求</p>"
        "<p>（一）由市工信局会同市场监管局负责，按照国发［2018］39号文件执行。</p></body></html>",
        encoding="utf-8",
    )
    extracted, problems = extract_path(page)
    assert problems == []
    doc = parse(extracted[0])
    assert (doc.kind, doc.title, doc.date, doc.issuer) == ("other", "关于做好检验检测工作的通知", "2021-03-01", "苏州市人民政府")
    assert doc.doc_id.startswith("doc-") and len(doc.doc_id) == 16
    last = doc.paragraphs[-1]
    assert (last.label, last.item, last.page) == ("一（一）", "一", None)
    # the paragraph's own mentions, then its issuer (苏州市人民政府 issued the page)
    assert last.departments == ["苏州市工业和信息化局", "苏州市市场监督管理局", "苏州市人民政府"]
    assert doc.cited_numbers == ["国发〔2018〕39号"]
    assert doc.metadata["addressees"] == "各市、区人民政府"


def _html(name: str):
    from indexer.extract import extract_path

    extracted, problems = extract_path(Path(__file__).parent / "data" / "html" / name)
    assert problems == []
    return parse(extracted[0])


def test_html_policy_uses_stated_facts_not_the_page_line():
    doc = _html("govcn-policy-utf8.html")
    # 成文日期 2019-03-29 is the document's date; 发布日期 2019-04-16 is only the page's
    assert (doc.kind, doc.date, doc.metadata["published"]) == ("policy", "2019-03-29", "2019-04-16")
    assert (doc.doc_number, doc.issuer) == ("国办发〔2019〕5号", "国务院办公厅")
    notice = _html("undeclared-gbk.html")
    assert [p.text[:8] for p in notice.paragraphs] == ["关于做好冬季安全", "各区人民政府，市", "当前已进入冬季，", "一、压紧压实安全", "二、深入开展隐患"]
    assert (notice.kind, notice.date) == ("other", "2020-12-08")  # 发文日期：2020年12月8日 left the body


def test_html_page_facts_line_dropped(tmp_path):
    from indexer.extract import extract_path

    page = tmp_path / "notice.html"
    page.write_text(
        '<html><head><meta charset="utf-8"><title>关于开展检查的通知</title></head><body><div id="zoom">'
        "<p>发布时间：2021-03-01 来源：苏州市人民政府 浏览次数：12</p><p>各市、区人民政府：</p>"
        "<p>现将有关事项通知如下。</p><p>来源：苏州市人民政府</p></div></body></html>", encoding="utf-8")
    doc = parse(extract_path(page)[0][0])
    assert [p.text for p in doc.paragraphs] == ["关于开展检查的通知", "各市、区人民政府：", "现将有关事项通知如下。"]
    assert (doc.date, doc.issuer, doc.metadata["published"]) == ("2021-03-01", "苏州市人民政府", "2021-03-01")


def test_html_news_of_a_municipal_meeting_dates_it_from_the_page():
    doc = _html("suzhou-gb2312-declared.html")
    # 12月7日上午，李亚平市长主持召开市政府第120次常务会议: the year comes from 发布时间 2020-12-07
    assert (doc.kind, doc.date, doc.meeting.number, doc.meeting.chair) == ("minutes", "2020-12-07", 120, "李亚平")
    assert doc.doc_id.startswith("doc-")  # a news page, not the minutes: suzhou-gov-exec-120 stays theirs
    assert month_day_date("1月3日", "2021-01-05") == "2021-01-03"
    assert month_day_date("12月30日", "2021-01-05") == "2020-12-30"  # a meeting cannot follow its report


def _summary(text: str, issuer: str = "国务院常务会议") -> Extracted:
    return Extracted("x.jsonl#L1", "jsonl", [Page(1, text)], {"kind": "minutes", "issuer": issuer, "date": "2013-03-23"}, "s")


def test_state_council_variants():
    plenary = parse(_summary("国务院总理温家宝23日主持召开国务院第八次全体会议，讨论即将提请审议的政府工作报告。", "国务院全体会议"))
    assert (plenary.meeting.name, plenary.meeting.number, plenary.meeting.chair) == ("全体会议", 8, "温家宝")
    today = parse(_summary("国务院总理温家宝今天主持召开国务院常务会议，研究部署土壤环境保护和综合治理工作。"))
    assert (today.meeting.chair, today.metadata["agenda"]) == ("温家宝", ["研究部署土壤环境保护和综合治理工作"])
    headlines = parse(_summary("国务院总理李克强主持召开国务院常务会议\n确定进一步简政放权措施促进创业就业\n"
                               "部署石化产业科学布局和安全环保集约发展\n会议指出，要推进简政放权。"))
    assert headlines.metadata["agenda"] == ["确定进一步简政放权措施促进创业就业", "部署石化产业科学布局和安全环保集约发展"]
    assert [i.heading for i in headlines.items] == ["会议指出，要推进简政放权"]
