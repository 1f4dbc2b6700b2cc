package mysql_test

import (
	"context"
	"testing"

	"github.com/tidemigrate/tide/dialect/mysql"
	"github.com/tidemigrate/tide/internal/testdb"
)

// TookEffect answers from the catalog, before and after each statement.
func TestTookEffect(t *testing.T) {
	t.Parallel()
	db := testdb.New(t, testdb.MySQL)
	ctx := context.Background()
	d := mysql.New()
	for _, stmt := range []string{
		"CREATE TABLE t (id INT PRIMARY KEY)",
		"CREATE TABLE IF NOT EXISTS `u v` (id INT)",
		"ALTER TABLE t ADD COLUMN c INT",
		"ALTER TABLE t ADD d INT, ADD e INT",
		"ALTER TABLE t ADD INDEX t_c (c)",
		"ALTER TABLE `t` ADD UNIQUE KEY t_d (d)",
		"CREATE UNIQUE INDEX t_e ON t (e)",
		"DROP INDEX t_e ON t",
		"ALTER TABLE t DROP INDEX t_c",
		"ALTER TABLE t DROP COLUMN e",
		"ALTER TABLE t ADD CONSTRAINT t_c_pos CHECK (c > 0)",
		"ALTER TABLE t DROP CONSTRAINT t_c_pos",
		"CREATE VIEW v AS SELECT id FROM t",
		"/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW w AS SELECT 1 AS one */",
		"CREATE DEFINER=`root`@`%` TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.c = 1",
		"RENAME TABLE `u v` TO u2",
		"ALTER TABLE u2 RENAME TO u3",
		"DROP VIEW v",
		"DROP TABLE IF EXISTS u3",
	} {
		before, known, err := d.TookEffect(ctx, db.DB, stmt)
		if err != nil || (known && before) {
			t.Errorf("before %q: took=%v known=%v err=%v", stmt, before, known, err)
		}
		if _, err := db.DB.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		after, known, err := d.TookEffect(ctx, db.DB, stmt)
		if err != nil || !known || !after {
			t.Errorf("after %q: took=%v known=%v err=%v", stmt, after, known, err)
		}
	}
	for _, stmt := range []string{"ALTER TABLE t ADD PRIMARY KEY (id)", "OPTIMIZE TABLE t", "ALTER TABLE t ADD INDEX (c)", "ALTER TABLE t ADD (x INT, y INT)"} {
		if _, known, _ := d.TookEffect(ctx, db.DB, stmt); known {
			t.Errorf("TookEffect(%q) claims to know", stmt)
		}
	}
}
