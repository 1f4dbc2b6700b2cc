package dialect

import (
	"strings"
	"testing"
)

func TestIsTransactionControl(t *testing.T) {
	for stmt, want := range map[string]bool{
		"BEGIN":                          true,
		"begin transaction":              true,
		"  -- a comment\n  Begin Work":   true,
		"/* c */ START TRANSACTION":      true,
		"start slave":                    false,
		"COMMIT":                         true,
		"commit prepared 'x'":            true,
		"END":                            true,
		"ABORT":                          true,
		"ROLLBACK":                       true,
		"rollback to savepoint a":        false,
		"PREPARE TRANSACTION 'x'":        true,
		"prepare stmt from 'select 1'":   false,
		"BEGIN NOT ATOMIC SELECT 1; END": false,
		"begin atomic select 1; end":     false,
		"INSERT INTO t VALUES ('BEGIN')": false,
		"insert into t values (1)":       false,
		"CREATE TABLE begin (id int)":    false,
		"":                               false,
		"-- only a comment":              false,
		"(SELECT 1)":                     false,
		"# mysql comment\nCOMMIT":        true,
	} {
		if got := IsTransactionControl(stmt); got != want {
			t.Errorf("IsTransactionControl(%q) = %v, want %v", stmt, got, want)
		}
	}
}

func TestFirstKeyword(t *testing.T) {
	for stmt, want := range map[string]string{
		"insert into t":         "insert",
		" \n-- x\n/* y */ Drop": "Drop",
		"(select 1)":            "",
		"":                      "",
		"/*! mysql */ SELECT":   "",
	} {
		if got := FirstKeyword(stmt); got != want {
			t.Errorf("FirstKeyword(%q) = %q, want %q", stmt, got, want)
		}
		if kw := FirstKeywords(stmt, 1); len(kw) > 0 && kw[0] != strings.ToUpper(want) || len(kw) == 0 && want != "" {
			t.Errorf("FirstKeywords(%q) = %q, FirstKeyword %q", stmt, kw, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { FirstKeyword("  -- x\n insert into t values (1)") }); n != 0 {
		t.Errorf("FirstKeyword allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { IsTransactionControl("insert into t values (1)") }); n != 0 {
		t.Errorf("IsTransactionControl of an INSERT allocates %v times", n)
	}
}
