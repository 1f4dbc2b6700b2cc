-- golang-migrate v4, database/mysql
CREATE TABLE IF NOT EXISTS `schema_migrations` (version bigint not null primary key, dirty boolean not null);

INSERT INTO schema_migrations (version, dirty) VALUES (20240103120000, false);
