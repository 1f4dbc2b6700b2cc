-- knex, PostgreSQL
create table "knex_migrations" ("id" serial primary key, "name" varchar(255), "batch" integer, "migration_time" timestamptz);
create table "knex_migrations_lock" ("index" serial primary key, "is_locked" integer);

insert into knex_migrations (id, name, batch, migration_time) values
(1, '20240101120000_create_users.js', 1, TIMESTAMPTZ '2024-01-02 03:04:05+00'),
(2, '20240102120000_add_email.js', 1, TIMESTAMPTZ '2024-01-03 03:04:05+00'),
(3, '20240103120000_orders.ts', 2, TIMESTAMPTZ '2024-01-04 03:04:05+00');
insert into knex_migrations_lock (is_locked) values (0);
