package schema

// TableSQL is the SQL that creates a table, split by when it runs, as
// [Dump] writes it, without the final semicolons.
type TableSQL struct {
	// Create is CREATE TABLE with the columns, keys and checks (and the
	// foreign keys on SQLite, which cannot add them later), followed on
	// PostgreSQL by its COMMENT ON statements.
	Create []string
	// Indexes are the CREATE INDEX statements.
	Indexes []string
	// ForeignKeys are the ALTER TABLE ... ADD FOREIGN KEY statements of
	// the table's own foreign keys (none on SQLite).
	ForeignKeys []string
}

// TableStatements returns the SQL that creates t in the dialect named
// dialect ("postgres", "mysql", "sqlite"), so that a table can be created
// again in steps: its rows copied in before its indexes are built and its
// foreign keys checked.
func TableStatements(dialect string, q Quoter, t *Table) TableSQL {
	var out []string
	d := &dumper{q: q, dialect: dialect, out: &out}
	bare := *t
	bare.Indexes = nil
	d.table(&bare)
	sql := TableSQL{Create: out}
	out = nil
	for _, ix := range t.Indexes {
		d.index(t.Name, ix)
	}
	sql.Indexes, out = out, nil
	if dialect != "sqlite" {
		for _, fk := range t.ForeignKeys {
			out = append(out, AddForeignKey(dialect, q, t.Name, fk))
		}
	}
	sql.ForeignKeys = out
	return sql
}

// AddForeignKey returns the ALTER TABLE statement that adds fk to table
// (not on SQLite, which has none).
func AddForeignKey(dialect string, q Quoter, table string, fk *ForeignKey) string {
	d := &dumper{q: q, dialect: dialect}
	return "ALTER TABLE " + q.QuoteIdent(table) + " ADD " + d.foreignKey(fk)
}

// SequenceStatements returns the CREATE SEQUENCE statement of s and, for a
// sequence a column owns, the ALTER SEQUENCE ... OWNED BY that follows the
// table's creation.
func SequenceStatements(q Quoter, s *Sequence) (create, ownedBy string) {
	var out []string
	d := &dumper{q: q, dialect: "postgres", out: &out}
	d.sequence(s)
	if s.OwnedBy != "" {
		for i := len(s.OwnedBy) - 1; i >= 0; i-- {
			if s.OwnedBy[i] == '.' {
				ownedBy = "ALTER SEQUENCE " + q.QuoteIdent(s.Name) + " OWNED BY " + q.QuoteIdent(s.OwnedBy[:i]) + "." + q.QuoteIdent(s.OwnedBy[i+1:])
				break
			}
		}
	}
	return out[0], ownedBy
}
