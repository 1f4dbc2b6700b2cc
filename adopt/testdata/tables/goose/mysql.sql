-- goose v3, MySQL (internal/dialect/dialectquery)
CREATE TABLE goose_db_version (
	id serial NOT NULL,
	version_id bigint NOT NULL,
	is_applied boolean NOT NULL,
	tstamp timestamp NULL default now(),
	PRIMARY KEY(id)
);

INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES
(1, 0, true, FROM_UNIXTIME(1704164645)), -- the row goose writes when it creates the table
(2, 1, true, FROM_UNIXTIME(1704164645)),
(3, 2, true, FROM_UNIXTIME(1704251045)),
(4, 3, true, FROM_UNIXTIME(1704337445)),
(5, 4, true, FROM_UNIXTIME(1704337445)),
(6, 3, false, FROM_UNIXTIME(1704423845)), -- 3 rolled back (goose v1/v2 style)
(7, 20240105120000, true, FROM_UNIXTIME(1704423845)),
(8, 3, true, FROM_UNIXTIME(1704510245)), -- 3 applied again
(9, 4, false, FROM_UNIXTIME(1704510245)); -- 4 rolled back
