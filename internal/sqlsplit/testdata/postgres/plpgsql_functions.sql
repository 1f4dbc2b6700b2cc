-- 0004_audit.sql: audit trail with plpgsql functions.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    table_name text        NOT NULL,
    op         text        NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
    row_data   jsonb,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION audit_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO audit_log (table_name, op, row_data) VALUES (TG_TABLE_NAME, TG_OP, to_jsonb(OLD));
        RETURN OLD;
    END IF;
    INSERT INTO audit_log (table_name, op, row_data) VALUES (TG_TABLE_NAME, TG_OP, to_jsonb(NEW));
    RETURN NEW;
END;
$$;

CREATE FUNCTION make_slug(title text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT
AS $body$
DECLARE
    slug text := lower(title);
BEGIN
    -- a $$ inside this body is just text; so is a ';'
    EXECUTE $$SELECT 'x; y'$$;
    slug := regexp_replace(slug, '[^a-z0-9]+', '-', 'g');
    RETURN trim(both '-' from slug);
END
$body$;

CREATE TRIGGER users_audit
    AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION audit_trigger();

CREATE FUNCTION add(integer, integer) RETURNS integer
    AS 'select $1 + $2;'
    LANGUAGE SQL
    IMMUTABLE
    RETURNS NULL ON NULL INPUT;

CREATE FUNCTION nested_tags() RETURNS text LANGUAGE plpgsql AS $outer$
BEGIN
    RETURN $inner$ it's $outer inside; $not_a_tag $inner$ || $q$;$q$;
END;
$outer$;

PREPARE by_id (bigint) AS SELECT * FROM audit_log WHERE id = $1;
EXECUTE by_id(1);
