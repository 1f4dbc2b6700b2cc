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

// TestLinearTime splits scripts, including pathological ones, of 1 MB and
// of 4 MB, and fails if the larger takes far more than four times as long
// (quadratic time would take sixteen): a ratio measured in one run, so a
// busy machine does not fail it.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	if raceEnabled {
		t.Skip("timing under the race detector says nothing about the splitter: run without -race")
	}
	inputs := map[string]struct {
		d   Dialect
		src func(size int) string
	}{
		"postgres script":  {Postgres, func(n int) string { return bigScript(Postgres, n) }},
		"mysql script":     {MySQL, func(n int) string { return bigScript(MySQL, n) }},
		"sqlite script":    {SQLite, func(n int) string { return bigScript(SQLite, n) }},
		"dollar signs":     {Postgres, func(n int) string { return strings.Repeat("$a ", n/3) }},
		"escape strings":   {Postgres, func(n int) string { return strings.Repeat("E'a' \n", n/6) }},
		"open parentheses": {Postgres, func(n int) string { return strings.Repeat("(", n) + ")" }},
		"nested comments":  {Postgres, func(n int) string { return strings.Repeat("/*", n/4) + strings.Repeat("*/", n/4) }},
		"mysql delimiter":  {MySQL, func(n int) string { return "DELIMITER aaaaaaaaaaaaaab\n" + strings.Repeat("a", n) }},
		"mysql blocks": {MySQL, func(n int) string {
			return "CREATE PROCEDURE p() " + strings.Repeat("BEGIN ", n/12) + strings.Repeat("END; ", n/12)
		}},
		"mysql delimiter line": {MySQL, func(n int) string { return strings.Repeat(" ", n) + "DELIMITER $$\nSELECT 1$$" }},
		"sqlite trigger":       {SQLite, func(n int) string { return "CREATE TRIGGER t BEGIN " + strings.Repeat("; END x", n/7) + "; END;" }},
		"statements":           {SQLite, func(n int) string { return strings.Repeat("\nx;", n/3) }},
	}
	// fastest of three, to shed the pauses of a shared machine
	fastest := func(d Dialect, src string) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range 3 {
			start := time.Now()
			_, _ = Split(d, src)
			best = min(best, time.Since(start))
		}
		return best
	}
	for name, in := range inputs {
		small, large := fastest(in.d, in.src(1<<20)), fastest(in.d, in.src(4<<20))
		ratio := float64(large) / float64(max(small, time.Microsecond))
		t.Logf("%s: 1 MB %v, 4 MB %v (×%.1f)", name, small, large, ratio)
		if ratio > 10 && large > 50*time.Millisecond {
			t.Errorf("%s: 4 MB took %.1f× the time of 1 MB (%v, %v): not linear", name, ratio, small, large)
		}
	}
}
