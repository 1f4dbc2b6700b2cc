package mysql_test

import (
	"testing"

	"github.com/tidemigrate/tide/dialect/dialecttest"
	"github.com/tidemigrate/tide/internal/testdb"
)

func TestConformance(t *testing.T) {
	dialecttest.Run(t, func(t *testing.T) dialecttest.Database {
		db := testdb.New(t, testdb.MySQL)
		return dialecttest.Database{DB: db.DB, Dialect: db.Dialect, Open: db.Open}
	})
}
