"""The standard catalogue of problem categories per domain (editable later in the admin)."""

from django.db import migrations

CATEGORIES = [
    ("air", "air.industrial", "工业废气排放"),
    ("air", "air.dust", "扬尘污染"),
    ("air", "air.vocs", "挥发性有机物"),
    ("air", "air.vehicle", "机动车及非道路机械排放"),
    ("air", "air.burning", "露天焚烧"),
    ("air", "air.catering", "餐饮油烟"),
    ("water", "water.outfall", "入河排污口"),
    ("water", "water.black_odorous", "黑臭水体"),
    ("water", "water.industrial", "工业废水"),
    ("water", "water.sewage", "生活污水直排"),
    ("water", "water.livestock", "畜禽养殖污染"),
    ("water", "water.drinking_source", "饮用水水源地"),
    ("soil", "soil.contaminated_site", "污染地块"),
    ("soil", "soil.farmland", "农用地污染"),
    ("solid_waste", "solid.dumping", "非法倾倒堆放"),
    ("solid_waste", "solid.hazardous", "危险废物"),
    ("solid_waste", "solid.construction", "建筑垃圾"),
    ("noise", "noise.construction", "建筑施工噪声"),
    ("noise", "noise.industrial", "工业噪声"),
    ("noise", "noise.traffic", "交通噪声"),
    ("noise", "noise.social", "社会生活噪声"),
    ("ecology", "eco.protected_area", "自然保护地违法违规"),
    ("ecology", "eco.mining", "矿山生态破坏"),
    ("ecology", "eco.shoreline", "河湖岸线侵占"),
    ("ecology", "eco.vegetation", "植被破坏"),
]


def load(apps, schema_editor):
    Category = apps.get_model("ledger", "Category")
    for domain, code, name in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "domain": domain})


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
