-- +tide up
CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL);

-- +tide down
DROP TABLE users;
