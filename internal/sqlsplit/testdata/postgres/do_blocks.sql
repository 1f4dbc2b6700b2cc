/*
 * 0007: data fixes in anonymous blocks.
 */
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT id, email FROM users WHERE email <> lower(email) LOOP
        UPDATE users SET email = lower(r.email) WHERE id = r.id;
    END LOOP;
END
$$;

DO LANGUAGE plpgsql $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_readonly') THEN
        CREATE ROLE app_readonly;
    END IF;
    RAISE NOTICE 'role ready; moving on';
END
$do$;

do $fix$ begin perform 1; end $fix$;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_readonly;
