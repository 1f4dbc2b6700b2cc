-- Laravel, PostgreSQL: a migrations table that is not TypeORM's
create table "migrations" ("id" serial not null primary key, "migration" varchar(255) not null, "batch" integer not null);

insert into migrations (migration, batch) values ('2014_10_12_000000_create_users_table', 1);
