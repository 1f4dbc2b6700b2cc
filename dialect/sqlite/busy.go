package sqlite

import (
	"errors"
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.BusyDetector = Dialect{}

// sqliteBusy is SQLITE_BUSY, the primary result code of a statement that
// could not get the database's lock within the busy timeout. Extended
// codes (SQLITE_BUSY_SNAPSHOT, ...) keep it in their low byte.
const sqliteBusy = 5

// IsBusy reports SQLITE_BUSY: another connection held the database's lock
// for the whole busy timeout. It reads the result code from drivers that
// expose one (modernc.org/sqlite: Code() int), and the message otherwise.
func (Dialect) IsBusy(err error) bool {
	if err == nil {
		return false
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code()&0xff == sqliteBusy
	}
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}
