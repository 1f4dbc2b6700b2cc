-- goose v3, PostgreSQL (internal/dialect/dialectquery)
CREATE TABLE goose_db_version (
	id serial NOT NULL,
	version_id bigint NOT NULL,
	is_applied boolean NOT NULL,
	tstamp timestamp NULL default now(),
	PRIMARY KEY(id)
);

INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES
(1, 0, true, TIMESTAMPTZ '2024-01-02 03:04:05+00'), -- the row goose writes when it creates the table
(2, 1, true, TIMESTAMPTZ '2024-01-02 03:04:05+00'),
(3, 2, true, TIMESTAMPTZ '2024-01-03 03:04:05+00'),
(4, 3, true, TIMESTAMPTZ '2024-01-04 03:04:05+00'),
(5, 4, true, TIMESTAMPTZ '2024-01-04 03:04:05+00'),
(6, 3, false, TIMESTAMPTZ '2024-01-05 03:04:05+00'), -- 3 rolled back (goose v1/v2 style)
(7, 20240105120000, true, TIMESTAMPTZ '2024-01-05 03:04:05+00'),
(8, 3, true, TIMESTAMPTZ '2024-01-06 03:04:05+00'), -- 3 applied again
(9, 4, false, TIMESTAMPTZ '2024-01-06 03:04:05+00'); -- 4 rolled back
