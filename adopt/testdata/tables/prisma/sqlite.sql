-- Prisma schema engine, SQLite
CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);

INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count") VALUES
('0d2f3c4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f', '3b4e1b1f5a0c8a4f2e64c8d7b1b52f0e4c7e9a1d2b3c4d5e6f708192a3b4c5d6', 1704164645250, '20240101120000_init', NULL, NULL, 1704164645000, 1),
('5b6c7d8e-2b3c-4d5e-9f0a-1b2c3d4e5f60', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', NULL, '20240102120000_add_email', 'Database error: column "email" already exists', '2024-01-03T03:04:05+00:00', '2024-01-03T03:04:05+00:00', 0), -- failed, then resolved --rolled-back
('6c7d8e9f-3c4d-4e5f-8a0b-2c3d4e5f6071', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', '2024-01-04T03:04:05.250+00:00', '20240102120000_add_email', NULL, NULL, '2024-01-04T03:04:05+00:00', 1); -- fixed and applied
