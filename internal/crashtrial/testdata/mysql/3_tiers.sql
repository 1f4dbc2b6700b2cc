-- +tide up
ALTER TABLE accounts ADD COLUMN tier VARCHAR(20) NOT NULL DEFAULT 'basic';
UPDATE accounts SET tier = 'gold' WHERE balance >= 15000;
SELECT SLEEP(0.2);
CREATE INDEX accounts_tier_idx ON accounts (tier);
