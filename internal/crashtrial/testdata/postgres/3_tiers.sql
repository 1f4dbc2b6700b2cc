-- +tide up
ALTER TABLE accounts ADD COLUMN tier TEXT NOT NULL DEFAULT 'basic';
UPDATE accounts SET tier = 'gold' WHERE balance >= 15000;
SELECT pg_sleep(0.2);
CREATE INDEX accounts_tier_idx ON accounts (tier);
