PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS users (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email      TEXT NOT NULL UNIQUE CHECK (email LIKE '%_@_%'),
    role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX users_role ON users (role) WHERE role <> 'member';

CREATE VIEW user_roles AS
SELECT id, CASE role WHEN 'admin' THEN 1 ELSE 0 END AS is_admin FROM users;

CREATE TRIGGER users_touch AFTER UPDATE ON users
BEGIN
    UPDATE users SET created_at = created_at WHERE id = NEW.id;
END;

INSERT INTO users (email, role) VALUES ('a@example.com', 'admin') ON CONFLICT (email) DO UPDATE SET role = excluded.role;

ALTER TABLE users ADD COLUMN last_login TEXT
