package mysql

import (
	"strings"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.ConnectionLossDetector = Dialect{}

// ConnectionLost reports the errors of go-sql-driver/mysql for a broken
// connection ("invalid connection") and the server's own (2006 server has
// gone away, 2013 lost connection, 1927 connection killed).
func (Dialect) ConnectionLost(err error) bool {
	s := err.Error()
	for _, t := range []string{"invalid connection", "Error 2006", "Error 2013", "Error 1927", "server has gone away", "Lost connection to"} {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}
