package adopt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tidemigrate/tide/dialect"
	"github.com/tidemigrate/tide/source"
)

// Choose returns the source whose history to adopt into folder when the
// user names none: the one whose table is in the database ([Detect]). When
// the tables of several tools are there, the one whose format the folder
// has wins, with a note naming the others; Choose returns the
// [*AmbiguousError] of Detect when the folder's format does not decide.
// When no table is found, the error (which is [ErrNoHistory]) lists the
// tables looked for. Only default table names are looked for: a renamed
// table is read with [WithTable].
//
// The notes are what the user must know, one sentence each.
func Choose(ctx context.Context, d dialect.Dialect, q dialect.Querier, folder Folder) (Source, []string, error) {
	src, err := Detect(ctx, d, q)
	if ae := (*AmbiguousError)(nil); errors.As(err, &ae) {
		if s, note := folderSource(ae.Sources, folder); s != nil {
			return s, []string{note}, nil
		}
	}
	if errors.Is(err, ErrNoHistory) {
		var tables []string
		for _, s := range Sources() {
			if !slices.Contains(tables, s.Table()) {
				tables = append(tables, s.Table())
			}
		}
		return nil, nil, &noHistoryError{tables: tables}
	}
	if err != nil {
		return nil, nil, err
	}
	return src, nil, nil
}

// folderSource returns the source among found whose format the folder has
// (a goose folder among goose's and Flyway's tables), with a note naming
// the tables it leaves aside, or nil.
func folderSource(found []Source, folder Folder) (Source, string) {
	format := folder.Format
	if format == "" && folder.FS != nil {
		if f, err := source.Detect(folder.FS); err == nil {
			format = f.Name()
		}
	}
	if format == "" {
		return nil, ""
	}
	var match Source
	var others []string
	for _, s := range found {
		if s.Name() == format {
			match = s
		} else {
			others = append(others, fmt.Sprintf("%s (%s)", s.Name(), s.Table()))
		}
	}
	if match == nil {
		return nil, ""
	}
	return match, fmt.Sprintf("also found the history tables of %s: reading %s's, the format of %s (--format chooses another)",
		strings.Join(others, ", "), match.Name(), folder.name())
}

// Drop drops the history table that h was read from, and the table beside
// it in which knex keeps its migration lock (<table>_lock), once tide has
// adopted the history: the other tool can then no longer run. A table
// already gone is no error. The error names the table that could not be
// dropped.
func Drop(ctx context.Context, d dialect.Dialect, q dialect.Querier, h *History) error {
	tables := []string{h.Table}
	if h.Source == "knex" {
		tables = append(tables, h.Table+"_lock")
	}
	for _, t := range tables {
		if _, err := q.ExecContext(ctx, "DROP TABLE IF EXISTS "+d.QuoteIdent(t)); err != nil {
			return fmt.Errorf("could not drop %s: %w", t, err)
		}
	}
	return nil
}
