package sqlsplit

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// bigScript returns a script of at least size bytes in dialect d, made of
// realistic migration statements.
func bigScript(d Dialect, size int) string {
	var unit string
	switch d {
	case Postgres:
		unit = `-- table %[1]d
CREATE TABLE t%[1]d (id bigserial PRIMARY KEY, name text NOT NULL DEFAULT 'it''s', note text DEFAULT E'a\'b');
CREATE INDEX CONCURRENTLY t%[1]d_name ON t%[1]d (lower(name));
CREATE FUNCTION f%[1]d() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    NEW.name := trim(NEW.name); /* nested /* comment */ */
    RETURN NEW;
END
$body$;
CREATE FUNCTION g%[1]d(x int) RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 'p' ELSE 'n' END; END;
INSERT INTO t%[1]d (name) VALUES ('a;b'), ("x"), ($1);
`
	case MySQL:
		unit = `# table %[1]d
CREATE TABLE ` + "`t%[1]d`" + ` (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) DEFAULT 'it\'s') ENGINE=InnoDB;
/*!40000 ALTER TABLE t%[1]d DISABLE KEYS */;
CREATE DEFINER=` + "`root`@`localhost`" + ` PROCEDURE p%[1]d(IN n INT)
BEGIN
    DECLARE i INT DEFAULT 0;
    lbl: WHILE i < n DO
        SET i = i + 1;
        IF i > 3 THEN LEAVE lbl; END IF;
    END WHILE lbl;
    SELECT CASE WHEN i > 0 THEN 'p' ELSE 'n' END;
END;
INSERT INTO t%[1]d (name) VALUES ('a;b'), ("c\"d"); -- done
`
	case SQLite:
		unit = `-- table %[1]d
CREATE TABLE [t%[1]d] (id INTEGER PRIMARY KEY, name TEXT DEFAULT 'it''s', "a;b" TEXT);
CREATE TRIGGER tr%[1]d AFTER INSERT ON t%[1]d
BEGIN
    UPDATE t%[1]d SET name = CASE WHEN name IS NULL THEN '' ELSE name END WHERE id = NEW.id;
END;
/* comment */ INSERT INTO t%[1]d (name) VALUES ('x;y');
`
	}
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, unit, i)
	}
	return b.String()
}

func BenchmarkSplit(b *testing.B) {
	for _, d := range dialects {
		src := bigScript(d, 5<<20)
		b.Run(d.String(), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Split(d, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLinearTime splits 5 MB scripts, including pathological ones, and
// fails if any takes far longer than linear time allows.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const size = 5 << 20
	inputs := map[string]struct {
		d   Dialect
		src string
	}{
		"postgres script":      {Postgres, bigScript(Postgres, size)},
		"mysql script":         {MySQL, bigScript(MySQL, size)},
		"sqlite script":        {SQLite, bigScript(SQLite, size)},
		"dollar signs":         {Postgres, strings.Repeat("$a ", size/3)},
		"escape strings":       {Postgres, strings.Repeat("E'a' \n", size/6)},
		"open parentheses":     {Postgres, strings.Repeat("(", size) + ")"},
		"nested comments":      {Postgres, strings.Repeat("/*", size/4) + strings.Repeat("*/", size/4)},
		"mysql delimiter":      {MySQL, "DELIMITER aaaaaaaaaaaaaab\n" + strings.Repeat("a", size)},
		"mysql blocks":         {MySQL, "CREATE PROCEDURE p() " + strings.Repeat("BEGIN ", size/12) + strings.Repeat("END; ", size/12)},
		"mysql delimiter line": {MySQL, strings.Repeat(" ", size) + "DELIMITER $$\nSELECT 1$$"},
		"sqlite trigger":       {SQLite, "CREATE TRIGGER t BEGIN " + strings.Repeat("; END x", size/7) + "; END;"},
		"statements":           {SQLite, strings.Repeat("\nx;", size/3)},
	}
	for name, in := range inputs {
		start := time.Now()
		_, err := Split(in.d, in.src)
		elapsed := time.Since(start)
		t.Logf("%s: %v", name, elapsed)
		if elapsed > 10*time.Second {
			t.Errorf("%s: %v for %d bytes (error %v)", name, elapsed, len(in.src), err)
		}
	}
}
