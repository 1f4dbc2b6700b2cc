package mysql

import "testing"

func TestCommitsImplicitly(t *testing.T) {
	tests := map[string]bool{
		"INSERT INTO t VALUES (1)":                                              false,
		"  -- note\nUPDATE t SET a = 1":                                         false,
		"CREATE TABLE t (id int)":                                               true,
		"CREATE TEMPORARY TABLE t (id int)":                                     false,
		"SET @x = 1":                                                            false,
		"SET autocommit = 0":                                                    true,
		"/*!40101 SET @saved = @@character_set_client */":                       false,
		"/*!50001 CREATE ALGORITHM=UNDEFINED VIEW v AS SELECT 1 */":             true,
		"/*M!100100 ALTER TABLE t ADD COLUMN c int */":                          true,
		"/*!50003 CREATE*/ /*!50020 DEFINER=`root`@`%`*/ TRIGGER tr":            true,
		"/* plain comment */ INSERT INTO t VALUES (1)":                          false,
		"/* plain comment */ DROP TABLE t":                                      true,
		"SET STATEMENT max_statement_time=60 FOR ALTER TABLE t ADD c int":       true,
		"SET STATEMENT lock_wait_timeout=5, sql_mode='' FOR UPDATE t SET a = 1": false,
		"SET STATEMENT x='FOR' FOR DELETE FROM t":                               false,
		"SET STATEMENT x=1":                                                     true, // no FOR: cannot tell
		"/*!":                                                                   true, // nothing readable
		"CALL migrate_things()":                                                 true,
		"LOCK TABLES t WRITE":                                                   true,
	}
	for stmt, want := range tests {
		if got := (Dialect{}).CommitsImplicitly(stmt); got != want {
			t.Errorf("CommitsImplicitly(%q) = %v, want %v", stmt, got, want)
		}
	}
}
