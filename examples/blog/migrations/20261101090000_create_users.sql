-- Users of the blog.
-- +tide up
CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    email      VARCHAR(255) NOT NULL UNIQUE,
    name       VARCHAR(100) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- +tide down
DROP TABLE users;
