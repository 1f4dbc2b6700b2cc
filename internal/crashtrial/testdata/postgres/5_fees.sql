-- DML outside a transaction: each statement commits with its progress
-- record, and none of them may run twice.
-- +tide no-transaction
-- +tide up
INSERT INTO ledger (id, account_id, amount, note)
SELECT 100000 + id, id, -5, 'fee' FROM accounts WHERE tier = 'basic';
SELECT pg_sleep(0.2);
UPDATE accounts SET balance = balance - 5 WHERE tier = 'basic';
SELECT pg_sleep(0.2);
UPDATE ledger SET note = 'monthly fee' WHERE note = 'fee';
