package postgres_test

import "github.com/tidemigrate/tide/schema"

// fixtureModel is what testdata/inspect_fixture.sql must inspect to, as
// PostgreSQL 13 and later print it.
func fixtureModel() *schema.Schema {
	notNull := func(name, typ string) *schema.Column { return &schema.Column{Name: name, Type: typ} }
	eventCols := func(kindDefault string) []*schema.Column {
		return []*schema.Column{
			notNull("id", "bigint"),
			notNull("at", "date"),
			{Name: "kind", Type: "text", Nullable: true, Default: kindDefault},
		}
	}
	return &schema.Schema{
		Dialect: "postgres",
		Name:    "public",
		Tables: []*schema.Table{{
			Name: "Mixed Case",
			Columns: []*schema.Column{
				notNull("Id", "integer"),
				{Name: "select", Type: "text", Nullable: true},
				{Name: "Ref", Type: "integer", Nullable: true},
			},
			PrimaryKey:  &schema.PrimaryKey{Columns: []string{"Id"}},
			Uniques:     []*schema.Unique{{Columns: []string{"select"}}},
			ForeignKeys: []*schema.ForeignKey{{Columns: []string{"Ref"}, RefTable: "Mixed Case", RefColumns: []string{"Id"}}},
			Indexes:     []*schema.Index{{Name: "Mixed Case lower", Parts: []*schema.IndexPart{{Expr: `lower("select")`}}}},
		}, {
			Name:       "events",
			Columns:    eventCols("'x'::text"),
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"id", "at"}},
			Indexes:    []*schema.Index{{Name: "events_kind", Parts: []*schema.IndexPart{{Column: "kind"}}}},
			Options:    map[string]string{"partition by": "RANGE (at)"},
		}, {
			Name:    "events_2024",
			Columns: eventCols("'x'::text"),
			Options: map[string]string{
				"partition of":    "events",
				"partition bound": "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
			},
		}, {
			Name:    "events_old",
			Columns: eventCols("'old'::text"),
			Checks:  []*schema.Check{{Name: "events_old_kind", Expr: "(kind <> ''::text)"}},
			Options: map[string]string{"partition of": "events", "partition bound": "DEFAULT"},
		}, {
			Name: "orders",
			Columns: []*schema.Column{
				{Name: "id", Type: "integer", Default: "nextval('orders_id_seq'::regclass)"},
				notNull("user_id", "bigint"),
				notNull("sku", "text"),
				{Name: "qty", Type: "integer", Default: "1"},
			},
			PrimaryKey: &schema.PrimaryKey{Name: "orders_pk", Columns: []string{"id"}},
			Uniques:    []*schema.Unique{{Columns: []string{"user_id", "sku"}, Deferrable: "DEFERRABLE"}},
			ForeignKeys: []*schema.ForeignKey{{
				Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"},
				OnDelete: "CASCADE", OnUpdate: "RESTRICT",
			}},
			Options: map[string]string{"with": "fillfactor=80"},
		}, {
			Name: "readings_taken_by_the_field_teams_every_morning_and_evening",
			Columns: []*schema.Column{
				notNull("sensor_identifier_assigned_by_the_manufacturer_at_the_factory", "bigint"),
				{Name: "value", Type: "integer", Nullable: true},
			},
			Uniques: []*schema.Unique{{Columns: []string{"sensor_identifier_assigned_by_the_manufacturer_at_the_factory", "value"}}},
			Checks:  []*schema.Check{{Expr: "(value < 1000)"}, {Expr: "(value > 0)"}},
			ForeignKeys: []*schema.ForeignKey{{
				Columns:  []string{"sensor_identifier_assigned_by_the_manufacturer_at_the_factory"},
				RefTable: "users", RefColumns: []string{"id"}, Deferrable: "DEFERRABLE INITIALLY DEFERRED",
			}},
		}, {
			Name:       "renamed_to",
			Columns:    []*schema.Column{notNull("id", "integer"), {Name: "v", Type: "integer", Nullable: true}},
			PrimaryKey: &schema.PrimaryKey{Name: "renamed_from_pkey", Columns: []string{"id"}},
			Checks:     []*schema.Check{{Name: "renamed_from_v_check", Expr: "(v > 0)"}},
		}, {
			Name:       "scratch",
			Columns:    []*schema.Column{notNull("k", "text"), {Name: "v", Type: "jsonb", Nullable: true}},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"k"}},
			Indexes: []*schema.Index{{
				Name: "scratch_v", Method: "gin",
				Parts: []*schema.IndexPart{{Column: "v", Opclass: "jsonb_path_ops"}},
			}},
			Options: map[string]string{"unlogged": "true"},
		}, {
			Name: "users",
			Columns: []*schema.Column{
				{Name: "id", Type: "bigint", Identity: schema.IdentityAlways},
				{Name: "email", Type: "character varying(200)", Comment: "Unique, as typed"},
				{Name: "name", Type: "text", Nullable: true, Collation: `"C"`},
				{Name: "mood", Type: "mood", Nullable: true, Default: "'happy'::mood"},
				{Name: "score", Type: "numeric(8,2)", Nullable: true, Default: "0"},
				{Name: "code", Type: "text", Nullable: true, Default: "next_code()"},
				{Name: "tags", Type: "text[]", Nullable: true, Default: "'{}'::text[]"},
				{Name: "created_at", Type: "timestamp with time zone", Default: "now()"},
				{Name: "updated_at", Type: "timestamp without time zone", Nullable: true},
				{Name: "email_lower", Type: "text", Nullable: true, Generated: "lower((email)::text)", Stored: true},
				{Name: "account_id", Type: "integer", Nullable: true},
				{Name: "nick", Type: "character varying(30)", Nullable: true},
			},
			PrimaryKey: &schema.PrimaryKey{Columns: []string{"id"}},
			Uniques:    []*schema.Unique{{Columns: []string{"email"}}},
			Checks: []*schema.Check{
				{Expr: "((created_at <= updated_at) OR (updated_at IS NULL))"},
				{Expr: "(score >= (0)::numeric)"},
				{Name: "users_name_not_blank", Expr: "(name <> ''::text)"},
			},
			ForeignKeys: []*schema.ForeignKey{{
				Columns: []string{"account_id"}, RefTable: "other.accounts", RefColumns: []string{"id"},
				OnDelete: "SET NULL",
			}},
			Indexes: []*schema.Index{
				{Name: "users_code", Unique: true, Parts: []*schema.IndexPart{{Column: "code"}}},
				{
					Name:    "users_created",
					Parts:   []*schema.IndexPart{{Column: "created_at", Desc: true}, {Column: "id", Nulls: "first"}},
					Include: []string{"email"},
				},
				{
					Name:  "users_lower_email",
					Parts: []*schema.IndexPart{{Expr: "lower((email)::text)", Opclass: "text_pattern_ops"}},
					Where: "(mood <> 'sad'::mood)",
				},
				{Name: "users_name_trgm", Method: "gin", Parts: []*schema.IndexPart{{Column: "name", Opclass: "gin_trgm_ops"}}},
				{Name: "users_norm_idx", Parts: []*schema.IndexPart{{Expr: "norm(name)"}}},
			},
			Comment: "People who sign in",
		}},
		Views: []*schema.View{
			{Name: "a_big_orders", Definition: " SELECT b_order_totals.user_id,\n    b_order_totals.total\n   FROM b_order_totals\n  WHERE b_order_totals.total > 10;"},
			{Name: "b_order_totals", Definition: " SELECT orders.user_id,\n    sum(orders.qty) AS total\n   FROM orders\n  GROUP BY orders.user_id;"},
			{
				Name: "c_user_stats", Materialized: true,
				Definition: " SELECT u.id,\n    count(o.id) AS n\n   FROM users u\n     LEFT JOIN orders o ON o.user_id = u.id\n  GROUP BY u.id;",
				Indexes:    []*schema.Index{{Name: "c_user_stats_id", Unique: true, Parts: []*schema.IndexPart{{Column: "id"}}}},
			},
			{Name: "d_totals", Definition: " SELECT aa_totals.user_id,\n    aa_totals.total\n   FROM aa_totals() aa_totals(user_id, total);"},
		},
		Routines: []*schema.Routine{
			{Name: "aa_totals", Kind: "function", Definition: "CREATE OR REPLACE FUNCTION aa_totals()\n RETURNS SETOF b_order_totals\n LANGUAGE sql\nBEGIN ATOMIC\n SELECT b_order_totals.user_id,\n     b_order_totals.total\n    FROM b_order_totals;\nEND"},
			{Name: "add", Kind: "function", Args: "a integer, b integer", Definition: "CREATE OR REPLACE FUNCTION add(a integer, b integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nRETURN (a + b)"},
			{Name: "add", Kind: "function", Args: "a numeric, b numeric", Definition: "CREATE OR REPLACE FUNCTION add(a numeric, b numeric)\n RETURNS numeric\n LANGUAGE sql\n IMMUTABLE\nRETURN (a + b)"},
			{Name: "archive", Kind: "procedure", Args: "IN before date", Definition: "CREATE OR REPLACE PROCEDURE archive(IN before date)\n LANGUAGE plpgsql\nAS $procedure$\nBEGIN\n    DELETE FROM events WHERE at < before;\nEND\n$procedure$"},
			{Name: "next_code", Kind: "function", Definition: "CREATE OR REPLACE FUNCTION next_code()\n RETURNS text\n LANGUAGE sql\nAS $function$ SELECT 'C' || nextval('invoice_no')::text $function$"},
			{Name: "norm", Kind: "function", Args: "t text", Definition: "CREATE OR REPLACE FUNCTION norm(t text)\n RETURNS text\n LANGUAGE sql\n IMMUTABLE\nRETURN lower(TRIM(BOTH FROM t))"},
			{Name: "touch", Kind: "function", Definition: "CREATE OR REPLACE FUNCTION touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$\nBEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND\n$function$"},
			{Name: "user_orders", Kind: "function", Args: "u users", Definition: "CREATE OR REPLACE FUNCTION user_orders(u users)\n RETURNS SETOF orders\n LANGUAGE sql\n STABLE\nAS $function$ SELECT * FROM orders WHERE user_id = u.id $function$"},
		},
		Triggers: []*schema.Trigger{{
			Name: "users_touch", Table: "users",
			Definition: "CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW WHEN (old.email::text IS DISTINCT FROM new.email::text) EXECUTE FUNCTION touch()",
		}},
		Sequences: []*schema.Sequence{
			{Name: "invoice_no", Type: "integer", Start: 1000, Increment: 5, Min: 1000, Max: 999999, Cache: 10, Cycle: true},
			{Name: "orders_id_seq", Type: "integer", Start: 1, Increment: 1, Min: 1, Max: 2147483647, Cache: 1, OwnedBy: "orders.id"},
		},
		Enums: []*schema.Enum{{Name: "mood", Values: []string{"happy", "sad", "it's complicated"}}},
	}
}
