-- Strings: standard strings keep backslashes, E'' strings escape with them.
INSERT INTO paths (p) VALUES ('C:\temp\'), ('it''s; fine');
INSERT INTO notes (body) VALUES (E'it\'s a \\ backslash; still a string'), (e'tab\there');
SELECT E'first part\n'
    'continued \' in escape mode;'
    AS continued;
SELECT 'plain' -- a comment between the parts
'second part, plain\' AS two_parts;
SELECT U&'d\0061t\+000061', B'1010', X'1F', N'national';
SELECT "weird;column", "with ""quotes""" FROM "odd;table";
COMMENT ON TABLE paths IS 'Paths; with a semicolon';
