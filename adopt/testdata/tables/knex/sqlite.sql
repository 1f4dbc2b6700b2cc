-- knex, SQLite (node-sqlite3 stores a JavaScript Date as milliseconds)
create table `knex_migrations` (`id` integer not null primary key autoincrement, `name` varchar(255), `batch` integer, `migration_time` datetime);
create table `knex_migrations_lock` (`index` integer not null primary key autoincrement, `is_locked` integer);

insert into knex_migrations (id, name, batch, migration_time) values
(1, '20240101120000_create_users.js', 1, 1704164645000),
(2, '20240102120000_add_email.js', 1, 1704251045000),
(3, '20240103120000_orders.ts', 2, 1704337445000);
insert into knex_migrations_lock (is_locked) values (0);
