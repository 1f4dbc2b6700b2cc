package source

import (
	"slices"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/migration"
)

// MarkNoTransaction sets NoTransaction on each of migs, read with format r,
// that tide runs outside a transaction although its files do not say so:
// when r's tool decides by itself ([migration.NoTransactionDetector]:
// Flyway, golang-migrate), a migration with a statement that the database
// of s cannot run in a transaction (s must be a dialect, a
// [dialect.NoTransactionDetector]; otherwise nothing is marked). Sections
// are split by s. migs is changed in place; a section s cannot split is
// left for the writer to report.
//
// tide convert calls it, for each database the files may be for, before
// writing a format that must mark such a migration (native, goose, dbmate,
// Flyway's .conf), so that the converted migration runs, and checksums,
// as it did.
func MarkNoTransaction(migs []migration.File, r migration.Reader, s migration.Splitter) {
	auto, ok := r.(migration.NoTransactionDetector)
	if !ok || !auto.DetectsNoTransaction() {
		return
	}
	detector, ok := s.(dialect.NoTransactionDetector)
	if !ok {
		return
	}
	for i := range migs {
		m := &migs[i]
		if m.NoTransaction {
			continue
		}
		sections := []migration.Section{m.Up}
		if m.Down != nil {
			sections = append(sections, *m.Down)
		}
		for _, sec := range sections {
			stmts := sec.Statements
			if stmts == nil {
				var err error
				if stmts, err = s.Split(sec.SQL); err != nil {
					continue
				}
			}
			if slices.ContainsFunc(stmts, func(st migration.Statement) bool { return detector.NeedsNoTransaction(st.SQL) }) {
				m.NoTransaction = true
				break
			}
		}
	}
}
