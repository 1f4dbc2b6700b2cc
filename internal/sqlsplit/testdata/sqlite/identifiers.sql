CREATE TABLE [order; items] ([item id] INTEGER, "qty;" INTEGER, `price;` REAL, 'legacy' TEXT);
INSERT INTO [order; items] VALUES (1, 2, 3.5, 'it''s; quoted');
SELECT "a""b", `c``d`, [e"f] FROM [order; items];
SELECT x'0A0B', :param, @at, $dollar, ?1, ? FROM t;
CREATE TABLE t2 (end_date TEXT, backend TEXT, "end" INTEGER);
