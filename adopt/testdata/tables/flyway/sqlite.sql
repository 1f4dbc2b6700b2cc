-- Flyway, SQLite (createMetaDataTable.sql)
CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL PRIMARY KEY,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INT,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
    "execution_time" INT NOT NULL,
    "success" BOOLEAN NOT NULL
);
CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");

INSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "installed_on", "execution_time", "success") VALUES
(1, '0', '<< Flyway Schema Creation >>', 'SCHEMA', '"app"', NULL, 'flyway', '2024-01-02 03:04:05.000', 0, 1), -- schema creation marker
(2, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'flyway', '2024-01-02 03:04:05.000', 0, 1), -- baseline at 1
(3, '1.1', 'add users', 'SQL', 'V1_1__add_users.sql', 1234567890, 'flyway', '2024-01-03 03:04:05.000', 12, 1),
(4, '1.2', 'add orders', 'SQL', 'V1_2__add_orders.sql', -98765, 'flyway', '2024-01-03 03:04:05.000', 5, 0), -- failed (MySQL: no transactional DDL)
(5, '1.2', 'add orders', 'SQL', 'V1_2__add_orders.sql', -98765, 'flyway', '2024-01-04 03:04:05.000', 7, 1), -- fixed and applied
(6, NULL, 'views', 'SQL', 'R__views.sql', 111, 'flyway', '2024-01-04 03:04:05.000', 3, 1), -- repeatable
(7, '1.10', 'seed', 'JDBC', 'db.migration.V1_10__seed', NULL, 'flyway', '2024-01-04 03:04:05.000', 20, 1), -- Java migration
(8, '1.3', 'temp', 'SQL', 'V1_3__temp.sql', 222, 'flyway', '2024-01-04 03:04:05.000', 1, 1),
(9, '1.3', 'temp', 'UNDO_SQL', 'U1_3__temp.sql', 333, 'flyway', '2024-01-05 03:04:05.000', 1, 1), -- 1.3 undone
(10, NULL, 'views', 'SQL', 'R__views.sql', 112, 'flyway', '2024-01-05 03:04:05.000', 3, 1), -- repeatable changed and re-run
(11, '2', 'gone', 'SQL', 'V2__gone.sql', 444, 'flyway', '2024-01-05 03:04:05.000', 1, 1),
(12, '2', 'gone', 'DELETE', 'V2__gone.sql', 444, 'flyway', '2024-01-06 03:04:05.000', 0, 1); -- repair marked the missing V2 deleted
