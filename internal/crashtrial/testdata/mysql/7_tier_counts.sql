-- +tide up
CREATE VIEW account_totals AS
SELECT a.id, a.tier, a.balance, COALESCE(SUM(l.amount), 0) AS ledger_total
FROM accounts a LEFT JOIN ledger l ON l.account_id = a.id
GROUP BY a.id, a.tier, a.balance;
CREATE TABLE tier_counts (
    tier VARCHAR(20) PRIMARY KEY,
    n    BIGINT NOT NULL
);
SELECT SLEEP(0.2);
INSERT INTO tier_counts (tier, n) SELECT tier, COUNT(*) FROM accounts GROUP BY tier;
