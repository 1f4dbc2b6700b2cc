-- The version table of schema 1, as tide created it on SQLite before
-- schema versions were recorded (dialect/sqlite CreateHistoryTable).
-- {{table}} is the quoted table name.
CREATE TABLE IF NOT EXISTS {{table}} (
	version TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	checksum TEXT NOT NULL,
	state TEXT NOT NULL,
	direction TEXT NOT NULL,
	statements_done INTEGER NOT NULL,
	progress_checksum TEXT NOT NULL,
	error TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL,
	execution_ms INTEGER NOT NULL,
	applied_by TEXT NOT NULL,
	applied_host TEXT NOT NULL
)
