-- dbmate v2, pkg/driver/postgres
create table if not exists "schema_migrations" (version varchar(128) primary key);

insert into schema_migrations (version) values
('20240101120000'),
('20240102120000'),
('20240103120000');
