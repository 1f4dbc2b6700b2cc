package mysql

import (
	"database/sql"
	"strings"
	"testing"
)

func TestNormType(t *testing.T) {
	for in, want := range map[string]string{
		"int(11)":                  "int",
		"int":                      "int",
		"bigint(20) unsigned":      "bigint unsigned",
		"bigint unsigned":          "bigint unsigned",
		"tinyint(1)":               "tinyint(1)",
		"tinyint(4)":               "tinyint",
		"smallint(6)":              "smallint",
		"mediumint(9) unsigned":    "mediumint unsigned",
		"int(5) unsigned zerofill": "int(5) unsigned zerofill",
		"year(4)":                  "year",
		"VARCHAR(10)":              "varchar(10)",
		"decimal(10,2)":            "decimal(10,2)",
		"enum('a','b')":            "enum('a','b')",
		"datetime(3)":              "datetime(3)",
		"point":                    "point",
	} {
		if got := normType(in); got != want {
			t.Errorf("normType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormDefault(t *testing.T) {
	null := sql.NullString{}
	v := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	for _, tc := range []struct {
		server   string
		raw      sql.NullString
		extra    string
		dataType string
		want     string
	}{
		// MariaDB reports SQL.
		{"mariadb", null, "", "int", ""},
		{"mariadb", v("NULL"), "", "int", ""},
		{"mariadb", v("'NULL'"), "", "varchar", "'NULL'"},
		{"mariadb", v("'it''s'"), "", "varchar", "'it''s'"},
		{"mariadb", v(`'a\\b'`), "", "varchar", `'a\\b'`},
		{"mariadb", v("''"), "", "varchar", "''"},
		{"mariadb", v("0"), "", "int", "0"},
		{"mariadb", v("-1.50"), "", "decimal", "-1.50"},
		{"mariadb", v("1e3"), "", "float", "1e3"},
		{"mariadb", v("b'101'"), "", "bit", "b'101'"},
		{"mariadb", v("current_timestamp()"), "", "timestamp", "CURRENT_TIMESTAMP"},
		{"mariadb", v("current_timestamp(3)"), "on update current_timestamp(3)", "datetime", "CURRENT_TIMESTAMP(3)"},
		{"mariadb", v("uuid()"), "", "char", "(uuid())"},
		{"mariadb", v("(1 + 2)"), "", "int", "(1 + 2)"},
		{"mariadb", v("'a' + 'b'"), "", "varchar", "('a' + 'b')"},
		// MySQL 8 reports literals bare and escapes expressions once more.
		{"mysql", null, "", "int", ""},
		{"mysql", v("abc"), "", "varchar", "'abc'"},
		{"mysql", v("it's"), "", "varchar", "'it''s'"},
		{"mysql", v(`a\b`), "", "varchar", `'a\\b'`},
		{"mysql", v("NULL"), "", "varchar", "'NULL'"},
		{"mysql", v(""), "", "varchar", "''"},
		{"mysql", v("0"), "", "int", "0"},
		{"mysql", v("1.50"), "", "decimal", "1.50"},
		{"mysql", v("b'101'"), "", "bit", "b'101'"},
		{"mysql", v("2020-01-01"), "", "date", "'2020-01-01'"},
		{"mysql", v("0x6162"), "", "varbinary", "0x6162"},
		{"mysql", v("0x6162"), "", "varchar", "'0x6162'"},
		{"mysql", v("CURRENT_TIMESTAMP"), "DEFAULT_GENERATED", "timestamp", "CURRENT_TIMESTAMP"},
		{"mysql", v("CURRENT_TIMESTAMP(3)"), "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)", "datetime", "CURRENT_TIMESTAMP(3)"},
		{"mysql", v("uuid()"), "DEFAULT_GENERATED", "char", "(uuid())"},
		{"mysql", v("(`a` + 1)"), "DEFAULT_GENERATED", "int", "(`a` + 1)"},
		{"mysql", v(`_utf8mb4\'{}\'`), "DEFAULT_GENERATED", "json", "(_utf8mb4'{}')"},
		{"mysql", v(`_utf8mb4\'it\\\'s\'`), "DEFAULT_GENERATED", "text", `(_utf8mb4'it\'s')`},
	} {
		got := normDefault(tc.raw, tc.extra, tc.dataType, tc.server == "mariadb")
		if got != tc.want {
			t.Errorf("%s default %q (%s, %s) = %q, want %q", tc.server, tc.raw.String, tc.extra, tc.dataType, got, tc.want)
		}
	}
}

func TestNormOnUpdate(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"auto_increment":                 "",
		"on update current_timestamp()":  "CURRENT_TIMESTAMP",
		"on update current_timestamp(6)": "CURRENT_TIMESTAMP(6)",
		"DEFAULT_GENERATED on update CURRENT_TIMESTAMP": "CURRENT_TIMESTAMP",
		"on update CURRENT_TIMESTAMP(3)":                "CURRENT_TIMESTAMP(3)",
	} {
		if got := normOnUpdate(in); got != want {
			t.Errorf("normOnUpdate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripParens(t *testing.T) {
	for in, want := range map[string]string{
		"(`a` > 0)":            "`a` > 0",
		"((`a` > 0))":          "`a` > 0",
		"`a` > 0":              "`a` > 0",
		"(a) + (b)":            "(a) + (b)",
		"((a) + (b))":          "(a) + (b)",
		"(`x)` > 0)":           "`x)` > 0",
		"(a <> ')')":           "a <> ')'",
		"(a <> '\\')')":        "a <> '\\')'",
		"(unclosed":            "(unclosed",
		" ( lower(`e`) ) ":     "lower(`e`)",
		"lower(`e`)":           "lower(`e`)",
		"(json_valid(`j`))":    "json_valid(`j`)",
		"(`a` in (1,2))":       "`a` in (1,2)",
		"()":                   "",
		"(a)) or ((b)":         "(a)) or ((b)",
		"('(' = `a`)":          "'(' = `a`",
		`("x)" = a)`:           `"x)" = a`,
		"(`we``ird)` = 1)":     "`we``ird)` = 1",
		"(_utf8mb4'a''b' = c)": "_utf8mb4'a''b' = c",
	} {
		if got := stripParens(in); got != want {
			t.Errorf("stripParens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnqualify(t *testing.T) {
	for _, tc := range []struct{ def, schema, want string }{
		{"select `app`.`users`.`id` AS `id` from `app`.`users`", "app", "select `users`.`id` AS `id` from `users`"},
		// A table named like the database keeps its own name.
		{"select `app`.`app`.`c` AS `c` from `app`.`app`", "app", "select `app`.`c` AS `c` from `app`"},
		// Strings are left alone.
		{"select 'x `app`.y' AS `s` from `app`.`t`", "app", "select 'x `app`.y' AS `s` from `t`"},
		{`select "a\"` + "`app`." + `" AS ` + "`s`", "app", `select "a\"` + "`app`." + `" AS ` + "`s`"},
		// Other databases stay qualified.
		{"select `other`.`t`.`c` AS `c` from `other`.`t`", "app", "select `other`.`t`.`c` AS `c` from `other`.`t`"},
		{"select 1 from `we``ird`.`t`", "we`ird", "select 1 from `t`"},
		{"select `app` AS `app` from `app`.`t`", "app", "select `app` AS `app` from `t`"},
	} {
		if got := unqualify(tc.def, tc.schema); got != tc.want {
			t.Errorf("unqualify(%q, %q)\n got %q\nwant %q", tc.def, tc.schema, got, tc.want)
		}
	}
}

func TestStripDefiner(t *testing.T) {
	for in, want := range map[string]string{
		"CREATE DEFINER=`root`@`localhost` FUNCTION `f`() RETURNS int RETURN 1":                           "CREATE FUNCTION `f`() RETURNS int RETURN 1",
		"CREATE DEFINER=`app user`@`%` PROCEDURE `p`()\nBEGIN\nEND":                                       "CREATE PROCEDURE `p`()\nBEGIN\nEND",
		"CREATE DEFINER = 'root'@'10.0.0.1' TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1":         "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 1",
		"CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1": "CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1",
		"CREATE DEFINER=`we``ird`@`h` FUNCTION f() RETURNS int RETURN 1":                                  "CREATE FUNCTION f() RETURNS int RETURN 1",
		"CREATE DEFINER=CURRENT_USER FUNCTION f() RETURNS int RETURN 1":                                   "CREATE FUNCTION f() RETURNS int RETURN 1",
		// Only the header's clause: a body may say DEFINER.
		"CREATE FUNCTION f() RETURNS text RETURN 'DEFINER=`x`@`y` '": "CREATE FUNCTION f() RETURNS text RETURN 'DEFINER=`x`@`y` '",
	} {
		if got := stripDefiner(in); got != want {
			t.Errorf("stripDefiner(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestInventedNames(t *testing.T) {
	for _, tc := range []struct {
		fn       func(a, b string) bool
		a, b     string
		invented bool
	}{
		{inventedFK, "orders", "orders_ibfk_1", true},
		{inventedFK, "orders", "orders_ibfk_12", true},
		{inventedFK, "orders", "orders_ibfk_", false},
		{inventedFK, "orders", "orders_ibfk_01", false},
		{inventedFK, "orders", "order_ibfk_1", false},
		{inventedFK, "orders", "fk_orders_user", false},
		{inventedCheck, "t", "CONSTRAINT_1", true},
		{inventedCheck, "t", "t_chk_3", true},
		{inventedCheck, "t", "CONSTRAINT_x", false},
		{inventedCheck, "t", "positive", false},
		{inventedKey, "email", "email", true},
		{inventedKey, "email_2", "email", true},
		{inventedKey, "Email", "email", true},
		{inventedKey, "users_email_key", "email", false},
		{inventedKey, "email_x", "email", false},
	} {
		if got := tc.fn(tc.a, tc.b); got != tc.invented {
			t.Errorf("invented(%q, %q) = %t, want %t", tc.a, tc.b, got, tc.invented)
		}
	}
}

func TestUnescapeMySQL(t *testing.T) {
	for in, want := range map[string]string{
		"`a` > 0":                     "`a` > 0",
		`(_utf8mb4\'x\' = a)`:         `(_utf8mb4'x' = a)`,
		`_utf8mb4\'a\\\\b\'`:          `_utf8mb4'a\\b'`,
		`a = 'x\\y'`:                  `a = 'x\\y'`, // no escaped quote: MariaDB's text, left alone
		`concat(_utf8mb4\'it\\\'s\')`: `concat(_utf8mb4'it\'s')`,
	} {
		if got := unescapeMySQL(in); got != want {
			t.Errorf("unescapeMySQL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzNormalise checks that the text rules never panic on any input and
// keep their invariants.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"(`a` > 0)", "select `app`.`t`.`c` from `app`.`t`", "'it''s'", `_utf8mb4\'x\'`,
		"CREATE DEFINER=`root`@`%` FUNCTION f() RETURN 1", "((", "`", "'", `"\`, "(a))(("} {
		f.Add(s, "app")
	}
	f.Fuzz(func(t *testing.T, s, db string) {
		p := stripParens(s)
		if stripParens(p) != p {
			t.Errorf("stripParens is not idempotent on %q", s)
		}
		if len(p) > len(s) {
			t.Errorf("stripParens grew %q", s)
		}
		u := unqualify(s, db)
		if !strings.Contains(s, "`") && u != s {
			t.Errorf("unqualify changed %q, which has no quoted name", s)
		}
		if len(u) > len(s) {
			t.Errorf("unqualify grew %q", s)
		}
		if d := stripDefiner(s); len(d) > len(s) {
			t.Errorf("stripDefiner grew %q", s)
		}
		_ = unescapeMySQL(s)
		_ = isStringLiteral(s)
		_ = normType(s)
		_ = normDefault(sql.NullString{String: s, Valid: true}, s, "varchar", true)
		_ = normDefault(sql.NullString{String: s, Valid: true}, "DEFAULT_GENERATED", "int", false)
	})
}
