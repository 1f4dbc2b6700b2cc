-- tide:no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx
    ON orders (customer_id)
    WHERE deleted_at IS NULL;

ALTER TABLE orders
    ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

REINDEX INDEX CONCURRENTLY orders_customer_idx;

DROP INDEX CONCURRENTLY IF EXISTS orders_old_idx
