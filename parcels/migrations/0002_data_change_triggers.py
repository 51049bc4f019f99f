"""Record every change to the statistics in parcels_datachange, in the same transaction.

Statement-level triggers with transition tables catch bulk writes, raw SQL and
admin edits alike, and note which periods were touched so a recompute can be
limited to them. indicators' migrations attach the same function to the
benchmark, target and base-value tables (with no years: progress only).
"""

from django.db import migrations

from parcels.migrations._triggers import FUNCTION, drop_triggers, triggers


class Migration(migrations.Migration):
    dependencies = [("parcels", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS parkplan_record_change();"),
        migrations.RunSQL(
            triggers("parcels_statistic", "periods"), drop_triggers("parcels_statistic", "periods")
        ),
    ]
