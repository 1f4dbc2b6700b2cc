-- Laravel, MySQL: a migrations table that is not TypeORM's
create table `migrations` (`id` int unsigned not null auto_increment primary key, `migration` varchar(255) not null, `batch` int not null);

insert into migrations (migration, batch) values ('2014_10_12_000000_create_users_table', 1);
