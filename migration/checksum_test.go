package migration

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// checksumSpec is the definition of Checksum, written plainly: records in
// existing databases hold checksums computed this way.
func checksumSpec(m Migration) string {
	h := sha256.New()
	if m.NoTransaction {
		h.Write([]byte("no-transaction\n"))
	}
	for _, s := range m.Up {
		h.Write([]byte(s.SQL))
		h.Write([]byte{0})
	}
	if m.Reversible {
		h.Write([]byte{1})
		for _, s := range m.Down {
			h.Write([]byte(s.SQL))
			h.Write([]byte{0})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestChecksumKeepsItsDefinition(t *testing.T) {
	stmts := func(sqls ...string) []Statement {
		var out []Statement
		for _, s := range sqls {
			out = append(out, Statement{SQL: s})
		}
		return out
	}
	big := strings.Repeat("INSERT INTO t VALUES (1);", 100000) // past the pooled buffer's limit
	for _, m := range []Migration{
		{},
		{Up: stmts("CREATE TABLE t (id int)")},
		{Up: stmts("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)"), Reversible: true, Down: stmts("DROP TABLE t")},
		{Up: stmts("CREATE INDEX CONCURRENTLY i ON t (id)"), NoTransaction: true, Reversible: true},
		{Up: stmts(big), Reversible: true, Down: stmts("x")},
		{Up: stmts("SELECT 'é'")},
	} {
		if got, want := Checksum(m), checksumSpec(m); got != want {
			t.Errorf("Checksum(%.40v) = %s, want %s", m.Up, got, want)
		}
		if got, want := StatementsChecksum(m.Up), checksumSpec(Migration{Up: m.Up}); got != want {
			t.Errorf("StatementsChecksum(%.40v) = %s, want %s", m.Up, got, want)
		}
	}
	// A value that earlier versions of tide recorded.
	m := Migration{Up: stmts("CREATE TABLE t (id int)"), Reversible: true, Down: stmts("DROP TABLE t")}
	if got, want := Checksum(m), "6b37b5a6eddcdf25eb0c5c349b8f879ed597a0c764070f7562635af3745e0c85"; got != want {
		t.Fatalf("Checksum = %s, want %s", got, want)
	}
}
