-- TypeORM, SQLite
CREATE TABLE "migrations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "timestamp" bigint NOT NULL, "name" varchar NOT NULL);

INSERT INTO "migrations" ("id", "timestamp", "name") VALUES
(1, 1704164645000, 'CreateUsers1704164645000'),
(2, 1704251045000, 'AddEmail1704251045000');
