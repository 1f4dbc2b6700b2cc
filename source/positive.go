package source

import (
	"fmt"

	"github.com/tidemigrate/tide/migration"
)

// positiveVersion parses the version of a format whose versions start at 1
// (tide's native format, goose).
func positiveVersion(s string) (migration.Version, error) {
	v, err := migration.ParseVersion(s)
	if err == nil && v.String() == "0" {
		return migration.Version{}, fmt.Errorf("version %q: versions start at 1", s)
	}
	return v, err
}
