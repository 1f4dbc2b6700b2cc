package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tidemigrate/tide/dialect"
)

var _ dialect.ErrorDetailer = Dialect{}

// ErrorDetail returns the DETAIL, HINT and position of a server error
// reported through pgx.
func (Dialect) ErrorDetail(err error) (dialect.ErrorDetail, bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return dialect.ErrorDetail{}, false
	}
	d := dialect.ErrorDetail{Detail: pe.Detail, Hint: pe.Hint, Position: int(pe.Position)}
	return d, d != dialect.ErrorDetail{}
}
