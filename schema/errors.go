package schema

// UnsupportedError reports that a dialect lacks a capability this package
// needs.
type UnsupportedError struct {
	Dialect string // the database's title: "PostgreSQL"
	What    string // "schema inspection"
}

func (e *UnsupportedError) Error() string {
	return e.What + " is not supported on " + e.Dialect
}
