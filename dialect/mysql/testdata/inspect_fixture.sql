-- A schema with every kind of object the inspector reads, for
-- inspect_test.go. MariaDB-only statements are in inspect_mariadb.sql.
CREATE TABLE users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email VARCHAR(200) NOT NULL COLLATE utf8mb4_bin COMMENT 'login, as typed',
  name VARCHAR(100) NOT NULL DEFAULT 'it''s',
  age INT CHECK (age >= 0),
  score DECIMAL(10,2) DEFAULT 1.50,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  settings JSON,
  kind ENUM('a','b') NOT NULL DEFAULT 'a',
  token CHAR(36) DEFAULT (uuid()),
  double_age INT AS (age * 2) VIRTUAL,
  email_lower VARCHAR(200) AS (lower(email)) STORED,
  bio TEXT,
  PRIMARY KEY (id),
  UNIQUE (email),
  CONSTRAINT users_name_kind UNIQUE (name, kind),
  CONSTRAINT score_positive CHECK (score > 0),
  CHECK (name <> ''),
  KEY users_bio (bio(20)),
  KEY users_created_desc (created DESC, id),
  FULLTEXT KEY users_bio_ft (bio)
) ENGINE=InnoDB COMMENT='people';

CREATE TABLE orders (
  id INT NOT NULL,
  user_id BIGINT UNSIGNED,
  ref_user BIGINT UNSIGNED,
  total DECIMAL(12,2) NOT NULL DEFAULT 0,
  note VARCHAR(50) CHARACTER SET latin1,
  PRIMARY KEY (id),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT orders_ref FOREIGN KEY (ref_user) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE TABLE order_lines (
  order_id INT NOT NULL,
  line INT NOT NULL,
  sku VARCHAR(20) NOT NULL,
  PRIMARY KEY (order_id, line),
  FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE RESTRICT
) COLLATE utf8mb4_bin;

CREATE TABLE cache (
  k VARCHAR(40) NOT NULL,
  v VARBINARY(100),
  PRIMARY KEY (k),
  KEY cache_v (v) USING BTREE
) ENGINE=MEMORY;

CREATE TABLE places (
  id INT NOT NULL PRIMARY KEY,
  pos POINT NOT NULL,
  SPATIAL INDEX places_pos (pos)
);

CREATE VIEW big_orders AS
  SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 100;

CREATE VIEW active_users AS SELECT id, name FROM users WHERE active WITH CASCADED CHECK OPTION;

CREATE FUNCTION order_total(o INT) RETURNS DECIMAL(12,2)
  READS SQL DATA
  RETURN (SELECT total FROM orders WHERE id = o);

CREATE PROCEDURE touch_user(IN uid BIGINT UNSIGNED, OUT n INT)
BEGIN
  UPDATE users SET name = name WHERE id = uid;
  SET n = ROW_COUNT();
END;

CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = GREATEST(NEW.total, 0);

CREATE TRIGGER users_au AFTER UPDATE ON users FOR EACH ROW
BEGIN
  IF NEW.age < 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative age';
  END IF;
END;
