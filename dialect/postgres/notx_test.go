package postgres_test

import (
	"testing"

	"github.com/tidemigrate/tide/dialect/postgres"
)

func TestNeedsNoTransaction(t *testing.T) {
	d := postgres.New()
	for stmt, want := range map[string]bool{
		"CREATE INDEX CONCURRENTLY i ON t (c)":        true,
		"create unique index concurrently i on t (c)": true,
		"CREATE INDEX i ON t (c)":                     false,
		"drop index concurrently i":                   true,
		"DROP TABLE t":                                false,
		"REINDEX (VERBOSE) TABLE CONCURRENTLY t":      true,
		"reindex database db":                         true,
		"REINDEX TABLE t":                             false,
		"VACUUM":                                      true,
		"vacuum analyze t":                            true,
		"  \n\tVacuum":                                true,
		"-- note\nVACUUM":                             true,
		"/* note */ create database x":                true,
		"(VACUUM)":                                    true, // punctuation is skipped between words
		"ALTER SYSTEM SET work_mem = '1MB'":           true,
		"ALTER TABLE t ADD c int":                     false,
		"create tablespace s location '/x'":           true,
		"INSERT INTO t VALUES ('VACUUM')":             false,
		"insert into t values (1)":                    false,
		"SELECT 1":                                    false,
		"":                                            false,
	} {
		if got := d.NeedsNoTransaction(stmt); got != want {
			t.Errorf("NeedsNoTransaction(%q) = %v, want %v", stmt, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { d.NeedsNoTransaction("insert into t values (1)") }); n != 0 {
		t.Errorf("NeedsNoTransaction of an INSERT allocates %v times", n)
	}
}
