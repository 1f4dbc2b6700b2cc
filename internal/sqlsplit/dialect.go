package sqlsplit

import "strconv"

// Dialect selects the lexical rules that [Split] applies.
type Dialect int

// The dialects that [Split] understands. The zero Dialect is not valid.
const (
	// Postgres is PostgreSQL, split as psql splits scripts.
	Postgres Dialect = iota + 1
	// MySQL is MySQL and MariaDB, split as the mysql client splits scripts.
	MySQL
	// SQLite is SQLite, split as sqlite3_complete decides completeness.
	SQLite
)

// String returns the lower-case name of d, such as "postgres", or
// "Dialect(N)" for a value that is not one of the declared dialects.
func (d Dialect) String() string {
	switch d {
	case Postgres:
		return "postgres"
	case MySQL:
		return "mysql"
	case SQLite:
		return "sqlite"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}
