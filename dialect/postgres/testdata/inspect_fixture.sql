-- The rich schema the inspector tests build: every kind of object the
-- model holds, with names PostgreSQL invents and names it does not.
-- Expects pg_trgm installed and a schema "other" with a table accounts.

CREATE TYPE mood AS ENUM ('happy', 'sad', 'it''s complicated');

CREATE SEQUENCE invoice_no AS integer START WITH 1000 INCREMENT BY 5
    MINVALUE 1000 MAXVALUE 999999 CACHE 10 CYCLE;

CREATE FUNCTION next_code() RETURNS text LANGUAGE sql
    AS $$ SELECT 'C' || nextval('invoice_no')::text $$;

CREATE FUNCTION norm(t text) RETURNS text LANGUAGE sql IMMUTABLE
    RETURN lower(trim(t));

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(200) NOT NULL UNIQUE,
    name text COLLATE "C",
    mood mood DEFAULT 'happy',
    score numeric(8,2) DEFAULT 0 CHECK (score >= 0),
    code text DEFAULT next_code(),
    tags text[] DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamp,
    email_lower text GENERATED ALWAYS AS (lower(email)) STORED,
    account_id int REFERENCES other.accounts (id) ON DELETE SET NULL,
    nick varchar(30) DEFAULT NULL,
    CONSTRAINT users_name_not_blank CHECK (name <> ''),
    CHECK (created_at <= updated_at OR updated_at IS NULL)
);
COMMENT ON TABLE users IS 'People who sign in';
COMMENT ON COLUMN users.email IS 'Unique, as typed';
CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops);
CREATE INDEX users_lower_email ON users (lower(email::text) text_pattern_ops) WHERE mood <> 'sad';
CREATE INDEX users_created ON users (created_at DESC, id NULLS FIRST) INCLUDE (email);
CREATE UNIQUE INDEX users_code ON users (code);
CREATE INDEX ON users (norm(name));

CREATE TABLE orders (
    id serial,
    user_id bigint NOT NULL,
    sku text NOT NULL,
    qty int NOT NULL DEFAULT 1,
    CONSTRAINT orders_pk PRIMARY KEY (id),
    UNIQUE (user_id, sku) DEFERRABLE,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE RESTRICT
) WITH (fillfactor = 80);

CREATE UNLOGGED TABLE scratch (k text PRIMARY KEY, v jsonb);
CREATE INDEX scratch_v ON scratch USING gin (v jsonb_path_ops);

CREATE TABLE events (
    id bigint NOT NULL,
    at date NOT NULL,
    kind text DEFAULT 'x',
    PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE INDEX events_kind ON events (kind);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_old PARTITION OF events (
    kind DEFAULT 'old',
    CONSTRAINT events_old_kind CHECK (kind <> '')
) DEFAULT;

CREATE TABLE tide_migrations (id serial PRIMARY KEY, version text NOT NULL);
CREATE TRIGGER tide_touch BEFORE UPDATE ON tide_migrations FOR EACH ROW EXECUTE FUNCTION touch();

CREATE TRIGGER users_touch BEFORE UPDATE ON users
    FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION touch();

CREATE VIEW b_order_totals AS
    SELECT user_id, sum(qty) AS total FROM orders GROUP BY user_id;
CREATE VIEW a_big_orders AS SELECT * FROM b_order_totals WHERE total > 10;
CREATE MATERIALIZED VIEW c_user_stats AS
    SELECT u.id, count(o.id) AS n FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id;
CREATE UNIQUE INDEX c_user_stats_id ON c_user_stats (id);

CREATE FUNCTION user_orders(u users) RETURNS SETOF orders LANGUAGE sql STABLE
    AS $$ SELECT * FROM orders WHERE user_id = u.id $$;
CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN a + b;
CREATE FUNCTION add(a numeric, b numeric) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN a + b;
CREATE PROCEDURE archive(before date) LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM events WHERE at < before;
END
$$;
CREATE FUNCTION aa_totals() RETURNS SETOF b_order_totals LANGUAGE sql
BEGIN ATOMIC
    SELECT * FROM b_order_totals;
END;
CREATE VIEW d_totals AS SELECT * FROM aa_totals();

-- Names PostgreSQL cuts to 63 bytes and numbers, and names it no longer
-- invents once the table is renamed.
CREATE TABLE readings_taken_by_the_field_teams_every_morning_and_evening (
    sensor_identifier_assigned_by_the_manufacturer_at_the_factory bigint NOT NULL
        REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
    value int CHECK (value > 0) CHECK (value < 1000),
    UNIQUE (sensor_identifier_assigned_by_the_manufacturer_at_the_factory, value)
);
CREATE TABLE renamed_from (id int PRIMARY KEY, v int CHECK (v > 0));
ALTER TABLE renamed_from RENAME TO renamed_to;

-- Names that must be quoted.
CREATE TABLE "Mixed Case" ("Id" int PRIMARY KEY, "select" text UNIQUE, "Ref" int REFERENCES "Mixed Case");
CREATE INDEX "Mixed Case lower" ON "Mixed Case" (lower("select"));
