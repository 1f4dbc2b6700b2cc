-- Sequelize (umzug SequelizeStorage), PostgreSQL
CREATE TABLE IF NOT EXISTS "SequelizeMeta" ("name" VARCHAR(255) NOT NULL UNIQUE , PRIMARY KEY ("name"));

INSERT INTO "SequelizeMeta" ("name") VALUES
('20240101120000-create-user.js'),
('20240102120000-add-email.js'),
('initial-seed.js');
