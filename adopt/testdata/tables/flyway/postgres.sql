-- Flyway, PostgreSQL (createMetaDataTable.sql)
CREATE TABLE "flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");

INSERT INTO "flyway_schema_history" ("installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "installed_on", "execution_time", "success") VALUES
(1, '0', '<< Flyway Schema Creation >>', 'SCHEMA', '"app"', NULL, 'flyway', TIMESTAMPTZ '2024-01-02 03:04:05+00', 0, true), -- schema creation marker
(2, '1', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, 'flyway', TIMESTAMPTZ '2024-01-02 03:04:05+00', 0, true), -- baseline at 1
(3, '1.1', 'add users', 'SQL', 'V1_1__add_users.sql', 1234567890, 'flyway', TIMESTAMPTZ '2024-01-03 03:04:05+00', 12, true),
(4, '1.2', 'add orders', 'SQL', 'V1_2__add_orders.sql', -98765, 'flyway', TIMESTAMPTZ '2024-01-03 03:04:05+00', 5, false), -- failed (MySQL: no transactional DDL)
(5, '1.2', 'add orders', 'SQL', 'V1_2__add_orders.sql', -98765, 'flyway', TIMESTAMPTZ '2024-01-04 03:04:05+00', 7, true), -- fixed and applied
(6, NULL, 'views', 'SQL', 'R__views.sql', 111, 'flyway', TIMESTAMPTZ '2024-01-04 03:04:05+00', 3, true), -- repeatable
(7, '1.10', 'seed', 'JDBC', 'db.migration.V1_10__seed', NULL, 'flyway', TIMESTAMPTZ '2024-01-04 03:04:05+00', 20, true), -- Java migration
(8, '1.3', 'temp', 'SQL', 'V1_3__temp.sql', 222, 'flyway', TIMESTAMPTZ '2024-01-04 03:04:05+00', 1, true),
(9, '1.3', 'temp', 'UNDO_SQL', 'U1_3__temp.sql', 333, 'flyway', TIMESTAMPTZ '2024-01-05 03:04:05+00', 1, true), -- 1.3 undone
(10, NULL, 'views', 'SQL', 'R__views.sql', 112, 'flyway', TIMESTAMPTZ '2024-01-05 03:04:05+00', 3, true), -- repeatable changed and re-run
(11, '2', 'gone', 'SQL', 'V2__gone.sql', 444, 'flyway', TIMESTAMPTZ '2024-01-05 03:04:05+00', 1, true),
(12, '2', 'gone', 'DELETE', 'V2__gone.sql', 444, 'flyway', TIMESTAMPTZ '2024-01-06 03:04:05+00', 0, true); -- repair marked the missing V2 deleted
