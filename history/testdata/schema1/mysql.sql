-- The version table of schema 1, as tide created it on MySQL and MariaDB
-- before schema versions were recorded (dialect/mysql CreateHistoryTable).
-- {{table}} is the quoted table name.
CREATE TABLE IF NOT EXISTS {{table}} (
	version VARCHAR(255) NOT NULL PRIMARY KEY,
	name VARCHAR(255) NOT NULL,
	kind VARCHAR(16) NOT NULL,
	checksum VARCHAR(64) NOT NULL,
	state VARCHAR(16) NOT NULL,
	direction VARCHAR(8) NOT NULL,
	statements_done INT NOT NULL,
	progress_checksum VARCHAR(64) NOT NULL,
	error TEXT NOT NULL,
	applied_at DATETIME(6) NOT NULL,
	execution_ms BIGINT NOT NULL,
	applied_by VARCHAR(255) NOT NULL,
	applied_host VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
