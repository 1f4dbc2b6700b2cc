-- +tide up
DO $$
BEGIN
    FOR i IN 5..7 LOOP
        INSERT INTO accounts (id, name) VALUES (i, 'loop');
    END LOOP;
END
$$;

-- +tide down
DELETE FROM accounts WHERE id BETWEEN 5 AND 7;
