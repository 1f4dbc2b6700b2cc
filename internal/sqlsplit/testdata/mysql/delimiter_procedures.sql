-- Stored programs written for the mysql client, with DELIMITER.
DROP PROCEDURE IF EXISTS refresh_totals;

DELIMITER $$
CREATE DEFINER=`app`@`%` PROCEDURE refresh_totals(IN since DATE)
BEGIN
    DECLARE done INT DEFAULT FALSE;
    DECLARE cid INT;
    DECLARE cur CURSOR FOR SELECT id FROM customers WHERE updated_at >= since;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;

    OPEN cur;
    read_loop: LOOP
        FETCH cur INTO cid;
        IF done THEN
            LEAVE read_loop;
        END IF;
        UPDATE customers SET total = (SELECT SUM(amount) FROM orders WHERE customer_id = cid) WHERE id = cid;
    END LOOP read_loop;
    CLOSE cur;
END$$

CREATE FUNCTION tier(total DECIMAL(10,2)) RETURNS VARCHAR(10) DETERMINISTIC
BEGIN
    RETURN CASE WHEN total > 1000 THEN 'gold' WHEN total > 100 THEN 'silver' ELSE 'bronze' END;
END $$
DELIMITER ;

CALL refresh_totals('2024-01-01');

delimiter //
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW
BEGIN
  IF NEW.amount < 0 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative amount; rejected';
  END IF;
END//
  -- a comment between statements
SELECT '//' AS not_a_delimiter, "also // not" AS x// # trailing comment
delimiter ;

DELIMITER ;;
CREATE EVENT purge_sessions ON SCHEDULE EVERY 1 HOUR DO
  DELETE FROM sessions WHERE expires_at < NOW();;
DELIMITER ;
SELECT 1;
