package sqlsplit_test

import (
	"fmt"

	"github.com/tidemigrate/tide/internal/sqlsplit"
)

func ExampleSplit() {
	const script = `-- 0001_users.sql
CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL);

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.name := trim(NEW.name); -- semicolons in the body do not split
    RETURN NEW;
END
$$;
INSERT INTO users (name) VALUES ('it''s; one statement')
`
	stmts, err := sqlsplit.Split(sqlsplit.Postgres, script)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range stmts {
		fmt.Printf("line %d: %.40q\n", s.Line, s.SQL)
	}
	// Output:
	// line 2: "CREATE TABLE users (id bigserial PRIMARY"
	// line 4: "CREATE FUNCTION touch() RETURNS trigger "
	// line 10: "INSERT INTO users (name) VALUES ('it''s;"
}

func ExampleError() {
	_, err := sqlsplit.Split(sqlsplit.MySQL, "SELECT 1;\nSELECT 'unfinished;\n")
	fmt.Println(err)
	// Output:
	// line 2: unterminated quoted string (started here)
}
