-- leading comment; with a semicolon
/* block comment; with a semicolon */

/* nested /* block; comment */ still a comment; */
CREATE TABLE t1 (
    id int, -- trailing comment; with semicolon
    /* inline */ name text
);
SELECT 1 /* a comment before the semicolon */;
SELECT 2; -- comment after the statement
SELECT 3 -- comment without newline at the end of a statement
;
SELECT a--b is a comment
FROM t1;
SELECT 4 */ 2; /**/ SELECT 5;
-- only a comment at the end
