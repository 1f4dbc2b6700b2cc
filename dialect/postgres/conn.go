package postgres

import (
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.ConnectionLossDetector = Dialect{}

// ConnectionLost reports connection exceptions (SQLSTATE class 08) and
// sessions the server ended (57P01-57P03: administrator command, crash,
// shutdown).
func (Dialect) ConnectionLost(err error) bool {
	state := sqlState(err)
	return strings.HasPrefix(state, "08") || state == "57P01" || state == "57P02" || state == "57P03"
}
