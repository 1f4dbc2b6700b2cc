-- SQL-standard function bodies (PostgreSQL 14+).
CREATE FUNCTION grade(score int) RETURNS text
    LANGUAGE SQL IMMUTABLE
BEGIN ATOMIC
    SELECT CASE
        WHEN score >= 90 THEN 'A'
        WHEN score >= 80 THEN 'B'
        ELSE 'C'
    END;
END;

CREATE OR REPLACE PROCEDURE archive_orders(cutoff date)
LANGUAGE SQL
BEGIN ATOMIC
    INSERT INTO orders_archive SELECT * FROM orders WHERE created_at < cutoff;
    DELETE FROM orders WHERE created_at < cutoff;
    UPDATE stats SET archived = archived + 1, "end" = now(), s.end = 1;
END;

CREATE FUNCTION one() RETURNS int LANGUAGE SQL RETURN 1;

BEGIN;
UPDATE stats SET archived = 0;
END;
CREATE TABLE periods (begin date, "end" date, CHECK (begin < "end"));
