-- +tide up
INSERT INTO accounts (id, email, balance)
SELECT g, 'user' || g || '@example.com', g * 10 FROM generate_series(1, 2000) AS g;
SELECT pg_sleep(0.2);
INSERT INTO ledger (id, account_id, amount, note)
SELECT g, g, g * 10, 'opening' FROM generate_series(1, 2000) AS g;
