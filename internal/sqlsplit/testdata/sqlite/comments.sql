-- header; comment
/* block; comment
   over lines */
CREATE TABLE c (
  id INTEGER /* inline; */ PRIMARY KEY, -- the key; a comment
  v TEXT
);
SELECT 1; /* between */ SELECT 2;
SELECT 3 -- last comment without newline