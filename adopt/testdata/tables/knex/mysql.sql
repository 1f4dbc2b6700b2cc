-- knex, MySQL
create table `knex_migrations` (`id` int unsigned not null auto_increment primary key, `name` varchar(255), `batch` int, `migration_time` timestamp NULL);
create table `knex_migrations_lock` (`index` int unsigned not null auto_increment primary key, `is_locked` int);

insert into knex_migrations (id, name, batch, migration_time) values
(1, '20240101120000_create_users.js', 1, FROM_UNIXTIME(1704164645)),
(2, '20240102120000_add_email.js', 1, FROM_UNIXTIME(1704251045)),
(3, '20240103120000_orders.ts', 2, FROM_UNIXTIME(1704337445));
insert into knex_migrations_lock (is_locked) values (0);
