from django.db import migrations


def install(apps, schema_editor):
    from ecoledger.audit.guards import install_guards

    install_guards(schema_editor.connection)


def remove(apps, schema_editor):
    from ecoledger.audit.guards import remove_guards

    remove_guards(schema_editor.connection)


def create_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.get_or_create(pk=1, defaults={"last_seq": 0, "last_hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        migrations.RunPython(install, remove),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
