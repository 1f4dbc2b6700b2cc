-- A multi-action rule: psql keeps semicolons inside parentheses.
CREATE RULE log_shoe_upd AS ON UPDATE TO shoe_data
    WHERE NEW.sl_avail <> OLD.sl_avail
    DO ALSO (
        INSERT INTO shoelace_log VALUES (NEW.sl_name, NEW.sl_avail, current_user, current_timestamp);
        UPDATE shoe_stats SET updates = updates + 1;
    );
;;
SELECT (1 + 2) * 3, array[1,2,3][1:2], '{a,b}'::text[], x::jsonb -> 'k';
SELECT price$usd, a$$b FROM money$table;
SELECT 1 - -2, 3 -1;
