-- +tide up
UPDATE accounts SET note = 'last' WHERE id = 2

-- +tide down
UPDATE accounts SET note = NULL WHERE id = 2
