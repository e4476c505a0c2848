"""What the public writes: the complaints of the demo, in the words of the people who send them.

Officials write "周边居民反映强烈"; a resident writes that the windows stay shut.
Each category has complaints in that voice, taking ``{place}`` (where it is, as
the case names it) and ``{m}`` (a small count). A complaint is an opening, one
of them, and a plea; some people leave a name and a mobile number, most of
them a family name only.
"""

from __future__ import annotations

import random

from ecoledger.demo import names

VOICES: dict[str, tuple[str, ...]] = {
    "air.dust": (
        "{place}工地裸土一直没盖，风一吹全是灰，家里阳台每天都是一层土。",
        "{place}天天尘土飞扬，进出的车辆也不冲洗，路上全是泥，走路都要捂着鼻子。",
    ),
    "air.industrial": (
        "{place}烟囱经常冒黄烟，晚上气味特别刺鼻，小孩老是咳嗽。",
        "{place}一到夜里就偷偷排废气，一股硫磺味，窗户都不敢开。",
    ),
    "air.vocs": (
        "{place}喷漆味道非常大，隔着几百米都能闻到，闻久了头晕恶心。",
        "{place}车间门一直开着喷漆，油漆味飘到小区里，老人孩子都受不了。",
    ),
    "air.vehicle": (
        "{place}附近的挖掘机、货车一发动就冒黑烟，整条路都是柴油味。",
        "{place}每天很多大货车经过，排气管冒黑烟，希望管一管。",
    ),
    "air.burning": (
        "{place}又有人在烧秸秆，浓烟滚滚，开车都看不清路。",
        "{place}有人在空地上烧垃圾和塑料，黑烟呛人，气味难闻。",
    ),
    "air.catering": (
        "{place}楼下{m}家饭店油烟直接往居民楼排，家里窗户常年不敢开。",
        "{place}烧烤摊每晚开到凌晨，油烟加吵闹，严重影响休息。",
    ),
    "water.outfall": (
        "{place}河边有根管子一直往河里排水，颜色发黄，还有泡沫。",
        "{place}下雨天河边排口冒出脏水，河水都变色了，不知道是哪家排的。",
    ),
    "water.black_odorous": (
        "{place}河水又黑又臭，夏天臭味飘得很远，蚊虫也多。",
        "{place}河道里垃圾漂浮，水发黑发臭，住在旁边的居民苦不堪言。",
    ),
    "water.industrial": (
        "{place}晚上往外排废水，排口附近的水颜色发红，还有死鱼。",
        "{place}排出来的水有很重的化学味，下游的鱼塘都受到了影响。",
    ),
    "water.sewage": (
        "{place}污水管道坏了，脏水直接流进河里，路过都能闻到臭味。",
        "{place}生活污水直接排进沟里，常年发臭，反映过多次还没解决。",
    ),
    "water.livestock": (
        "{place}养猪场的粪水直接往沟里排，整个村子都是臭味。",
        "{place}养殖场粪便乱堆，一下雨就冲到河里，河水都变绿了。",
    ),
    "water.drinking_source": (
        "{place}水源地附近有人在建房子，这可是我们的饮用水，请尽快制止。",
        "{place}水库边经常有人钓鱼、游泳，还乱扔垃圾，担心影响饮用水安全。",
    ),
    "soil.contaminated_site": (
        "{place}老化工厂的地块在挖土施工，气味很大，不知道土有没有污染。",
        "{place}原来的化工厂拆了以后一直有异味，听说要盖房子，大家很担心。",
    ),
    "soil.farmland": (
        "{place}的地种出来的庄稼长得不好，怀疑是旁边工厂排水污染了土壤。",
        "{place}有人用工厂排出的水浇地，庄稼发黄，请派人查一查。",
    ),
    "solid.dumping": (
        "{place}路边堆了很多生活垃圾，好久没人清运，又脏又臭。",
        "{place}空地上有人乱倒垃圾，越堆越多，老鼠苍蝇到处都是。",
    ),
    "solid.hazardous": (
        "{place}厂区外面堆着很多铁桶，有的在漏油，不知道装的是什么。",
        "{place}晚上有车往外运废桶、废渣，怀疑是危险废物乱倒。",
    ),
    "solid.construction": (
        "{place}半夜有渣土车来倒建筑垃圾，已经堆成小山了。",
        "{place}路边堆满了装修垃圾，占了半条路，也没人管。",
    ),
    "noise.construction": (
        "{place}工地每天晚上施工到凌晨，机器轰隆隆的，根本睡不着。",
        "{place}打桩机从早响到晚，家里老人心脏不好，实在受不了。",
    ),
    "noise.industrial": (
        "{place}厂里的机器日夜不停，噪声很大，晚上吵得没法睡觉。",
        "{place}风机噪声特别大，夜里尤其明显，住在旁边的居民都很头疼。",
    ),
    "noise.traffic": (
        "{place}大货车整夜经过，还一直鸣笛，窗户关上也挡不住。",
        "{place}车流量大，噪声很吵，能不能装隔音屏或者限制夜间鸣笛。",
    ),
    "noise.social": (
        "{place}每天晚上广场舞音响开得特别大，一直跳到十点以后。",
        "{place}有{m}家商铺用高音喇叭循环播放广告，从早吵到晚。",
    ),
    "eco.protected_area": (
        "{place}保护区里有人在盖房子、修路，山都被挖开了。",
        "{place}景区里有人违规搞开发，树砍了不少，请有关部门看看。",
    ),
    "eco.mining": (
        "{place}采石场把山挖得光秃秃的，一下雨就泥石冲到路上。",
        "{place}矿山停产了也没人修复，大片裸露山体，扬尘很大。",
    ),
    "eco.shoreline": (
        "{place}河边有人搭了棚子、堆了砂石，把河道都占了。",
        "{place}岸边违规建了房子，汛期担心影响行洪。",
    ),
    "eco.vegetation": (
        "{place}山上的树被成片砍了，改种果树，不知道有没有审批。",
        "{place}有人偷偷砍树，山坡上到处是树桩。",
    ),
}
OPENINGS = ("", "", "我是附近的居民，", "您好，", "反映一个问题：", "我家就住在旁边，")
AGAIN = "之前反映的问题整改过，最近又出现了："
PLEAS = (
    "希望有关部门尽快处理！",
    "请环保部门来看看。",
    "已经持续很长时间了，恳请尽快解决。",
    "之前反映过，还没有解决，请抓紧处理。",
    "",
)
# Complaints a supervisor does not accept: (the category the sender chose, what they wrote,
# the reason they then read on the tracking page).
DECLINED: tuple[tuple[str, str, str], ...] = (
    ("noise.social", "楼上邻居家里装修，周末一大早就开始敲，吵得不行。",
     "住宅室内装修噪声由物业和公安机关处理，请向所在小区物业反映或拨打110。"),
    ("air.dust", "这里有污染，请来查。",
     "所反映内容过于简单，无法确定具体地点和问题，请补充后重新提交。"),
    ("solid.dumping", "小区垃圾桶不够用，物业清运不及时，能不能多放几个桶。",
     "小区内垃圾桶配置和清运属于物业服务事项，请向小区物业或住房和城乡建设部门反映。"),
    ("water.black_odorous", "家里自来水有点发黄，是不是水源被污染了？",
     "自来水水质问题请向供水企业反映，已将您的诉求转告供水企业。"),
    ("noise.traffic", "小区门口路口的红绿灯时间太短，车辆经常鸣笛。",
     "交通信号灯设置不属于生态环境问题，请向公安交通管理部门反映。"),
    ("eco.shoreline", "河边有人钓鱼，希望禁止。",
     "经核实，该河段不在禁钓范围内，垂钓不属于违法行为，感谢您的关注。"),
)
CONTACT_SHARE = 0.6
FULL_NAME_SHARE = 0.3


def complaint_text(code: str, rng: random.Random, *, place: str, again: bool = False) -> str:
    """One complaint about a problem of category ``code`` at ``place``, as someone would type it.

    ``again``: the problem was put right once and has come back.
    """
    voice = rng.choice(VOICES[code]).format(place=place, m=rng.randint(2, 5))
    opening = AGAIN if again else rng.choice(OPENINGS)
    return opening + voice + rng.choice(PLEAS)


def contact(rng: random.Random) -> tuple[str, str]:
    """A name and a mainland mobile number, or nothing: many people file without them."""
    if rng.random() >= CONTACT_SHARE:
        return "", ""
    surname = rng.choice(names.SURNAMES)
    name = (surname + rng.choice(names.GIVEN_NAMES) if rng.random() < FULL_NAME_SHARE
            else surname + rng.choice(("先生", "女士")))
    return name, f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
