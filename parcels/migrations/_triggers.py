"""SQL for the data-change triggers, shared by the parcels and indicators migrations."""

FUNCTION = """
CREATE OR REPLACE FUNCTION parkplan_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched integer[];
BEGIN
    -- A period is recorded as year * 10 + quarter (20242 is 2024 Q2).
    IF TG_ARGV[0] = 'periods' THEN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT year * 10 + quarter ORDER BY year * 10 + quarter) INTO touched FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT year * 10 + quarter ORDER BY year * 10 + quarter) INTO touched FROM old_rows;
        ELSIF TG_OP = 'UPDATE' THEN
            SELECT array_agg(DISTINCT period ORDER BY period) INTO touched
            FROM (SELECT year * 10 + quarter AS period FROM new_rows
                  UNION SELECT year * 10 + quarter FROM old_rows) AS both_sides;
        END IF;
        -- A statement that touched no rows changes nothing.
        IF TG_OP <> 'TRUNCATE' AND touched IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;
    -- An empty list means "every period" for statistics, "progress only" elsewhere.
    INSERT INTO parcels_datachange ("table", periods, at)
    VALUES (TG_TABLE_NAME, coalesce(touched, '{}'), now());
    RETURN NULL;
END;
$$;
"""


def triggers(table: str, mode: str) -> str:
    """Return the SQL that attaches parkplan_record_change to a table."""
    if mode == "periods":
        parts = [
            f"CREATE TRIGGER {table}_changed_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION parkplan_record_change('periods');",
            f"CREATE TRIGGER {table}_changed_upd AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION parkplan_record_change('periods');",
            f"CREATE TRIGGER {table}_changed_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION parkplan_record_change('periods');",
        ]
    else:
        parts = [
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION parkplan_record_change('all');",
        ]
    parts.append(
        f"CREATE TRIGGER {table}_changed_trunc AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION parkplan_record_change('{mode}');"
    )
    return "\n".join(parts)


def drop_triggers(table: str, mode: str) -> str:
    names = ["changed_ins", "changed_upd", "changed_del"] if mode == "periods" else ["changed"]
    return "\n".join(f"DROP TRIGGER IF EXISTS {table}_{n} ON {table};" for n in [*names, "changed_trunc"])
