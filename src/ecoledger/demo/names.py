"""The synthetic city's vocabulary: places, departments, waters, industries, people.

Everything here is fictional. The division codes use prefecture 3719, which
no real prefecture of Shandong has, so no code collides with a real place.
Data only; ``city.py`` turns it into rows.
"""

from __future__ import annotations

from typing import NamedTuple

from ecoledger.org.choices import SourceKind, WaterBodyKind


class Place(NamedTuple):
    name: str
    code: str
    latitude: float
    longitude: float


class DistrictSpec(NamedTuple):
    name: str
    code: str
    north: float  # offset of the centroid from the city centre, degrees
    east: float
    spread: float  # how far its towns lie from its centroid, degrees
    industry_weight: float  # share of the city's enterprises
    towns: tuple[tuple[str, str], ...]  # (name, 3-digit suffix of the 9-digit code)


class DepartmentSpec(NamedTuple):
    slug: str
    name: str
    short_name: str


class WaterSpec(NamedTuple):
    name: str
    kind: str
    districts: tuple[int, ...]  # indexes into DISTRICTS it flows through


class IndustrySpec(NamedTuple):
    name: str
    suffixes: tuple[str, ...]
    outlets: tuple[str, ...]  # first always present, the second sometimes
    stack_name: str
    weight: float


class NonPointSpec(NamedTuple):
    kind: str
    prefix: str  # code prefix, from the pinyin initials used on site signs
    count: int
    names: tuple[str, ...]  # templates with {town}, {village}, {road}, {estate}, {district}
    near_water: bool


CITY = Place("清江市", "371900", 36.20, 117.10)

DISTRICTS: tuple[DistrictSpec, ...] = (
    DistrictSpec("澜湖区", "371902", 0.0, 0.0, 0.035, 0.6, (
        ("湖滨街道", "001"), ("文昌街道", "002"), ("望江街道", "003"), ("东关街道", "004"),
        ("桂园街道", "005"),
    )),
    DistrictSpec("青峦区", "371903", 0.11, -0.17, 0.05, 1.0, (
        ("青峦街道", "001"), ("松岭街道", "002"), ("北坡街道", "003"), ("鹤鸣镇", "101"),
        ("石门镇", "102"),
    )),
    DistrictSpec("凤鸣区", "371911", -0.07, 0.21, 0.06, 2.2, (
        ("凤鸣街道", "001"), ("新港街道", "002"), ("梧桐镇", "101"), ("马庄镇", "102"),
        ("高桥镇", "103"), ("龙泉镇", "104"),
    )),
    DistrictSpec("柳溪县", "371921", -0.31, -0.12, 0.08, 0.8, (
        ("柳溪镇", "101"), ("杏花镇", "102"), ("南湾镇", "103"), ("双河乡", "201"),
    )),
    DistrictSpec("禾丰县", "371923", 0.33, 0.09, 0.08, 0.8, (
        ("禾丰镇", "101"), ("丰乐镇", "102"), ("大营镇", "103"), ("沙河镇", "104"),
        ("土桥乡", "201"),
    )),
    DistrictSpec("桐川市", "371981", 0.05, 0.46, 0.07, 1.6, (
        ("桐华街道", "001"), ("川东街道", "002"), ("金岭镇", "101"), ("铁山镇", "102"),
        ("桃源镇", "103"), ("云峰镇", "104"),
    )),
)

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("eco", "清江市生态环境局", "生态环境局"),
    DepartmentSpec("housing", "清江市住房和城乡建设局", "住建局"),
    DepartmentSpec("water", "清江市水务局", "水务局"),
    DepartmentSpec("agri", "清江市农业农村局", "农业农村局"),
    DepartmentSpec("urban", "清江市城市管理局", "城管局"),
    DepartmentSpec("transport", "清江市交通运输局", "交通运输局"),
    DepartmentSpec("land", "清江市自然资源和规划局", "自然资源局"),
    DepartmentSpec("industry", "清江市工业和信息化局", "工信局"),
    DepartmentSpec("police", "清江市公安局", "公安局"),
    DepartmentSpec("market", "清江市市场监督管理局", "市场监管局"),
    DepartmentSpec("forest", "清江市林业局", "林业局"),
    DepartmentSpec("health", "清江市卫生健康委员会", "卫健委"),
)

BASIN = "清江流域"
WATERS: tuple[WaterSpec, ...] = (
    WaterSpec("清江", WaterBodyKind.RIVER, (0, 2, 3)),
    WaterSpec("澜河", WaterBodyKind.RIVER, (0, 1)),
    WaterSpec("沙河", WaterBodyKind.RIVER, (1, 4)),
    WaterSpec("柳溪河", WaterBodyKind.RIVER, (3,)),
    WaterSpec("白鹭湖", WaterBodyKind.LAKE, (2, 5)),
    WaterSpec("青龙水库", WaterBodyKind.RESERVOIR, (4,)),
)

_WASTEWATER = SourceKind.WASTEWATER_OUTLET
_STACK = SourceKind.STACK
INDUSTRIES: tuple[IndustrySpec, ...] = (
    IndustrySpec("化工", ("化工有限公司", "精细化工有限公司"), (_STACK, _WASTEWATER),
                 "工艺废气排放口", 3),
    IndustrySpec("印染", ("印染有限公司", "纺织印染有限公司"), (_WASTEWATER, _STACK),
                 "定型机废气排放口", 2),
    IndustrySpec("电镀", ("电镀有限公司", "表面处理有限公司"), (_WASTEWATER,), "", 2),
    IndustrySpec("水泥", ("水泥有限公司",), (_STACK,), "窑尾废气排放口", 1),
    IndustrySpec("钢铁", ("钢铁有限公司", "特钢有限公司"), (_STACK, _WASTEWATER),
                 "烧结机头废气排放口", 1),
    IndustrySpec("制药", ("制药有限公司", "药业有限公司"), (_WASTEWATER, _STACK),
                 "发酵废气排放口", 2),
    IndustrySpec("造纸", ("纸业有限公司",), (_WASTEWATER,), "", 1.5),
    IndustrySpec("食品", ("食品有限公司", "食品加工有限公司"), (_WASTEWATER,), "", 3),
    IndustrySpec("建材", ("新型建材有限公司", "建材有限公司"), (_STACK,),
                 "破碎筛分废气排放口", 2),
    IndustrySpec("混凝土", ("商品混凝土有限公司", "混凝土有限公司"), (_STACK,),
                 "搅拌站粉尘排放口", 2),
    IndustrySpec("火电", ("热电有限公司", "发电有限公司"), (_STACK, _WASTEWATER),
                 "机组烟囱", 0.6),
    IndustrySpec("包装印刷", ("包装印刷有限公司", "彩印有限公司"), (_STACK,),
                 "VOCs治理设施排放口", 1.5),
    IndustrySpec("家具", ("家具有限公司", "木业有限公司"), (_STACK,), "喷漆房废气排放口", 1.5),
    IndustrySpec("机械制造", ("机械制造有限公司", "装备制造有限公司"), (_STACK,),
                 "涂装废气排放口", 2),
)
WASTEWATER_OUTLET_NAMES = ("废水总排放口", "污水处理站排放口")

TRADE_NAMES = (
    "宏达", "鑫源", "恒信", "瑞丰", "永盛", "金泰", "华宇", "嘉禾", "天成", "盛世", "福源",
    "兴隆", "润泽", "德丰", "新锐", "立信", "富华", "长青", "东岳", "安泰", "万通", "广源",
    "聚鑫", "远航", "同创", "宝丰", "泰和", "晨光", "明珠", "恒达", "金鼎", "中瑞", "博远",
    "康宁", "绿源", "清泉", "佳美", "鼎盛", "联发", "顺达", "海峰", "正阳", "华昌", "振兴",
    "旭日", "凯利", "荣盛", "丰源", "利民", "金诚",
)

ROADS = (
    "工业大道", "纬三路", "经五路", "创业路", "兴业街", "滨河路", "清江大道", "建设路",
    "人民路", "凤鸣大道", "桐川路", "东环路", "北外环", "科技路", "园区一路", "光明街",
)

VILLAGES = (
    "李家庄", "王庄", "张官屯", "后营", "前河", "东沟", "西岭", "南坡", "杨柳湾", "石桥",
    "柏树店", "马家楼", "孙家峪", "刘官庄", "陈家洼", "周庄", "高家岭", "黄土坡", "桃花峪",
    "白杨店", "河西", "大洼", "小岭", "郭家寨",
)

ESTATES = (
    "滨江华府", "翡翠湾", "锦绣园", "御景苑", "书香门第", "紫薇花园", "阳光新城", "金色港湾",
    "清江壹号院", "湖畔雅居", "凤鸣新苑", "桐川中心",
)
PUBLIC_WORKS = (
    "清江市人民医院新院区", "清江市第三中学新校区", "城市综合管廊（{road}段）",
    "{road}拓宽改造工程", "{town}安置房", "凤鸣经开区标准厂房", "{town}农贸市场改造",
    "清江体育中心",
)

NON_POINT: tuple[NonPointSpec, ...] = (
    NonPointSpec(SourceKind.CONSTRUCTION_SITE, "GD", 28,
                 ("{estate}项目施工工地", "{public}项目施工工地"), False),
    NonPointSpec(SourceKind.ROAD, "DL", 14, ("{road}（{town}段）",), False),
    NonPointSpec(SourceKind.FARMLAND, "NT", 14,
                 ("{town}{village}高标准农田片区", "{village}蔬菜种植基地"), True),
    NonPointSpec(SourceKind.LIVESTOCK_FARM, "YZ", 20,
                 ("{village}生猪养殖场", "{town}{trade}奶牛养殖专业合作社", "{village}蛋鸡养殖场"),
                 True),
    NonPointSpec(SourceKind.LANDFILL, "TM", 8,
                 ("{district}生活垃圾填埋场", "{town}建筑垃圾消纳场"), True),
    NonPointSpec(SourceKind.MINE, "KS", 10,
                 ("{village}建筑石料用灰岩矿", "{trade}采石场（已关闭）", "{village}石灰岩矿"),
                 False),
)

SURNAMES = (
    "张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
)
GIVEN_NAMES = (
    "伟", "娜", "芳", "洋", "静", "磊", "敏", "强", "军", "丽", "勇", "艳", "杰", "涛", "明",
    "超", "秀英", "华", "建国", "志强", "海燕", "晓东", "丹", "鹏", "婷", "宇航", "文博", "欣怡",
    "俊杰", "雪梅", "国庆", "红霞", "振华", "思远", "佳琪",
)

CAMERAS = (
    ("HUAWEI", "Mate 60"), ("HUAWEI", "P60"), ("Xiaomi", "14"), ("OPPO", "Find X7"),
    ("vivo", "X100"), ("HONOR", "Magic6"), ("DJI", "Mavic 3E"),
)
