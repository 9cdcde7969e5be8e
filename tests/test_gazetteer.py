"""Departments gazetteer: data validity, canonical names, and matching in running text."""
from __future__ import annotations

import re
import time

import pytest

from indexer.gazetteer import DATA_FILE, Gazetteer, GazetteerDataError, Mention, get_gazetteer, load_file, parse_rows
from paths import SEED


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


def _seed_attendance() -> str:
    """The 列席 block of the seed minutes with PDF line breaks joined."""
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index("列席：") : text.index("记录：")]
    return re.sub(r"\s*\n\s*", "", block)


SEED_ATTENDING = {
    "市纪委监委": "中共苏州市纪律检查委员会、苏州市监察委员会",
    "市中级法院": "苏州市中级人民法院",
    "市委组织部": "中共苏州市委组织部",
    "市委宣传部": "中共苏州市委宣传部",
    "市委统战部": "中共苏州市委统一战线工作部",
    "市委政法委": "中共苏州市委政法委员会",
    "市委网信办": "中共苏州市委网络安全和信息化委员会办公室",
    "市委编办": "中共苏州市委机构编制委员会办公室",
    "市委台办": "中共苏州市委台湾工作办公室",
    "市委机要保密局": "中共苏州市委机要保密局",
    "市发改委": "苏州市发展和改革委员会",
    "市教育局": "苏州市教育局",
    "市科技局": "苏州市科学技术局",
    "市工信局": "苏州市工业和信息化局",
    "市民宗局": "苏州市民族宗教事务局",
    "市公安局": "苏州市公安局",
    "市民政局": "苏州市民政局",
    "市司法局": "苏州市司法局",
    "市财政局": "苏州市财政局",
    "市人社局": "苏州市人力资源和社会保障局",
    "市资源规划局": "苏州市自然资源和规划局",
    "市生态环境局": "苏州市生态环境局",
    "市住建局": "苏州市住房和城乡建设局",
    "市城管局": "苏州市城市管理局",
    "市交通局": "苏州市交通运输局",
    "市水务局": "苏州市水务局",
    "市农业农村局": "苏州市农业农村局",
    "市商务局": "苏州市商务局",
    "市文广旅局": "苏州市文化广电和旅游局",
    "市卫生健康委": "苏州市卫生健康委员会",
    "市退役军人局": "苏州市退役军人事务局",
    "市应急局": "苏州市应急管理局",
    "市审计局": "苏州市审计局",
    "市外办": "苏州市人民政府外事办公室",
    "市国资委": "苏州市人民政府国有资产监督管理委员会",
    "市政府研究室": "苏州市人民政府研究室",
    "市行政审批局": "苏州市行政审批局",
    "市市场监管局": "苏州市市场监督管理局",
    "市体育局": "苏州市体育局",
    "市统计局": "苏州市统计局",
    "市医保局": "苏州市医疗保障局",
    "市信访局": "苏州市信访局",
    "市粮食和储备局": "苏州市粮食和物资储备局",
    "市人防办": "苏州市人民防空办公室",
    "市金融监管局": "苏州市地方金融监督管理局",
    "市机关事务局": "苏州市机关事务管理局",
    "市总工会": "苏州市总工会",
    "团市委": "共青团苏州市委员会",
    "市供销总社": "苏州市供销合作总社",
    "市公积金中心": "苏州市住房公积金管理中心",
    "苏州创元集团": "苏州创元投资发展（集团）有限公司",
    "苏州城投公司": "苏州城市建设投资发展（集团）有限公司",
    "苏州轨道交通集团": "苏州市轨道交通集团有限公司",
    "市税务局": "国家税务总局苏州市税务局",
    "市国家安全局": "苏州市国家安全局",
    "苏州海关": "中华人民共和国苏州海关",
    "苏州供电公司": "国网江苏省电力有限公司苏州供电分公司",
    "电信苏州分公司": "中国电信股份有限公司苏州分公司",
    "移动苏州分公司": "中国移动通信集团江苏有限公司苏州分公司",
    "联通苏州分公司": "中国联合网络通信有限公司苏州市分公司",
    "市邮政管理局": "苏州市邮政管理局",
    "市气象局": "苏州市气象局",
    "市烟草专卖局": "苏州市烟草专卖局",
    "人行苏州中支": "中国人民银行苏州市中心支行",
    "苏州银保监分局": "中国银行保险监督管理委员会苏州监管分局",
    "常熟市": "常熟市人民政府",
    "太仓市": "太仓市人民政府",
    "昆山市": "昆山市人民政府",
    "吴江区": "苏州市吴江区人民政府",
    "吴中区": "苏州市吴中区人民政府",
    "相城区": "苏州市相城区人民政府",
    "姑苏区": "苏州市姑苏区人民政府",
    "苏州工业园区": "苏州工业园区管理委员会",
    "苏州高新区": "苏州高新技术产业开发区管理委员会",
    "苏州军分区": "江苏省苏州军分区",
    "武警苏州支队": "中国人民武装警察部队江苏省总队苏州支队",
    "市消防救援支队": "苏州市消防救援支队",
    "市检察院": "苏州市人民检察院",
    "市园林绿化局": "苏州市园林和绿化管理局",
    "市工商联": "苏州市工商业联合会",
    "张家港市": "张家港市人民政府",
}


def test_every_body_in_the_seed_attendance_list_is_found(gaz: Gazetteer) -> None:
    found = [(m.surface, m.canonical) for m in gaz.find(_seed_attendance())]
    assert found == list(SEED_ATTENDING.items())


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("市工信局", "苏州市工业和信息化局"),
        ("苏州市工信局", "苏州市工业和信息化局"),
        ("苏州市工业和信息化局", "苏州市工业和信息化局"),
        ("市工业和信息化局", "苏州市工业和信息化局"),
        ("市场监管局", "苏州市市场监督管理局"),
        ("市市场监管局", "苏州市市场监督管理局"),
        ("苏州市市场监管局", "苏州市市场监督管理局"),
        ("市供销社", "苏州市供销合作总社"),
        ("市供销总社", "苏州市供销合作总社"),
        ("市应急局", "苏州市应急管理局"),
        ("省政务办", "江苏省政务服务管理办公室"),
        ("中检集团", "中国检验认证（集团）有限公司"),
        ("中国检验认证(集团)有限公司", "中国检验认证（集团）有限公司"),
        ("市政府", "苏州市人民政府"),
        ("苏州市政府", "苏州市人民政府"),
        ("苏州市人民政府办公室", "苏州市人民政府办公室"),
        ("国家发展改革委", "国家发展和改革委员会"),
        ("发展改革委", "国家发展和改革委员会"),
        ("工信部", "中华人民共和国工业和信息化部"),
        ("人社部", "中华人民共和国人力资源和社会保障部"),
        ("住建部", "中华人民共和国住房和城乡建设部"),
        ("卫健委", "中华人民共和国国家卫生健康委员会"),
        ("央行", "中国人民银行"),
        ("市场监管总局", "国家市场监督管理总局"),
        ("国务院国资委", "国务院国有资产监督管理委员会"),
        ("证监会", "中国证券监督管理委员会"),
        ("国家医保局", "国家医疗保障局"),
        (" 國務院辦公廳 ", "国务院办公厅"),
        ("卫生部", "卫生部"),
        ("国家质检总局", "国家质量监督检验检疫总局"),
    ],
)
def test_canonical_accepts_full_names_aliases_and_city_prefix(gaz: Gazetteer, name: str, canonical: str) -> None:
    assert gaz.canonical(name) == canonical


@pytest.mark.parametrize("name", ["", "工信局", "海关", "市场", "不存在的部门"])
def test_canonical_of_unknown_names_is_none(gaz: Gazetteer, name: str) -> None:
    assert gaz.canonical(name) is None


def test_renamed_bodies_carry_their_years(gaz: Gazetteer) -> None:
    old = gaz.department("国家质量监督检验检疫总局")
    new = gaz.department("国家市场监督管理总局")
    assert (old.level, old.since, old.until) == ("national", 2001, 2018)
    assert (new.level, new.since, new.until) == ("national", 2018, None)
    assert gaz.department("苏州市教育局").level == "municipal"


def test_aliases_of(gaz: Gazetteer) -> None:
    assert gaz.aliases_of("苏州市市场监督管理局") == ["市场监管局", "市市场监管局"]
    assert gaz.aliases_of("国家发展和改革委员会") == ["发展改革委", "发改委", "国家发展改革委", "国家发改委"]
    assert gaz.aliases_of("没有这个部门") == []


def test_find_body_text_forms(gaz: Gazetteer) -> None:
    text = "由市场监管局根据本次会议讨论意见作进一步完善。市市场监管局要做好准备。加强与中检集团的战略合作。"
    assert gaz.find(text) == [
        Mention(1, 6, "市场监管局", "苏州市市场监督管理局"),
        Mention(23, 29, "市市场监管局", "苏州市市场监督管理局"),
        Mention(38, 42, "中检集团", "中国检验认证（集团）有限公司"),
    ]


def test_find_prefers_the_longest_name(gaz: Gazetteer) -> None:
    assert [(m.surface, m.canonical) for m in gaz.find("苏州市市场监管局和苏州市人民政府办公室")] == [
        ("苏州市市场监管局", "苏州市市场监督管理局"),
        ("苏州市人民政府办公室", "苏州市人民政府办公室"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "城市场监管局",  # 城市 + 场
        "各地公安部门要加强巡查",  # generic "police departments", not 公安部
        "贯彻国家品牌建设部署要求",  # 部署, not 建设部
        "省发展改革委、县卫健委",  # another government's commission
        "省、自治区、直辖市人民政府",  # generic city in a law
        "设区的市人民政府",
        "行人走人行道",
    ],
)
def test_no_mentions_inside_ordinary_words(gaz: Gazetteer, text: str) -> None:
    assert gaz.find(text) == []


def test_bare_short_aliases_are_found(gaz: Gazetteer) -> None:
    assert [m.canonical for m in gaz.find("央行发布数据，证监会和工信部联合发文")] == [
        "中国人民银行",
        "中国证券监督管理委员会",
        "中华人民共和国工业和信息化部",
    ]


def test_non_local_text_ignores_city_relative_forms(gaz: Gazetteer) -> None:
    text = "本办法由市人民政府负责解释，报国务院和苏州市人民政府备案。工业园区管委会。"
    assert [m.surface for m in gaz.find(text, local=True)] == ["市人民政府", "国务院", "苏州市人民政府", "工业园区"]
    assert [m.surface for m in gaz.find(text, local=False)] == ["国务院", "苏州市人民政府"]


def test_every_required_state_council_body_is_present(gaz: Gazetteer) -> None:
    required = """国务院办公厅 外交部 国防部 国家发展和改革委员会 教育部 科技部 工业和信息化部 国家民族事务委员会
    公安部 国家安全部 民政部 司法部 财政部 人力资源和社会保障部 自然资源部 生态环境部 住房和城乡建设部 交通运输部
    水利部 农业农村部 商务部 文化和旅游部 国家卫生健康委员会 退役军人事务部 应急管理部 中国人民银行 审计署
    国务院国有资产监督管理委员会 海关总署 国家税务总局 国家市场监督管理总局 国家金融监督管理总局
    中国证券监督管理委员会 国家广播电视总局 国家体育总局 国家统计局 国家国际发展合作署 国家医疗保障局 国务院参事室
    国家机关事务管理局 国家发展计划委员会 国家经济贸易委员会 劳动和社会保障部 人事部 卫生部 国家计划生育委员会
    农业部 国土资源部 环境保护部 国家工商行政管理总局 国家质量监督检验检疫总局 国家食品药品监督管理总局 文化部
    国家旅游局 监察部 国家安全生产监督管理总局 中国银行业监督管理委员会 中国保险监督管理委员会""".split()
    missing = [name for name in required if gaz.canonical(name) is None]
    assert missing == []
    assert {gaz.department(gaz.canonical(n)).level for n in required} == {"national"}


def test_shipped_data_is_valid() -> None:
    departments = load_file(DATA_FILE)
    assert len(departments) == len({d.name for d in departments}) >= 200


def test_a_broken_file_is_reported_with_its_path_and_line(tmp_path) -> None:
    path = tmp_path / "departments.tsv"
    path.write_text("# header\n苏州市教育局\t市教育局\t\tmunicipal\n苏州市财政局\t市财政局\t\tcounty\n", encoding="utf-8")
    with pytest.raises(GazetteerDataError) as err:
        load_file(path)
    assert str(err.value) == f"{path}:3: level 'county' is not one of municipal, national, other"


@pytest.mark.parametrize(
    "row, message",
    [
        ("苏州市教育局\t市教育局\t\tcity", "t.tsv:2: level 'city' is not one of municipal, national, other"),
        ("苏州市教育局\t\t\tmunicipal", "t.tsv:2: name and short name are required"),
        ("苏州市教育局\t市教育局", "t.tsv:2: expected 4-6 tab-separated columns"),
        ("苏州市教育局\t市教育局\t\tmunicipal\t2020\t2019", "t.tsv:2: since 2020 is after until 2019"),
        ("苏州市教育局\t市教育局\t\tmunicipal\t20x0", "t.tsv:2: since '20x0' is not a 4-digit year"),
        ("苏州市科学技术局\t市工信局\t\tmunicipal", "t.tsv:2: '市工信局' already names '苏州市工业和信息化局' (t.tsv:1)"),
    ],
)
def test_validator_rejects_malformed_rows_with_file_and_line(row: str, message: str) -> None:
    text = "苏州市工业和信息化局\t市工信局\t\tmunicipal\n" + row + "\n"
    with pytest.raises(GazetteerDataError) as err:
        parse_rows(text, source="t.tsv")
    assert str(err.value).startswith(message)


def test_find_is_linear_on_a_megabyte(gaz: Gazetteer) -> None:
    """Abuse guard, not a benchmark: 1 MB of text without names must not hang the matcher."""
    text = "市" * 500_000 + "苏州" * 250_000
    started = time.perf_counter()
    assert gaz.find(text) == []
    assert time.perf_counter() - started < 1.0
