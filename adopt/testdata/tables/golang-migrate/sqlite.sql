-- golang-migrate v4, database/sqlite3
CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);
CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);

INSERT INTO schema_migrations (version, dirty) VALUES (20240103120000, 0);
