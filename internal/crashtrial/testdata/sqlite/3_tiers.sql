-- +tide up
ALTER TABLE accounts ADD COLUMN tier TEXT NOT NULL DEFAULT 'basic';
UPDATE accounts SET tier = 'gold' WHERE balance >= 15000;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) SELECT count(*) FROM c;
CREATE INDEX accounts_tier_idx ON accounts (tier);
