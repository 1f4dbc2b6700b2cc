-- goose v3, SQLite (internal/dialect/dialectquery/sqlite3.go)
CREATE TABLE goose_db_version (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	version_id INTEGER NOT NULL,
	is_applied INTEGER NOT NULL,
	tstamp TIMESTAMP DEFAULT (datetime('now'))
);

INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES
(1, 0, 1, '2024-01-02 03:04:05'), -- the row goose writes when it creates the table
(2, 1, 1, '2024-01-02 03:04:05'),
(3, 2, 1, '2024-01-03 03:04:05'),
(4, 3, 1, '2024-01-04 03:04:05'),
(5, 4, 1, '2024-01-04 03:04:05'),
(6, 3, 0, '2024-01-05 03:04:05'), -- 3 rolled back (goose v1/v2 style)
(7, 20240105120000, 1, '2024-01-05 03:04:05'),
(8, 3, 1, '2024-01-06 03:04:05'), -- 3 applied again
(9, 4, 0, '2024-01-06 03:04:05'); -- 4 rolled back
