-- DML only: one transaction with its record.
-- +tide up
INSERT INTO digits (d) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
INSERT INTO accounts (id, email, balance)
SELECT n, CONCAT('user', n, '@example.com'), n * 10
FROM (SELECT a.d * 1000 + b.d * 100 + c.d * 10 + e.d + 1 AS n FROM digits a, digits b, digits c, digits e WHERE a.d < 2) s;
SELECT SLEEP(0.2);
INSERT INTO ledger (id, account_id, amount, note)
SELECT id, id, id * 10, 'opening' FROM accounts;
