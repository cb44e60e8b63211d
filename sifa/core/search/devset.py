"""A seeded generator of 行政处罚 case facts (synthetic, Chinese) and the labelled retrieval dev set.

Each generated case has structured fields — the violation (违法行为), its group of closely related
violations, the power item (职权事项), illustrative cited articles, the circumstance class (情节) —
and a fact text (案件事实) written from several templates with varied place, party, time, amounts
and wording. Module demos can reuse ``generate_case`` / ``generate_cases`` for closed cases' facts.

Labels are judged by construction from the structured fields (not by reading the texts):
grade 2 = same violation and the same circumstance class; grade 1 = same violation with another
circumstance class, or a closely related violation (same group); 0 otherwise. The article citations
are illustrative labels for the synthetic cases, not checked against the law texts.

    .venv/bin/python -m sifa.core.search.devset bench/retrieval_dev     # writes the committed dev set
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Violation:
    """A kind of violation with its fact templates (slots filled by ``generate_case``)."""

    code: str
    name: str
    group: str
    power_item: str
    articles: tuple[str, ...]
    acts: tuple[str, ...]
    harms: tuple[str, ...]


@dataclass(frozen=True)
class CaseFacts:
    """One generated case: structured fields and the fact text."""

    violation: str
    violation_name: str
    group: str
    power_item: str
    articles: tuple[str, ...]
    circumstance: str
    circumstance_name: str
    town: str
    party: str
    text: str


_CITY_RULES = "《城市市容和环境卫生管理条例》"
_FOOD_LAW = "《中华人民共和国食品安全法》"

VIOLATIONS: tuple[Violation, ...] = (
    Violation("zdjy", "占道经营", "street", "对擅自占用城市道路、人行道摆摊经营的行政处罚", (_CITY_RULES + "第三十六条",),
              ("在{road}人行道上摆设{goods}摊位进行经营，占用道路面积约{area}平方米",
               "未经批准，擅自占用{road}机动车道旁空地设摊销售{goods}，摊位约{area}平方米",
               "利用三轮车在{road}路口流动设摊兜售{goods}，占道约{area}平方米"),
              ("致使行人被迫绕行至机动车道，存在交通安全隐患", "造成路口车辆拥堵，周边居民多次拨打12345投诉")),
    Violation("dwjy", "店外经营", "street", "对超出门窗和外墙经营的行政处罚", (_CITY_RULES + "第三十六条",),
              ("{shop_ref}超出门窗外墙，在店门口{road}人行道上堆放{goods}并进行销售，占用面积约{area}平方米",
               "将{goods}货架摆放至店外人行道经营，超出门店约{area}平方米",
               "在门店外{road}沿街搭设遮阳棚并摆放桌椅经营{goods}，出店面积约{area}平方米"),
              ("占用盲道，影响行人正常通行", "沿街店外经营延续数月，周边商户及居民反映强烈")),
    Violation("lzt", "乱张贴", "ads", "对在建筑物、公共设施上乱张贴的行政处罚", (_CITY_RULES + "第三十四条",),
              ("在{road}沿线的电线杆、公交站台及居民楼道内张贴{ad}小广告{count}张",
               "雇佣他人在{road}一带的围墙、配电箱上乱贴{ad}广告共{count}处",
               "在{road}附近小区单元门上粘贴{ad}宣传单{count}张"),
              ("清理难度大，严重影响市容环境", "小广告覆盖公共设施标识，群众反映强烈")),
    Violation("hwgg", "擅自设置户外广告", "ads", "对擅自设置大型户外广告的行政处罚", (_CITY_RULES + "第十一条",),
              ("未经批准在{road}临街建筑外墙设置{ad}户外广告牌一块，面积约{area}平方米",
               "擅自在{road}楼顶搭建{ad}广告架，广告面积约{area}平方米",
               "在{road}人行道上私自设立{ad}立柱广告{count}个"),
              ("广告牌固定不牢，存在坠落伤人的安全隐患", "广告设施遮挡交通标志，影响道路通行安全")),
    Violation("qdjz", "违规倾倒建筑垃圾", "waste", "对随意倾倒建筑垃圾的行政处罚",
              ("《城市建筑垃圾管理规定》第二十条",),
              ("将装修产生的建筑垃圾约{volume}立方米倾倒在{road}路边绿化带内",
               "驾驶{truck}在{road}附近空地随意倾倒建筑渣土约{volume}立方米",
               "未按规定将拆除工程产生的建筑垃圾{volume}立方米运至消纳场，而是倾倒于{road}河道边"),
              ("堵塞排水沟渠，雨后造成道路积水", "占压绿地，破坏周边植被")),
    Violation("ysls", "运输建筑垃圾撒漏", "waste", "对运输建筑垃圾沿途撒漏的行政处罚",
              ("《城市建筑垃圾管理规定》第二十三条",),
              ("驾驶{truck}运输渣土途经{road}时未密闭覆盖，沿途撒漏渣土约{length}米",
               "其所属{truck}在{road}运输建筑垃圾过程中车厢密闭不严，造成泥土洒落路面约{length}米",
               "运输车辆车轮带泥上路，在{road}形成约{length}米的泥土污染路面"),
              ("导致路面湿滑，引发一起电动车摔倒事故", "扬尘严重，沿线群众多次投诉")),
    Violation("wzcy", "无证经营餐饮", "food", "对未取得食品经营许可从事餐饮服务的行政处罚", (_FOOD_LAW + "第一百二十二条",),
              ("未取得食品经营许可证，在{road}租用门面开设{shop}从事{food}等餐饮服务，违法所得{money}元",
               "在{road}无证经营{food}小吃店，经营面积约{area}平方米，已销售货值{money}元",
               "未办理食品经营许可即在{road}夜市摊点制售{food}，违法所得约{money}元"),
              ("后厨卫生条件较差，存在食品安全隐患", "有顾客食用后出现腹泻症状并投诉")),
    Violation("bqbhg", "食品标签不合格", "food", "对经营标签不符合规定的预包装食品的行政处罚", (_FOOD_LAW + "第一百二十五条",),
              ("{shop_ref}销售的预包装{food}标签未标注生产日期和生产者地址，货值{money}元",
               "在{road}所开超市销售标签不符合国家标准的{food}共{count}袋，货值金额{money}元",
               "销售的进口{food}无中文标签，共计{count}件，货值{money}元"),
              ("涉案食品已部分售出，难以追回", "标签虚假标注保质期，误导消费者")),
    Violation("yycb", "餐饮油烟超标排放", "air", "对餐饮服务单位油烟超标排放的行政处罚",
              ("《中华人民共和国大气污染防治法》第一百一十八条",),
              ("{shop_ref}未安装油烟净化设施，油烟直接排放，经检测油烟浓度{conc}毫克每立方米，超过排放标准",
               "位于{road}的{shop}油烟净化装置长期未清洗，油烟排放浓度达{conc}毫克每立方米",
               "在{road}居民楼底商开设{shop}，排烟管道直通居民窗口，油烟浓度{conc}毫克每立方米"),
              ("油烟污染周边居民住宅，引发集体投诉", "长期超标排放，附近居民无法开窗通风")),
    Violation("lths", "露天焚烧", "air", "对露天焚烧垃圾、秸秆的行政处罚",
              ("《中华人民共和国大气污染防治法》第一百一十九条",),
              ("在{road}附近空地露天焚烧废弃木料和生活垃圾约{weight}公斤",
               "在{road}旁农田内焚烧秸秆约{area}平方米，产生大量浓烟",
               "在{road}工地内焚烧废旧塑料、泡沫等杂物约{weight}公斤"),
              ("浓烟飘至附近高速公路，影响行车视线", "焚烧产生刺鼻气味，周边居民多次报警")),
    Violation("wfjs", "违法建设", "build", "对未取得建设工程规划许可证进行建设的行政处罚",
              ("《中华人民共和国城乡规划法》第六十四条",),
              ("未取得建设工程规划许可证，在{road}自家房屋顶部搭建彩钢板房约{area}平方米",
               "擅自在{road}住宅小区内扩建一层砖混结构用房，建筑面积约{area}平方米",
               "未经规划许可在{road}厂区内新建钢结构仓库约{area}平方米"),
              ("违法建筑占用消防通道，存在重大安全隐患", "加建部分影响相邻住户采光，引发邻里纠纷")),
    Violation("yjsg", "夜间施工噪声", "noise", "对夜间违规施工产生噪声污染的行政处罚",
              ("《中华人民共和国噪声污染防治法》第七十七条",),
              ("在{road}建筑工地于夜间{hour}时许进行混凝土浇筑作业，未取得夜间施工许可，现场噪声{db}分贝",
               "承建的{road}项目工地在夜间使用切割机、打桩机施工，厂界噪声测得{db}分贝",
               "未办理夜间作业证明，于{hour}时后在{road}进行管道开挖施工，噪声达{db}分贝"),
              ("影响周边居民夜间休息，12345热线收到大量投诉", "附近医院住院患者受到噪声干扰")),
    Violation("shzs", "社会生活噪声扰民", "noise", "对商业经营活动中使用高音广播喇叭招揽顾客的行政处罚",
              ("《中华人民共和国噪声污染防治法》第八十二条",),
              ("{shop_ref}在门口使用高音喇叭循环播放促销广告招揽顾客，噪声达{db}分贝",
               "在{road}店铺门前摆放音箱大声播放音乐，测得噪声{db}分贝",
               "在{road}商业街使用扩音设备进行商业宣传，经测量噪声{db}分贝"),
              ("干扰周边居民正常生活", "邻近学校反映严重影响课堂教学")),
)

CIRCUMSTANCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "first_minor": ("初次违法且及时改正", (
        "经查，当事人系初次违法，危害后果轻微，经执法人员指出后当场自行改正",
        "当事人首次被查处，违法行为轻微并已及时纠正，未造成危害后果",
        "该当事人此前无违法记录，接受教育后立即整改完毕，未造成不良影响")),
    "refused": ("责令改正拒不改正", (
        "执法人员当场下达责令限期改正通知书，逾期复查时当事人仍未改正",
        "经多次劝导和书面责令整改，当事人拒不改正，继续实施违法行为",
        "限期整改期限届满后复查，现场未见任何整改，当事人拒绝在笔录上签字")),
    "repeat": ("再次违法", (
        "当事人曾于{prev}年因同类违法行为受到行政处罚，此次系再次违法",
        "一年内第二次因同一违法行为被查处，屡教不改",
        "该当事人此前已因相同违法行为被处以罚款，仍不思悔改再次实施")),
    "serious": ("造成严重后果", ("{harm}，社会影响恶劣", "{harm}，情节较重", "该行为{harm}，造成较大社会影响")),
    "cooperative": ("主动减轻危害后果、配合调查", (
        "案发后当事人主动消除违法行为危害后果，积极配合调查",
        "当事人如实陈述违法事实并主动提供证据材料，有悔改表现",
        "调查中当事人态度诚恳，主动停止违法行为并自行清理恢复原状")),
}

TOWNS = ("富春街道", "银湖街道", "东洲街道", "春江街道", "鹿山街道", "新登镇", "场口镇", "万市镇", "洞桥镇", "常安镇",
         "大源镇", "灵桥镇", "里山镇", "胥口镇", "永昌镇", "环山乡")
ROADS = ("金桥北路", "桂花西路", "体育馆路", "恩波大道", "江滨西大道", "北环路", "新民路", "大桥南路", "迎宾北路", "公望街",
         "富春街", "孙权路", "横凉亭路", "文教路", "东山路", "春秋北路", "秦望路", "馆驿路", "新桥路", "达夫路")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海波云飞鹏斌宇浩凯俊峰亮"
SHOP_WORDS = ("老街", "阿强", "富春", "江南", "好运来", "鑫源", "和顺", "聚福", "百味", "惠民", "兴旺", "乐购")
SHOPS = ("小吃店", "餐馆", "面馆", "烧烤店", "便利店", "超市", "水果店", "服装店", "五金店", "奶茶店")
COMPANY = ("建筑工程有限公司", "装饰工程有限公司", "土方运输有限公司", "建材有限公司", "商贸有限公司", "物业管理有限公司")
GOODS = ("水果", "蔬菜", "早点", "臭豆腐", "玩具", "服装", "手机配件", "鲜花", "烤红薯", "电动车配件")
ADS = ("办证", "疏通管道", "招聘", "房屋出租", "培训招生", "开锁", "贷款", "装修")
FOODS = ("麻辣烫", "烧烤", "米粉", "熟食", "糕点", "饮料", "休闲食品", "奶粉", "调味品", "小龙虾")
TRUCKS = ("重型自卸货车", "渣土运输车", "农用三轮车", "轻型厢式货车")
OPENINGS = ("{date}{hour}时许，{unit}执法人员在{town}{road}巡查时发现，",
            "根据群众举报，{date}，{unit}执法人员到{town}{road}现场检查，发现",
            "{date}，{unit}接{source}转办线索，经执法人员现场核查，")
UNITS = ("富阳区综合行政执法局", "我局", "区综合行政执法局{town}中队", "执法中队")
SOURCES = ("12345热线", "数字城管平台", "街道", "群众来信")
EVIDENCE = ("以上事实有现场检查笔录、询问笔录及现场照片为证。", "上述事实有勘验笔录、视听资料和当事人陈述等证据证实。",
            "有现场照片、调查询问笔录、检测报告等证据在案佐证。", "")


def _party(rng: random.Random, violation: Violation) -> tuple[str, str]:
    """(party, shop name) — a person, a shop or a company depending on the violation."""
    person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    shop = "富阳" + rng.choice(SHOP_WORDS) + rng.choice(SHOPS)
    if violation.group in {"waste", "build"} or violation.code == "yjsg":
        if rng.random() < 0.6:
            return "杭州" + rng.choice(SHOP_WORDS) + rng.choice(COMPANY), shop
    if violation.group in {"food", "air"} or violation.code in {"dwjy", "shzs"}:
        if rng.random() < 0.5:
            return f"{shop}（经营者{person}）", shop
    return f"当事人{person}", shop


def generate_case(rng: random.Random, *, violation: str | None = None, circumstance: str | None = None) -> CaseFacts:
    """One synthetic case (the given violation code / circumstance class, or random ones)."""
    v = next(x for x in VIOLATIONS if x.code == violation) if violation else rng.choice(VIOLATIONS)
    circ = circumstance or rng.choice(tuple(CIRCUMSTANCES))
    circ_name, circ_texts = CIRCUMSTANCES[circ]
    town, road = rng.choice(TOWNS), rng.choice(ROADS)
    party, shop = _party(rng, v)
    slots = {
        "road": road, "town": town, "shop": shop, "goods": rng.choice(GOODS), "ad": rng.choice(ADS),
        "food": rng.choice(FOODS), "truck": rng.choice(TRUCKS),
        "area": rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45, 60, 80, 120, 200)),
        "count": rng.randint(3, 180), "volume": rng.choice((2, 3, 5, 8, 10, 15, 20, 30)),
        "length": rng.choice((50, 100, 150, 200, 300, 500, 800, 1200)), "money": rng.choice((300, 800, 1200, 2500, 4600, 9800)),
        "conc": rng.choice(("2.6", "3.1", "4.8", "5.5", "7.2")), "weight": rng.choice((20, 50, 80, 150, 300)),
        "db": rng.choice((62, 65, 68, 71, 74, 78, 82)), "hour": rng.choice((22, 23, 0, 1, 2)),
        "prev": rng.choice((2023, 2024, 2025)),
        "date": f"2025年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "unit": rng.choice(UNITS).format(town=town), "source": rng.choice(SOURCES),
        "harm": rng.choice(v.harms), "shop_ref": "" if party.startswith(shop) else f"经营的{shop}",
    }
    opening = rng.choice(OPENINGS).format(**slots)
    act = rng.choice(v.acts).format(**slots)
    circ_text = rng.choice(circ_texts).format(**slots)
    parts = [f"{opening}{party}{act}。", f"{circ_text}。"]
    if circ != "serious" and rng.random() < 0.3:
        parts.insert(1, f"{rng.choice(v.harms)}。")  # some harm without it being the salient circumstance
    text = "".join(parts) + rng.choice(EVIDENCE)
    return CaseFacts(v.code, v.name, v.group, v.power_item, v.articles, circ, circ_name, town, party, text)


def generate_cases(seed: int, n: int) -> Iterator[CaseFacts]:
    """``n`` cases from ``random.Random(seed)`` (uniform over violations and circumstance classes)."""
    rng = random.Random(seed)
    for _ in range(n):
        yield generate_case(rng)


def grade(query: CaseFacts, doc: CaseFacts) -> int:
    """2 = same violation and circumstance class; 1 = same violation or same group; 0 otherwise."""
    if query.violation == doc.violation:
        return 2 if query.circumstance == doc.circumstance else 1
    return 1 if query.group == doc.group else 0


def build_devset(seed: int = 2026, n_docs: int = 400, n_queries: int = 40) -> tuple[
        list[tuple[str, CaseFacts]], list[tuple[str, CaseFacts]], list[tuple[str, str, int]]]:
    """(corpus, queries, qrels): docs d0001…, queries q001… (each violation × circumstance spread
    evenly over the queries), qrels rows (qid, docid, grade) with grade > 0."""
    rng = random.Random(seed)
    corpus = [(f"d{i + 1:04d}", generate_case(rng)) for i in range(n_docs)]
    combos = [(v.code, c) for c in CIRCUMSTANCES for v in VIOLATIONS]
    rng.shuffle(combos)
    queries = [(f"q{i + 1:03d}", generate_case(rng, violation=combos[i % len(combos)][0],
                                               circumstance=combos[i % len(combos)][1])) for i in range(n_queries)]
    qrels = [(qid, did, g) for qid, q in queries for did, d in corpus if (g := grade(q, d)) > 0]
    return corpus, queries, qrels


def write_devset(directory: Path, seed: int = 2026) -> None:
    """Write corpus.jsonl, queries.jsonl (with the structured fields beside id/text) and qrels.tsv."""
    corpus, queries, qrels = build_devset(seed)
    directory.mkdir(parents=True, exist_ok=True)

    def line(key: str, case: CaseFacts) -> str:
        return json.dumps({"id": key, "text": case.text, "violation": case.violation_name,
                           "circumstance": case.circumstance_name}, ensure_ascii=False)

    (directory / "corpus.jsonl").write_text("".join(line(k, c) + "\n" for k, c in corpus), encoding="utf-8")
    (directory / "queries.jsonl").write_text("".join(line(k, c) + "\n" for k, c in queries), encoding="utf-8")
    (directory / "qrels.tsv").write_text("".join(f"{q}\t0\t{d}\t{g}\n" for q, d, g in qrels), encoding="utf-8")


if __name__ == "__main__":
    write_devset(Path(sys.argv[1] if len(sys.argv) > 1 else "bench/retrieval_dev"))
