-- Triggers: semicolons inside BEGIN ... END, CASE ... END expressions inside.
CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT, total REAL, updated_at TEXT);
CREATE TABLE order_log (order_id INTEGER, note TEXT);

CREATE TRIGGER orders_status AFTER UPDATE OF status ON orders
FOR EACH ROW WHEN NEW.status <> OLD.status
BEGIN
    INSERT INTO order_log (order_id, note)
    VALUES (NEW.id, CASE NEW.status WHEN 'paid' THEN 'paid; thanks' ELSE 'changed' END);
    UPDATE orders SET updated_at = datetime('now') WHERE id = NEW.id;
END;

CREATE TEMP TRIGGER IF NOT EXISTS orders_total BEFORE INSERT ON orders
BEGIN
    SELECT CASE
        WHEN NEW.total < 0 THEN RAISE(ABORT, 'negative total; rejected')
    END;
END;

create temporary trigger orders_del after delete on orders begin
  delete from order_log where order_id = old.id;
  update orders set total = case when total is null then 0 else total end;
end;

CREATE TRIGGER "quoted;name" AFTER INSERT ON orders BEGIN SELECT 1; END
