-- Awkward names, escapes and engines, for the round trip in
-- inspect_test.go (TestInspectEdges).
CREATE TABLE `select` (
  `the id` INT NOT NULL,
  `we``ird` VARCHAR(10) DEFAULT 'a\\b''c' COMMENT 'back\\slash ''quoted''',
  `order` INT DEFAULT NULL,
  doc JSON CHECK (json_length(doc) > 0),
  code VARCHAR(100),
  PRIMARY KEY (`the id`),
  UNIQUE KEY code_prefix (code(10)),
  CONSTRAINT `chk ``q``` CHECK (`order` > 0)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC COMMENT='it''s a \\ table';

CREATE TABLE legacy (
  a INT NOT NULL,
  b INT NOT NULL,
  name VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_bin,
  note TEXT,
  ts TIMESTAMP NULL,
  PRIMARY KEY (a, b),
  KEY legacy_note (note(5))
) ENGINE=MyISAM DEFAULT CHARSET=latin1;

CREATE TABLE pairs (a INT NOT NULL, b INT NOT NULL, PRIMARY KEY (a, b));

CREATE TABLE child (
  id INT AUTO_INCREMENT PRIMARY KEY,
  a INT,
  b INT,
  FOREIGN KEY (a, b) REFERENCES pairs (a, b) ON UPDATE CASCADE
);

CREATE TABLE mem (k INT NOT NULL, v INT, UNIQUE KEY mem_k (k), KEY mem_v (v)) ENGINE=MEMORY;

CREATE TABLE nopk (x INT, y INT, UNIQUE (x), UNIQUE (x, y));

CREATE VIEW `a view` AS SELECT `the id`, 'select.`x`' AS s FROM `select`;
