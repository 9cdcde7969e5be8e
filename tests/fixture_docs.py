"""A small hand-built corpus of ``Document`` records for index, query and web tests.

Six documents, texts copied from the real sources (the seed minutes, /work/shared/corpus):

* ``suzhou-gov-exec-120``  苏州市政府第120次常务会议纪要 (minutes, 2020-12-07, 14 paragraphs)
* ``gwyhy-f90601466c``     李克强主持召开国务院常务会议（2018-11-02） (minutes, 3 paragraphs)
* ``gov-4d9e4925d2``       国发〔2018〕39号 促进就业工作的若干意见 (policy, 2018-11-16, 4 paragraphs)
* ``gov-fb744a8adc``       国发〔2019〕5号 “双随机、一公开”监管的意见 (policy, 2019-01-27, 3 paragraphs)
* ``law-cf7c1ffb68``       中华人民共和国安全生产法 (other, 2021-06-10, 3 paragraphs)
* ``test-xss``             hostile title/text with ``<script>`` and ``&`` that cites 国发［2018］39号
                           (policy, 2021-03-01, 2 paragraphs)

Built by hand (not by ``structure.parse``) so index and query tests do not depend on the
parser; the field values are what the parser is meant to produce.
"""
from __future__ import annotations

from dataclasses import replace

from indexer.models import Decision, Document, Item, Meeting, Paragraph, Reference

YINGJI = "苏州市应急管理局"
GONGXIN = "苏州市工业和信息化局"
SHICHANG = "苏州市市场监督管理局"
GONGXIAO = "苏州市供销合作总社"

T_SAFETY = "市场监管、安全生产监管"
T_INDUSTRY = "工业、交通"
T_ENV = "城乡建设、环境保护"
T_LABOUR = "劳动、人事、监察"

SEED_TITLE = "苏州市政府第120次常务会议纪要"


def _p(doc_title: str, n: int, text: str, *, page: int | None = None, label: str | None = None,
       item: str | None = None, role: str = "body", departments: tuple[str, ...] = (),
       lead: str | None = None, topics: tuple[str, ...] = ()) -> Paragraph:
    where = " ".join(x for x in (doc_title, label, f"第{page}页" if page else None) if x)
    return Paragraph(f"p{n}", text, page, label, item, role, list(departments), lead, list(topics), where)


def seed_minutes() -> Document:
    t = SEED_TITLE
    paras = [
        _p(t, 1, "2020年12月7日上午，李亚平市长主持召开市政府第120次常务会议，传达全国煤矿安全生产工作紧急视频会议和省会议精神，"
           "听取我市岁末年初安全生产工作汇报，审议《关于推进制造业智能化改造和数字化转型的若干措施》《“苏州制造”品牌认证三年行动方案"
           "（2021～2023年）》《苏州市人民政府中国检验认证（集团）有限公司关于加强检验检测认证领域战略合作协议》"
           "《关于推进苏州市再生资源回收利用体系建设实施意见》。", page=3, role="lead"),
        _p(t, 2, "一、传达全国煤矿安全生产工作紧急视频会议和省会议精神，听取我市岁末年初安全生产工作汇报",
           page=3, label="一", item="一", role="heading", topics=(T_SAFETY,)),
        _p(t, 3, "（一）会议传达学习了全国煤矿安全生产工作紧急视频会议和省会议精神。原则同意市应急局关于我市岁末年初安全生产工作的汇报。",
           page=3, label="一（一）", item="一", role="decision", departments=(YINGJI,), topics=(T_SAFETY,)),
        _p(t, 4, "（三）各地各部门要紧盯重点领域和薄弱环节，强化隐患排查、风险管控。要着力加强对危化品领域重大危险源辨识管控和专项治理，"
           "对关停的化工企业，要保持安全监管不放松，坚决杜绝一关了之；要紧盯交通运输领域“两客一危”重点车辆和重点地区、重点路段的安全检查，"
           "确保人民群众平安出行。", page=3, label="一（三）", item="一", topics=(T_SAFETY,)),
        _p(t, 5, "二、审议《关于推进制造业智能化改造和数字化转型的若干措施》", page=4, label="二", item="二", role="heading",
           topics=(T_INDUSTRY,)),
        _p(t, 6, "（一）原则同意《关于推进制造业智能化改造和数字化转型的若干措施》（以下简称《若干措施》）。"
           "由市工信局根据本次会议讨论意见按程序发文实施。", page=4, label="二（一）", item="二", role="decision",
           departments=(GONGXIN,), lead=GONGXIN, topics=(T_INDUSTRY,)),
        _p(t, 7, "（二）苏州是制造业大市，加快制造业智能化改造和数字化转型，是贯彻落实党的十九届五中全会“推动传统产业高端化、智能化、"
           "绿色化”精神的重要举措，也是我市经济转型升级的迫切需求。", page=4, label="二（二）", item="二", topics=(T_INDUSTRY,)),
        _p(t, 8, "三、审议《“苏州制造”品牌认证三年行动方案（2021～2023年）》", page=4, label="三", item="三", role="heading",
           topics=(T_SAFETY,)),
        _p(t, 9, "（一）原则同意《“苏州制造”品牌认证三年行动方案（2021～2023年）》（以下简称《行动方案》）。由市场监管局根据本次会议"
           "讨论意见作进一步细化完善后，按程序做好下一步工作。", page=4, label="三（一）", item="三", role="decision",
           departments=(SHICHANG,), lead=SHICHANG, topics=(T_SAFETY,)),
        _p(t, 10, "（三）市市场监管局要进一步做好《合作协议》中具体项目落实的准备工作，明确时间节点，加快工作进度，强化部门协同，"
           "全力以赴推进各项合作内容落地。", page=6, label="四（三）", item="四", departments=(SHICHANG,), topics=(T_SAFETY,)),
        _p(t, 11, "五、审议《关于推进苏州市再生资源回收利用体系建设实施意见》", page=6, label="五", item="五", role="heading",
           topics=(T_ENV,)),
        _p(t, 12, "（一）原则同意《关于推进苏州市再生资源回收利用体系建设实施意见》。由市供销社会相关部门根据本次会议讨论意见按程序发文实施。",
           page=6, label="五（一）", item="五", role="decision", departments=(GONGXIAO,), lead=GONGXIAO, topics=(T_ENV,)),
        _p(t, 13, "（三）各地各相关部门要积极探索再生资源回收和垃圾分类处置“两网融合”，推动“互联网+资源回收”深入发展，"
           "提升“962030”预约回收平台服务水平，扩大回收体系的服务范围。", page=6, label="五（三）", item="五", topics=(T_ENV,)),
        _p(t, 14, "会上，还进行了常务会议学法专题。与会人员共同听取了省政务办审批制度改革处朱贤处长所作的《江苏省促进政务服务便利化条例》讲座。",
           page=6),
    ]
    items = [
        Item("一", paras[1].text, "岁末年初安全生产工作", [T_SAFETY], [YINGJI],
             [Decision("（一）", "原则同意", [], None, None, ["p3"])], ["p2", "p3", "p4"]),
        Item("二", paras[4].text, "制造业智能化改造和数字化转型", [T_INDUSTRY], [GONGXIN],
             [Decision("（一）", "原则同意", ["关于推进制造业智能化改造和数字化转型的若干措施"], GONGXIN, "按程序发文实施", ["p6"])],
             ["p5", "p6", "p7"]),
        Item("三", paras[7].text, "“苏州制造”品牌认证", [T_SAFETY], [SHICHANG],
             [Decision("（一）", "原则同意", ["“苏州制造”品牌认证三年行动方案（2021～2023年）"], SHICHANG,
                       "作进一步细化完善后，按程序做好下一步工作", ["p9"])], ["p8", "p9"]),
        Item("四", "四、审议《苏州市人民政府中国检验认证（集团）有限公司关于加强检验检测认证领域战略合作协议》", None, [T_SAFETY],
             [SHICHANG], [], ["p10"]),
        Item("五", paras[10].text, "再生资源回收利用体系建设", [T_ENV], [GONGXIAO],
             [Decision("（一）", "原则同意", ["关于推进苏州市再生资源回收利用体系建设实施意见"], GONGXIAO, "按程序发文实施", ["p12"])],
             ["p11", "p12", "p13"]),
    ]
    return Document(
        doc_id="suzhou-gov-exec-120", kind="minutes", title=SEED_TITLE, date="2020-12-07", issuer="苏州市人民政府",
        source="corpus/suzhou-120th-executive-meeting-2020-12-07.txt", fmt="text", sha1="seed-sha1-v1",
        meeting=Meeting("苏州市人民政府", "常务会议", 120, "2020-12-07", "李亚平"), items=items, paragraphs=paras,
        references=[Reference("关于推进制造业智能化改造和数字化转型的若干措施", "若干措施"),
                    Reference("“苏州制造”品牌认证三年行动方案（2021～2023年）", "行动方案")],
        topics=[T_SAFETY, T_INDUSTRY, T_ENV], departments=[YINGJI, GONGXIN, SHICHANG, GONGXIAO], page_count=6,
        metadata={"整理": "2020-12-21", "印发": "2020-12-23"},
    )


def state_council_minutes() -> Document:
    t = "李克强主持召开国务院常务会议（2018-11-02）"
    paras = [
        _p(t, 1, "国务院总理李克强11月2日主持召开国务院常务会议，确定进一步促进就业的针对性措施；决定延长阶段性降低失业保险缴费费率政策执行期限；"
           "听取国务院第五次大督查情况汇报，激励担当作为狠抓政策见效。", role="lead", topics=(T_LABOUR,)),
        _p(t, 2, "会议指出，今年以来我国就业形势总体稳定，前三季度城镇新增就业完成全年目标。当前国内外形势错综复杂，就业压力仍然较大。"
           "要按照党中央、国务院部署，坚持就业优先，推出更加积极的政策。", topics=(T_LABOUR,)),
        _p(t, 3, "会议强调，经过近几年持续努力，我国营商环境不断改善，在今年世界银行全球营商环境评价中，我国在世界排名从去年第78位跃升至第46位。",
           topics=(T_LABOUR,)),
    ]
    return Document(
        doc_id="gwyhy-f90601466c", kind="minutes", title=t, date="2018-11-02", issuer="国务院常务会议",
        source="minutes-state-council-xwlb.jsonl#L1", fmt="jsonl", sha1="xwlb-20181102",
        source_url="https://tv.cctv.com/2018/11/02/VIDEJAFp0TLsXfBwtm0UTBXj181102.shtml",
        meeting=Meeting("国务院", "常务会议", None, "2018-11-02", "李克强"), paragraphs=paras, topics=[T_LABOUR],
    )


def employment_policy() -> Document:
    t = "国务院关于做好当前和今后一个时期促进就业工作的若干意见"
    paras = [
        _p(t, 1, t, role="title", topics=(T_LABOUR,)),
        _p(t, 2, "就业是最大的民生，也是经济发展的重中之重。当前，我国就业局势保持总体稳定，但经济运行稳中有变，经济下行压力有所加大，"
           "对就业的影响应高度重视。必须把稳就业放在更加突出位置。", role="lead", topics=(T_LABOUR,)),
        _p(t, 3, "（一）加大稳岗支持力度。对不裁员或少裁员的参保企业，可返还其上年度实际缴纳失业保险费的50%。"
           "上述资金由失业保险基金列支。（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）",
           label="一（一）", item="一", topics=(T_LABOUR,)),
        _p(t, 4, "（二）发挥政府性融资担保机构作用支持小微企业。充分发挥国家融资担保基金作用，引导更多金融资源支持创业就业。"
           "（财政部、工业和信息化部、人民银行、银保监会负责）", label="一（二）", item="一", topics=(T_LABOUR,)),
    ]
    return Document(
        doc_id="gov-4d9e4925d2", kind="policy", title=t, date="2018-11-16", issuer="国务院", doc_number="国发〔2018〕39号",
        source="policy-govcn-platform1.jsonl#L31", fmt="jsonl", sha1="gov-39-v1",
        source_url="http://www.gov.cn/zhengce/content/2018-12/05/content_5345808.htm", paragraphs=paras, topics=[T_LABOUR],
        metadata={"topic": "劳动、人事、监察\\劳动就业"},
    )


def inspection_policy() -> Document:
    t = "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"
    paras = [
        _p(t, 1, t, role="title", topics=(T_SAFETY,)),
        _p(t, 2, "在市场监管领域全面推行“双随机、一公开”监管，是党中央、国务院作出的重大决策部署，是市场监管理念和方式的重大创新，"
           "是深化“放管服”改革、加快政府职能转变的内在要求，是减轻企业负担、优化营商环境的有力举措。", role="lead", topics=(T_SAFETY,)),
        _p(t, 3, "到2019年底，市场监管部门完成双随机抽查全流程整合，实现“双随机、一公开”监管全覆盖、常态化。",
           label="二", item="二", topics=(T_SAFETY,)),
    ]
    return Document(
        doc_id="gov-fb744a8adc", kind="policy", title=t, date="2019-01-27", issuer="国务院", doc_number="国发〔2019〕5号",
        source="policy-govcn-platform1.jsonl#L60", fmt="jsonl", sha1="gov-5-v1",
        source_url="http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm", paragraphs=paras, topics=[T_SAFETY],
        metadata={"topic": "市场监管、安全生产监管\\工商"},
    )


def safety_law() -> Document:
    t = "中华人民共和国安全生产法"
    paras = [
        _p(t, 1, "第一条 为了加强安全生产工作，防止和减少生产安全事故，保障人民群众生命和财产安全，促进经济社会持续健康发展，制定本法。",
           label="第一条", item="第一章", role="article", topics=(T_SAFETY,)),
        _p(t, 2, "第三条 安全生产工作坚持中国共产党的领导。安全生产工作应当以人为本，坚持人民至上、生命至上，把保护人民生命安全摆在首位，"
           "树牢安全发展理念，坚持安全第一、预防为主、综合治理的方针，从源头上防范化解重大安全风险。",
           label="第三条", item="第一章", role="article", topics=(T_SAFETY,)),
        _p(t, 3, "第十条 国务院应急管理部门依照本法，对全国安全生产工作实施综合监督管理。", label="第十条", item="第一章",
           role="article", topics=(T_SAFETY,)),
    ]
    return Document(
        doc_id="law-cf7c1ffb68", kind="other", title=t, date="2021-06-10", issuer="全国人民代表大会常务委员会",
        source="other-laws-lawrefbook.jsonl#L1", fmt="jsonl", sha1="law-safety-v1", paragraphs=paras, topics=[T_SAFETY],
    )


def hostile_doc() -> Document:
    t = "关于<script>alert(1)</script>检验 & 检测的通知"
    paras = [
        _p(t, 1, t, role="title", departments=(SHICHANG,)),
        _p(t, 2, "请各单位按照国发［2018］39号文件要求做好检验检测工作，<script>alert(1)</script> 并报送 A&B 情况。",
           departments=(SHICHANG,)),
    ]
    return Document(
        doc_id="test-xss", kind="policy", title=t, date="2021-03-01", issuer="苏州市市场监督管理局", source="tests/fixture",
        fmt="text", sha1="xss-v1", paragraphs=paras, cited_numbers=["国发〔2018〕39号"], departments=[SHICHANG],
    )


def fixture_docs() -> list[Document]:
    """The six documents, fresh objects on every call (tests may mutate them)."""
    return [seed_minutes(), state_council_minutes(), employment_policy(), inspection_policy(), safety_law(), hostile_doc()]


def changed(doc: Document, **fields: object) -> Document:
    """A copy of ``doc`` with new field values and a new sha1 (a re-extracted, edited source)."""
    return replace(doc, sha1=doc.sha1 + "-changed", **fields)
