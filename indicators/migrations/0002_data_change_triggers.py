"""Record changes to targets, benchmarks and base values, which move progress but not values."""

from django.db import migrations

from parcels.migrations import _triggers as t

TABLES = ["indicators_indicator", "indicators_benchmarkvalue", "indicators_basevalue", "indicators_parceltarget"]


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("parcels", "0002_data_change_triggers")]

    operations = [migrations.RunSQL(t.triggers(table, "all"), t.drop_triggers(table, "all")) for table in TABLES]
