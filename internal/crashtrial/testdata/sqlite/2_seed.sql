-- +tide up
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 2000)
INSERT INTO accounts (id, email, balance) SELECT n, 'user' || n || '@example.com', n * 10 FROM g;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) SELECT count(*) FROM c;
INSERT INTO ledger (id, account_id, amount, note) SELECT id, id, id * 10, 'opening' FROM accounts;
