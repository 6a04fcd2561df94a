"""Reading published pages (issue 16): each rule on real text.

Every snippet below is real published text — lines of the pages in ../shared/realdev and
tests/fixtures/real, with their chrome, label blocks, glosses and scraping damage — cut to
what the rule needs. The expected values are the truth labels of those pages.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from policytrack.ingest import ingest
from policytrack.ingest.clean import clean
from policytrack.model import Document

REAL = Path(__file__).parent / "fixtures" / "real" / "texts"


def read(text: str) -> Document:
    return ingest(text.encode("utf-8"), "page.txt").document


def real(prefix: str) -> Document:
    path = next(REAL.glob(f"{prefix}_*.txt"))
    return ingest(path.read_bytes(), path.name).document


def supersedes(d: Document) -> list[str]:
    return [r.doc_number or r.title or "" for r in d.related("supersedes")]


# --- doc numbers in every printed form -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # 公告 form with pinyin glosses inside and a date after it (realdev 007)
        (
            "國(guó)家稅務(wù)總局安徽省稅務(wù)局關(guān)于發(fā)布《安徽省稅收票證管理實(shí)施辦法》的公告\n"
            "國(guó)家稅務(wù)總局安徽省稅務(wù)局公告2018年第10號(hào) 2018-6-15\n"
            "現(xiàn)發(fā)布《安徽省稅收票證管理實(shí)施辦法》,自發(fā)布之日起施行。\n特此公告。\n",
            "国家税务总局安徽省税务局公告2018年第10号",
        ),
        # 令 heading broken over two lines, Traditional (realdev 067)
        (
            "中華人民共和國生態(tài)環(huán)境部令\n第17號\n"
            "《生態(tài)環(huán)境標準管理辦法》已于2020年11月5日由生態(tài)環(huán)境部部務(wù)會議審議通過,"
            "現(xiàn)予公布,自2021年2月1日起施行。\n部長黃潤秋\n2020年12月15日\n生態(tài)環(huán)境標準管理辦法\n",
            "生态环境部令第17号",
        ),
        # joint issuers in a 公告 number, with an enumeration comma, under the title
        (
            "财政部、税务总局关于支持新型冠状病毒感染的肺炎疫情防控有关税收政策的公告\n"
            "（财政部、税务总局公告2020年第8号）\n为进一步做好新型冠状病毒感染的肺炎疫情防控工作，"
            "支持相关企业发展，现就有关税收政策公告如下：\n",
            "财政部、税务总局公告2020年第8号",
        ),
        # a journal abstract: marker and text glued to the number, square brackets (realdev 088)
        (
            "论文部分内容阅读\n<正>京政发[2015]17号为有效降低机动车污染物排放,持续改善首都空气质量,"
            "市政府决定自2015年4月11日至2016年4月10日,继续实施工作日高峰时段区域限行交通管理措施。\n",
            "京政发〔2015〕17号",
        ),
        # spaces inside the number, in a labelled line
        (
            "关于进一步实施小微企业“六税两费”减免政策的公告\n发文字号: 财政部 税务总局公告2022年第 10 号\n"
            "为进一步支持小微企业发展，现将有关税费政策公告如下：\n",
            "财政部 税务总局公告2022年第10号",
        ),
        # a law database's promulgation note: the number without 第 (fixture 029)
        (
            "济南市文化娱乐市场管理规定\n山东省济南市人民政府\n济南市文化娱乐市场管理规定\n"
            "（1991年3月26日济南市人民政府令19号发布）\n第一条 为加强本市文化娱乐市场管理，制定本规定。\n",
            "济南市人民政府令第19号",
        ),
        # an announcement numbered in Chinese numerals under its heading (fixture 028)
        (
            "深圳市人民代表大会常务委员会公告\n第三十七号\n《深圳市人民代表大会常务委员会听证条例》已由深圳市"
            "第三届人民代表大会常务委员会第十一次会议于2001年10月17日通过，现予公布，自2002年1月1日起施行。\n"
            "深圳市人民代表大会常务委员会\n2001年12月26日\n",
            "深圳市人民代表大会常务委员会公告第37号",
        ),
    ],
)
def test_doc_numbers_as_printed(text: str, number: str) -> None:
    assert read(text).doc_number == number


def test_a_cited_number_is_not_the_documents_own() -> None:
    # realdev 084: the only number on the page belongs to the cited parent document
    d = read(
        "各镇街（园区）商务主管部门、各行业协会（商会）、相关企业（单位）：\n"
        "为落实《东莞市人民政府办公室关于印发<关于支持企业春节前后稳工促生产的若干措施>的通知》"
        "（东府办〔2023〕1 号），我局制定了《关于支持企业春节前后稳工促生产若干措施的实施细则（商务部分）》，"
        "现印发给你们，请遵照执行。\n附件：关于支持企业春节前后稳工促生产若干措施的实施细则(商务部分).pdf\n"
        "东莞市商务局\n2023年1月6日\n"
    )
    assert d.doc_number is None
    assert d.title == "关于支持企业春节前后稳工促生产若干措施的实施细则（商务部分）"
    assert d.issuer == "东莞市商务局"


def test_a_news_report_gives_the_number_of_the_order_it_reports() -> None:
    d = read(
        "国务院总理李克强日前签署国务院第707号令,公布修订后的《中华人民共和国个人所得税法实施条例》"
        "(以下简称《条例》),自2019年1月1日起与新个人所得税法同步施行。\n"
    )
    assert d.doc_number == "国务院令第707号"
    assert d.title == "中华人民共和国个人所得税法实施条例"


# --- titles --------------------------------------------------------------------------------------


def test_a_covering_notice_hands_its_title_to_the_policy_that_follows() -> None:
    # realdev 020: cover title over three lines, the policy's heading over three lines, and
    # a 规范性文件登记号 that is not the doc number
    d = read(
        "怀化市人民政府办公室关于印发《怀化市贯彻落实〈关于打好经济增长主动仗实现经济运行整体好转的若干政策措施〉"
        "实施方案》的通知\n发布时间:2023-03-15 09:28信息来源:怀化市人民政府办公室\nHHCR-2023-01005\n"
        "怀政办发〔2023〕9号\n怀化市人民政府办公室\n关于印发《怀化市贯彻落实〈关于打好经济\n"
        "增长主动仗实现经济运行整体好转的若干\n政策措施〉实施方案》的通知\n"
        "各县市区人民政府,市直机关各单位,中央、省在怀各单位:\n"
        "经市人民政府同意,现将《怀化市贯彻落实〈关于打好经济增长主动仗实现经济运行整体好转的若干政策措施〉"
        "实施方案》印发给你们,请认真组织实施。\n怀化市人民政府办公室\n2023年3月15日\n"
        "怀化市贯彻落实《关于打好经济增长主动仗\n实现经济运行整体好转的若干政策\n措施》实施方案\n"
        "为全面贯彻党的二十大和中央、省委、市委经济工作会议精神,特制定本实施方案。\n一、促进消费恢复升级\n"
    )
    assert (
        d.title
        == "怀化市贯彻落实《关于打好经济增长主动仗实现经济运行整体好转的若干政策措施》实施方案"
    )
    assert d.doc_number == "怀政办发〔2023〕9号"
    assert d.issuer == "怀化市人民政府办公室"
    assert d.window.issued.value == date(2023, 3, 15)
    # an official page's posting time with its 来源 is the publication date
    assert d.window.published.value == date(2023, 3, 15)


def test_a_media_headline_and_page_chrome_are_not_the_title() -> None:
    # realdev 039: a portal headline above the notice, whose title is broken after the issuer
    d = read(
        "市场监管总局:启用特殊食品注册专用章 用于抽检\n市场监管总局:启用特殊食品注册专用章 用于抽检\n"
        "2019年02月28日 12:08 市场监管总局\n国家市场监督管理总局办公厅\n关于启用特殊食品注册专用章的通知\n"
        "各省、自治区、直辖市及新疆生产建设兵团市场监管局,总局机关各司局、各直属单位:\n"
        "原“国家食品药品监督管理总局特殊食品注册专用章”同时废止。\n国家市场监管总局办公厅\n2019年2月27日\n"
        "责任编辑:万露\n"
    )
    assert d.title == "国家市场监督管理总局办公厅关于启用特殊食品注册专用章的通知"
    # the fuller of the two spellings of one organ; a newsroom's clock is not a publication
    assert d.issuer == "国家市场监督管理总局办公厅"
    assert d.window.issued.value == date(2019, 2, 27) and d.window.published.value is None
    assert supersedes(d) == []  # abolished seals are not documents


def test_a_draft_keeps_its_marker_and_a_consultation_is_about_its_draft() -> None:
    # realdev 017: a consultation page whose subject is the draft it publishes
    d = read(
        "当前位置:首页 > 法治政府建设 > 意见征集\n《银川市城市住房保障管理办法(修订草案征求意见稿)》公开征求意见\n"
        "来源:立法备案审查科 时间:2020-10-29 11:24\n为了广泛听取社会各界的意见和建议,提高立法质量和效率,"
        "现将《银川市城市住房保障管理办法(修订草案征求意见稿)》及其说明予以公布,广泛征求社会各界意见和建议。\n"
        "请于2020年11月28日前将书面意见和建议以邮寄、传真或者电子邮件的方式送银川市司法局。\n"
        "银川市司法局\n2020年10月28日\n"
    )
    assert d.title == "银川市城市住房保障管理办法（修订草案征求意见稿）"
    assert d.issuer == "银川市司法局"
    assert d.window.issued.value == date(2020, 10, 28)
    assert d.window.published.value == date(2020, 10, 29)
    assert d.window.expires.value is None  # a comment deadline is not an expiry


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # a label prefix and a trailing number (realdev 011 layout)
        (
            "发文标题: 国家税务总局陕西省税务局关于进一步落实减税降费政策支持文化强省建设的通知\n"
            "发文文号: 陕税发[2021]1号\n发文部门: 国家税务总局陕西省税务局\n"
            "各市、县（区）税务局：\n为贯彻落实省委、省政府关于文化强省建设的部署，现就有关事项通知如下：\n",
            "国家税务总局陕西省税务局关于进一步落实减税降费政策支持文化强省建设的通知",
        ),
        # a column prefix and a site's year tag (realdev 064, 062)
        (
            "国务院关于进一步支持小型微型企业健康发展的意见(2012年)\n各省、自治区、直辖市人民政府,"
            "国务院各部委、各直属机构:\n小型微型企业在增加就业、促进经济增长方面具有不可替代的作用。\n",
            "国务院关于进一步支持小型微型企业健康发展的意见",
        ),
    ],
)
def test_title_without_labels_tags_and_numbers(text: str, title: str) -> None:
    assert read(text).title == title


def test_no_title_is_stated_so_none_is_made_up() -> None:
    # realdev 024: the copy starts at the addressees; it abolishes 2274 documents
    d = read(
        "各地级以上市人民政府,各县(市、区)人民政府,省政府各部门、各直属机构:\n"
        "经清理,省政府决定,对不符合现行法律法规规章或者国家文件规定的2274件省政府文件宣布失效。"
        "凡宣布失效的省政府文件,自本决定印发之日起一律停止执行,不再作为行政管理的依据。\n"
        "附件:宣布失效的广东省人民政府文件目录(共2274件)\n广东省人民政府\n2018年2月23日\n"
    )
    assert d.title is None and "无标题" in d.display_title
    assert d.issuer == "广东省人民政府"
    assert d.window.effective.value == date(2018, 2, 23)  # 自本决定印发之日起
    assert supersedes(d) == ["宣布失效的广东省人民政府文件目录（共2274件）"]


# --- issuers -------------------------------------------------------------------------------------


def test_joint_issuers_in_a_signature_block_in_order() -> None:
    d = read(
        "北京:关于印发《北京市乡村振兴责任制实施细则》的通知\n"
        "(2023年6月21日中共北京市委常委会会议审议批准 2023年7月20日中共北京市委办公厅、北京市人民政府办公厅发布)\n"
        "各区委、区政府,市委各部委办,市各国家机关,各国有企业,各人民团体,各高等院校:\n"
        "经市委、市政府同意,现将《北京市乡村振兴责任制实施细则》印发给你们,请认真遵照执行。\n"
        "中共北京市委办公厅\n北京市人民政府办公厅\n2023年7月20日\n北京市乡村振兴责任制实施细则\n第一章 总则\n"
    )
    assert d.title == "北京市乡村振兴责任制实施细则"
    assert d.issuers == ("中共北京市委办公厅", "北京市人民政府办公厅")
    assert d.window.issued.value == d.window.published.value == date(2023, 7, 20)


def test_joint_issuers_written_without_a_space_are_two_organs() -> None:
    d = read(
        "财政部税务总局关于实施小微企业普惠性税收减免政策的通知\n财税〔2019〕13号\n"
        "各省、自治区、直辖市、计划单列市财政厅（局），国家税务总局各省、自治区、直辖市、计划单列市税务局：\n"
        "为贯彻落实党中央、国务院决策部署，进一步支持小微企业发展，现就实施小微企业普惠性税收减免政策有关事项通知如下：\n"
    )
    assert d.issuers == ("财政部", "税务总局")


def test_an_order_is_issued_by_the_organ_it_names_never_a_date() -> None:
    d = read(
        "中华人民共和国生态环境部令\n第17号\n《生态环境标准管理办法》已于2020年11月5日由生态环境部部务会议审议通过，"
        "现予公布，自2021年2月1日起施行。\n部长 黄润秋\n2020年12月15日\n生态环境标准管理办法\n第一章总则\n"
    )
    assert d.issuer == "生态环境部"
    assert d.title == "生态环境标准管理办法"
    w = d.window
    assert (w.issued.value, w.published.value, w.effective.value) == (
        date(2020, 12, 15),
        date(2020, 12, 15),
        date(2021, 2, 1),
    )


# --- dates ---------------------------------------------------------------------------------------


def test_chinese_numeral_dates_with_any_zero() -> None:
    for zero in "〇○OＯ0":
        d = read(
            f"关于印发某办法的通知\n各区人民政府：\n现将《某办法》印发给你们。\n武汉市人民政府\n二{zero}{zero}五年六月十七日\n"
        )
        assert d.window.issued.value == date(2005, 6, 17), zero


def test_a_cited_laws_effective_date_is_not_the_documents() -> None:
    d = read(
        "国务院关于进一步贯彻实施《中华人民共和国行政处罚法》的通知\n国发〔2021〕26号\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
        "《中华人民共和国行政处罚法》已经十三届全国人大常委会第二十五次会议修订通过，自2021年7月15日起施行。"
        "为进一步贯彻实施行政处罚法，现就有关事项通知如下：\n"
    )
    assert d.window.effective.value is None


@pytest.mark.parametrize(
    ("text", "effective", "expires"),
    [
        # 本公告自发文之日起执行至… (realdev 051): the start date is not stated
        ("某公告\n本公告自发文之日起执行至2027年12月31日。\n", None, date(2027, 12, 31)),
        # 执行期限为… with a start that lost its year (realdev 060)
        (
            "某通知\n上述优惠政策执行期限为1月1日至2021年12月31日。财政部、税务总局另有规定的，从其规定。\n",
            None,
            date(2021, 12, 31),
        ),
        # 有效期N年 counted from a stated start, last day inclusive (realdev 029)
        (
            "日前西安市人民政府办公厅印发《西安市公共数据管理办法》。该《办法》将于2025年12月25日起施行，有效期5年。\n",
            date(2025, 12, 25),
            date(2030, 12, 24),
        ),
        # 至YYYY年底
        (
            "某办法\n本办法自2024年1月1日起施行，有效期至2026年底。\n",
            date(2024, 1, 1),
            date(2026, 12, 31),
        ),
        # the period that is the document's whole scope (realdev 001)
        (
            "财政部 国家税务总局关于小型微利企业所得税优惠政策有关问题的通知\n财税〔2011〕117号\n"
            "一、自2012年1月1日至2015年12月31日，对年应纳税所得额低于6万元的小型微利企业，其所得减按50%计入应纳税所得额。\n",
            date(2012, 1, 1),
            date(2015, 12, 31),
        ),
    ],
)
def test_expiry_forms(text: str, effective: date | None, expires: date) -> None:
    w = read(text).window
    assert (w.effective.value, w.expires.value) == (effective, expires)


def test_measure_deadlines_are_not_the_documents_expiry() -> None:
    # realdev 037: each measure has its own period; the document states none
    d = read(
        "东府〔2021〕54号\n东莞市人民政府关于贯彻落实《广东省进一步稳定和扩大就业若干政策措施》的实施意见\n"
        "各镇人民政府（街道办事处），市府直属各单位：\n"
        "1.实施阶段性降低用人单位基本医疗保险缴费费率政策，实施期限至2021年12月31日。\n"
        "2.在职职工总数30人（含）以下的企业暂免征收残疾人保障金，实施期限至2022年12月31日。\n"
        "3.对符合条件的企业，2021年5月1日至2022年4月30日期间继续实施稳岗返还政策。\n"
    )
    assert d.window.expires.value is None and d.window.effective.value is None


def test_labelled_validity_fills_what_the_text_leaves_open() -> None:
    d = read(
        "发文标题: 贵州省财政贵州省国家税务局贵州省地方税务局关于全面推开营业税改征增值税试点有关税收征收管理事项的公告\n"
        "发文文号: 贵州省国家税务局公告2016年第6号\n发文时间: 2016-4-22\n实施时间: 2016-5-1\n"
        "为贯彻落实全面推开营业税改征增值税试点工作部署，现将有关税收征收管理事项公告如下：\n"
    )
    assert d.window.issued.value == date(2016, 4, 22)
    assert d.window.effective.value == date(2016, 5, 1)


# --- supersession --------------------------------------------------------------------------------


def test_several_documents_repealed_in_one_sentence_by_title_and_number() -> None:
    d = read(
        "环境保护部公告\n制定了新的《国家环境保护标准制修订工作管理办法》,现予发布。该办法自发布之日起施行。"
        "《国家环境保护标准制修订工作管理办法》(国家环境保护总局公告2006年第41号)《国家环境保护标准制修订项目计划管理办法》"
        "(环办〔2010〕86号)《关于核辐射与电磁辐射国家环境保护标准制修订项目管理工作的通知》(环科函〔2008〕10号)同时废止。\n"
        "特此公告。\n环境保护部\n2017年2月22日\n"
    )
    assert sorted(supersedes(d)) == sorted(
        ["国家环境保护总局公告2006年第41号", "环办〔2010〕86号", "环科函〔2008〕10号"]
    )
    assert d.window.published.value == d.window.effective.value == date(2017, 2, 22)


@pytest.mark.parametrize("verb", ["同时废止", "不再执行", "予以废止", "停止执行"])
def test_repeal_verbs(verb: str) -> None:
    d = read(
        f"某市人民政府关于某事项的通知\n本通知自2022年1月1日起施行，原《某市某事项管理办法》（某政发〔2015〕3号）{verb}。\n"
    )
    assert supersedes(d) == ["某政发〔2015〕3号"]


def test_a_title_cited_as_the_basis_is_not_repealed() -> None:
    # realdev 053: 同时废止相关旧规 governs no named document
    d = read(
        "国家税务总局关于增值税一般纳税人登记管理有关事项的公告\n"
        "本公告依据《中华人民共和国增值税法》及其实施条例，就增值税一般纳税人登记管理事项作出明确规定，"
        "自2026年1月1日起施行，同时废止相关旧规。\n"
    )
    assert supersedes(d) == []


def test_an_abolition_decisions_title_is_not_a_repeal() -> None:
    d = read(
        "某省人民政府关于某事项的通知\n为贯彻落实《国务院关于宣布失效一批国务院文件的决定》（国发〔2015〕68号）等文件，"
        "省政府对以省政府名义印发的文件进行了全面清理。\n"
    )
    assert supersedes(d) == []


# --- noise ---------------------------------------------------------------------------------------


def test_pinyin_glosses_are_removed_from_text_and_fields_and_listed() -> None:
    text = (
        "國(guó)務(wù)院關(guān)于進(jìn)一步貫徹實(shí)施《中華人民共和國(guó)行政處罰法》的通知\n"
        "國(guó)發(fā)〔2021〕26號(hào)\n各省、自治區(qū)、直轄市人民政府:\n為進(jìn)一步貫徹實(shí)施行政處罰法,現(xiàn)就有關(guān)事項通知如下:\n"
    )
    result = ingest(text.encode("utf-8"), "page.txt")
    d = result.document
    assert d.title == "国务院关于进一步贯彻实施《中华人民共和国行政处罚法》的通知"
    assert d.doc_number == "国发〔2021〕26号"
    assert "(" not in d.body.replace("（", "")
    assert any(reason == "pinyin glosses" for reason, _ in result.stripped)


def test_label_blocks_and_stamps_are_evidence_not_body() -> None:
    text = (
        "[ 索引号 ] | 11500234008646164K/2020-00022 | [ 发文字号 ] | 开州府办发〔2018〕13号 |\n"
        "[ 主题分类 ] | 重大项目建设 | [ 体裁分类 ] | 公文 |\n[ 发布机构 ] | 开州区发展改革委 | [ 有效性 ] | |\n"
        "[ 成文日期 ] | 2020-07-16 | [ 发布日期 ] | 2020-07-16 |\n"
        "重庆市开州区人民政府办公室关于印发重庆市开州区政府投资项目管理办法的通知\n开州府办发〔2018〕13号\n"
        "各镇乡人民政府（街道办事处），区政府各部门，有关单位：\n"
        "《重庆市开州区政府投资项目管理办法》已经区政府同意，现印发给你们，请认真贯彻执行。\n"
        "重庆市开州区人民政府办公室\n2018年2月27日\n重庆市开州区政府投资项目管理办法\n第一章 总 则\n"
    )
    result = ingest(text.encode("utf-8"), "page.txt")
    d = result.document
    assert "索引号" not in d.body and "体裁分类" not in d.body
    assert d.title == "重庆市开州区政府投资项目管理办法"
    # the label's 成文日期 disagrees with the signature: the document wins, both are named
    assert d.window.issued.value == date(2018, 2, 27)
    assert "disagrees: the page's label 成文日期 gives 2020-07-16" in d.window.issued.rule
    assert any("2020-07-16" in w and "kept the text's" in w for w in result.warnings)
    # the reposting department is not the issuer; the open-government page's date is published
    assert d.issuer == "重庆市开州区人民政府办公室"
    assert d.window.published.value == date(2020, 7, 16)


def test_wrong_decoding_question_marks_are_removed() -> None:
    lines = clean(
        "重要商品和服务价格指数行为管理办法\n第一章总?则\n第一条?为了规范价格指数行为，制定本办法。\n2023年3月31日? ?\n"
    ).lines
    assert lines[1:] == [
        "第一章总 则",
        "第一条 为了规范价格指数行为，制定本办法。",
        "2023年3月31日",
    ]


def test_a_page_flattened_onto_one_line_is_segmented_again() -> None:
    # realdev 023: paragraphs separated by spaces on one line
    d = read(
        "廣東省人民政府關于支持廣州南(nán)沙新區加快開(kāi)發建設的若幹意見 各地級以上市人民政府,"
        "各縣(市、區)人民政府,省政府各部門、各直屬機構: 爲深入貫徹《廣州南(nán)沙新區發展規劃》,"
        "加快建設國家戰略新區,現提出如下(xià)意見: 一(yī)、授予南(nán)沙新區部分(fēn)省級經濟社會等管理權限 "
        "(一(yī))對法律、法規和規章規定由省政府及省有關部門行使的經濟調節、市場監管、社會管理、公共服務等行政管理職權,"
        "原則上下(xià)放(fàng)或委托南(nán)沙新區管理機構依法實施。 (二)對法律、法規和規章規定不得委托或下(xià)放(fàng)"
        "以及需省綜合平衡的省級管理事項,南(nán)沙新區管理機構與省建立直接請批關系。 "
        "二、加大(dà)對南(nán)沙新區的财政支持力度 (三)2012-2016年,省财政将來源于南(nán)沙區的"
        "省級公共财政預算收入超過2011年基數部分(fēn)以專項補助形式返還南(nán)沙區,專項用于南(nán)沙新區的基礎設施建設。\n"
    )
    assert d.title == "广东省人民政府关于支持广州南沙新区加快开发建设的若干意见"
    assert [u.label for u in d.units if u.label][:4] == ["一、", "（一）", "（二）", "二、"]


# --- the fixtures: whole real pages --------------------------------------------------------------


def test_a_reprint_page_joint_title_and_expiry() -> None:
    d = real("005")
    assert d.title == "财政部 税务总局关于增值税小规模纳税人减免增值税政策的公告"
    assert d.doc_number == "财政部 税务总局公告2023年第19号"
    assert d.issuers == ("财政部", "税务总局")
    assert d.window.expires.value == date(2027, 12, 31)
    assert d.window.published.value is None  # a news site's clock


def test_a_short_notice_that_makes_one_change_from_a_date() -> None:
    # fixtures 030: the notice's single measure starts that day; its basis laws are not its
    # subject
    d = read(
        "浙江省人民政府关于调整全省最低工资标准的通知\n浙政发〔2021〕22号\n"
        "各市、县（市、区）人民政府，省政府直属各单位：\n为保障劳动者的基本生活和合法权益，根据《中华人民共和国劳动法》"
        "和《最低工资规定》（原劳动和社会保障部令第21号）的规定，结合我省实际，省政府决定：从2021年8月1日起，"
        "将我省最低月工资标准调整为2280元、2070元、1840元三档。\n"
        "请各设区市根据所辖县（市、区）经济社会发展水平，选择确定当地最低工资标准予以公布。\n"
    )
    assert d.window.effective.value == date(2021, 8, 1)
    assert d.window.expires.value is None


# a news report's 今天 is its dateline's day (realdev 095); the year from the report's stamp
NEWS_TODAY = (
    "《重要商品和服务价格指数行为管理办法(试行)》将于8月起施行\n"
    "发稿时间:2021-06-17 13:54:02 来源:中国青年报客户端 作者:中青报·中青网记者 赵丽梅 中国青年网\n"
    "  中国青年报客户端北京6月17日电(中青报·中青网记者 赵丽梅)今天,在国家发展改革委6月新闻发布会上,"
    "国家发展改革委新闻发言人孟玮介绍,为促进国内价格指数市场健康有序发展,"
    "《重要商品和服务价格指数行为管理办法(试行)》(以下简称《办法》)将于今天在国家发展改革委"
    "新闻门户网站和微信微博等平台公布,并将于2021年8月1日起施行。\n"
)


def test_a_news_reports_today_is_its_datelines_day() -> None:
    doc = read(NEWS_TODAY)
    assert doc.window.published.value == date(2021, 6, 17)
    assert doc.window.published.basis == "stated" and "今天" in doc.window.published.evidence
    assert doc.window.effective.value == date(2021, 8, 1)


def test_today_without_a_year_on_the_page_stays_unknown() -> None:
    # the dateline has no year and nothing else on the page dates it: no publication date
    undated = NEWS_TODAY.replace("发稿时间:2021-06-17 13:54:02 ", "")
    assert read(undated).window.published.value is None


def test_today_with_a_press_conference_only_is_not_a_release() -> None:
    # 今天…新闻发布会 is the meeting, not the document's release
    text = NEWS_TODAY.replace("将于今天在国家发展改革委新闻门户网站和微信微博等平台公布,并", "")
    assert read(text).window.published.value is None


# a PDF preview saved as numbered chunks cut inside words, the order's heading, signature and
# a bold title drawn twice all run together (realdev 068, its first two chunks)
PDF_CHUNKS = (
    "1、生态环境部令 第 17 号生态环境标准管理办法已于 2020 年 11 月 5 日由生态环境部部务会议审议通过,"
    "现予公布,自 2021 年 2 月 1 日起施行。生态环境部部长 黄润秋2020 年 12 月 15 日生态环境标准管理办法"
    "生态环境标准管理办法第一章第一章总总则则第一条为加强生态环境标准管理工作,依据中华人民共和国环境保护法"
    "中华人民共和国标准化法等法律法规,制定本办法。第二条本办法适用于生态环境标准的制定、实施、备案和评估。"
    "第三条本办法所称生态环境标准,是指由国务院生态环境主管部门和省级人民政府依法制定的生态环境保护工作中"
    "需要统一的各项技术要求。第四条生态环境标准分为国家生态环境标\n"
    "2、准和地方生态环境标准。国家生态环境标准包括国家生态环境质量标准、国家生态环境风险管控标准、"
    "国家污染物排放标准、国家生态环境监测标准、国家生态环境基础标准和国家生态环境管理技术规范。\n"
)


def test_an_order_flattened_from_pdf_chunks_is_read() -> None:
    doc = read(PDF_CHUNKS)
    assert doc.title == "生态环境标准管理办法"
    assert doc.doc_number == "生态环境部令第17号"
    assert doc.issuers == ("生态环境部",)
    assert doc.window.issued.value == date(2020, 12, 15)
    assert doc.window.effective.value == date(2021, 2, 1)
    # the chunks are one text again: the word cut between them is whole
    assert "国家生态环境标准和地方生态环境标准" in "".join(clean(PDF_CHUNKS).lines)


def test_a_numbered_list_is_not_taken_for_chunks() -> None:
    # 1、2、 items of a real list stay items (short lines: not pieces of a cut text)
    text = "1、个体工商户减半征收个人所得税。\n2、优惠力度提高。\n"
    assert clean(text).lines == ["1、个体工商户减半征收个人所得税。", "2、优惠力度提高。"]


def test_long_numbered_items_that_end_their_sentences_are_not_chunks() -> None:
    # realdev 068's own sentences as two long items of a list: each ends with 。, so they
    # are items, not pieces of a cut text, and keep their numbers
    one = (
        "1、"
        + "国家生态环境标准包括国家生态环境质量标准、国家生态环境风险管控标准、国家污染物排放标准。"
        * 5
    )
    two = (
        "2、"
        + "地方生态环境标准在发布该标准的省、自治区、直辖市行政区域范围或者标准指定区域范围执行。"
        * 5
    )
    lines = clean(f"{one}\n{two}\n").lines
    assert any(line.startswith("1、") for line in lines)
    assert any(line.startswith("2、") for line in lines)


def test_a_pages_stamp_beside_an_official_source_dates_the_page_document() -> None:
    # tests/fixtures/real 038: a 解读 on a Traditional mirror, `發布時間 … 作者 … 來源` naming
    # the SAT's office — the layout realdev labels as published (its 016, 020, 081)
    doc = real("038")
    assert doc.kind == "interpretation"
    assert doc.window.published.value == date(2023, 8, 15)
    assert "国家税务总局办公厅" in doc.window.published.rule
    # the period it explains is the announcement's, not the 解读's
    assert doc.window.effective.value is None and doc.window.expires.value is None
    # the same byline naming a reposting site (fixtures 057: 来源:税务之家) dates nothing
    assert real("057").window.published.value is None
