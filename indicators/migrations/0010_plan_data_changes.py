"""A change to a plan (its years, its base year, the parcels it covers) is a data change: every value may move."""

from django.db import migrations

from parcels.migrations import _triggers as t

TABLES = ["indicators_plan", "indicators_plan_parcels"]


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_incomplete_values")]

    operations = [migrations.RunSQL(t.triggers(table, "all"), t.drop_triggers(table, "all")) for table in TABLES]
