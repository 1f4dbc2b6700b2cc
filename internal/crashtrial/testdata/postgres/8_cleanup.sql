-- +tide up
DELETE FROM ledger WHERE amount < 0 AND account_id % 10 = 0;
ALTER TABLE ledger ADD CONSTRAINT ledger_note_set CHECK (note <> '');
