INSERT INTO notes (body) VALUES ('it\'s; escaped'), ('doubled '' quote;'), ('backslash at end \\');
INSERT INTO notes (body) VALUES ("double \" quoted; string"), ("it's fine");
SELECT `weird;column`, `with``backtick` FROM `odd;table`;
SELECT 'a\\';
SELECT N'national', _utf8mb4'charset; intro', X'4D7953514C', b'1010';
SELECT "path C:\\dir\\" AS p;
