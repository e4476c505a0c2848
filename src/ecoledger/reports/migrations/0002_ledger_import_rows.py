# Ledger imports: the key of every imported row, the summary and failure of an import.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0009_closed_problem_indexes'),
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='ledgerimport',
            name='failure',
            field=models.TextField(blank=True, help_text='Why the file could not be read or imported.', verbose_name='failure'),
        ),
        migrations.AddField(
            model_name='ledgerimport',
            name='summary',
            field=models.JSONField(blank=True, default=dict, help_text='Problems by status and district that the rows make, columns left aside.', verbose_name='summary'),
        ),
        migrations.AlterField(
            model_name='ledgerimport',
            name='status',
            field=models.CharField(choices=[('checked', 'Checked (dry run)'), ('queued', 'Importing'), ('imported', 'Imported'), ('failed', 'Failed')], default='checked', max_length=10, verbose_name='status'),
        ),
        migrations.CreateModel(
            name='ImportedRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=80, unique=True, verbose_name='row key')),
                ('sheet', models.CharField(blank=True, max_length=31, verbose_name='sheet')),
                ('row_number', models.PositiveIntegerField(verbose_name='row')),
                ('note', models.TextField(blank=True, verbose_name='note (备注)')),
                ('ledger_import', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imported_rows', to='reports.ledgerimport', verbose_name='ledger import')),
                ('problem', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='ledger_row', to='ledger.problem', verbose_name='problem')),
            ],
            options={
                'verbose_name': 'imported row',
                'verbose_name_plural': 'imported rows',
                'ordering': ['ledger_import', 'sheet', 'row_number'],
            },
        ),
    ]
