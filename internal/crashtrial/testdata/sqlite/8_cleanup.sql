-- +tide up
DELETE FROM ledger WHERE amount < 0 AND account_id % 10 = 0;
CREATE TRIGGER ledger_note_set BEFORE INSERT ON ledger WHEN NEW.note = ''
BEGIN
    SELECT RAISE(ABORT, 'empty note');
END;
