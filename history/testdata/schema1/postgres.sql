-- The version table of schema 1, as tide created it on PostgreSQL before
-- schema versions were recorded (dialect/postgres CreateHistoryTable).
-- {{table}} is the quoted table name.
CREATE TABLE IF NOT EXISTS {{table}} (
	version text PRIMARY KEY,
	name text NOT NULL,
	kind text NOT NULL,
	checksum text NOT NULL,
	state text NOT NULL,
	direction text NOT NULL,
	statements_done integer NOT NULL,
	progress_checksum text NOT NULL,
	error text NOT NULL,
	applied_at timestamptz NOT NULL,
	execution_ms bigint NOT NULL,
	applied_by text NOT NULL,
	applied_host text NOT NULL
)
