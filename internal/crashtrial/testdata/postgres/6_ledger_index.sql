-- +tide no-transaction
-- +tide up
CREATE INDEX CONCURRENTLY ledger_account_idx ON ledger (account_id);
