-- TypeORM, PostgreSQL
CREATE TABLE "migrations" ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL, "name" character varying NOT NULL, CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY ("id"));

INSERT INTO "migrations" ("id", "timestamp", "name") VALUES
(1, 1704164645000, 'CreateUsers1704164645000'),
(2, 1704251045000, 'AddEmail1704251045000');
