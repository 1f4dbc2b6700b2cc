package dburl

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"postgres://app:s3cretpw@db:5432/app?sslmode=disable": "postgres://app:xxxxx@db:5432/app?sslmode=disable",
		"mysql://root:p%40ss@127.0.0.1:3306/test":             "mysql://root:xxxxx@127.0.0.1:3306/test",
		"postgres://app@db/app":                               "postgres://app@db/app",
		"sqlite:app.db":                                       "sqlite:app.db",
		"postgres://u:bad pw%zz@h/db":                         "postgres://u:xxxxx@h/db",
		"postgres://u:p%24ss@h/db":                            "postgres://u:xxxxx@h/db",
		"postgres://u:p@ss/w@h/db?x=@":                        "postgres://u:xxxxx@h/db?x=@",
		"sqlite:///data/a@b.db":                               "sqlite:///data/a@b.db",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOpenErrorsHidePassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, u := range []string{
		"postgres://app:s3cretpw@127.0.0.1:1/app?connect_timeout=1",
		"mysql://app:s3cretpw@127.0.0.1:1/app?timeout=1s",
		"mysql://app:s3cretpw@127.0.0.1:1/",
		"postgres://app:s3cretpw@[::1/app",
		"oracle://app:s3cretpw@host/db",
	} {
		_, _, err := Open(ctx, u)
		if err == nil {
			t.Errorf("Open(%s) succeeded", Redact(u))
			continue
		}
		if strings.Contains(err.Error(), "s3cretpw") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestOpenSQLiteForms(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{"sqlite:" + dir + "/a.db", "sqlite://" + dir + "/b.db", "sqlite3:" + dir + "/c.db"} {
		db, d, err := Open(context.Background(), u)
		if err != nil {
			t.Fatalf("Open(%s): %v", u, err)
		}
		if d.Name() != "sqlite" {
			t.Errorf("Open(%s) dialect %s", u, d.Name())
		}
		db.Close()
	}
	if _, _, err := Open(context.Background(), "sqlite:"); err == nil {
		t.Error("sqlite: without a path was accepted")
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("postgres://app", "s3cretpw", "db:5432/app?sslmode=disable")
	f.Add("mysql://root", "p@ss:w/rd", "127.0.0.1:3306/test")
	f.Add("postgresql://u", "x%24y", "[::1]/db")
	f.Add("x://", "000%24", "0") // once kept: Go re-encodes "%24" as "$"
	f.Add("x://", "@000", "000")
	f.Fuzz(func(t *testing.T, prefix, pw, rest string) {
		// A password is whatever stands between the first ":" after "//"
		// and the last "@" before "?" or "#".
		i := strings.Index(prefix, "://")
		if i < 0 || i != strings.IndexByte(prefix, ':') || strings.ContainsAny(prefix[i+3:], ":@?#") ||
			len(pw) < 4 || strings.ContainsAny(pw, "?#") || strings.ContainsAny(rest, "@?#") {
			return
		}
		raw := prefix + ":" + pw + "@" + rest
		if got, want := Redact(raw), prefix+":xxxxx@"+rest; got != want {
			t.Fatalf("Redact(%q) = %q, want %q", raw, got, want)
		}
	})
}

func TestPasswords(t *testing.T) {
	tests := map[string][]string{
		"postgres://u:pw@h/db":       {"pw"},
		"postgres://u:p%21w@h/db":    {"p%21w", "p!w"},
		"postgres://u:pw@h:bad/db":   {"pw"},
		"postgres://u@h/db":          nil,
		"sqlite:x.db":                nil,
		"mysql://u:p@ss:word@h:1/db": {"p@ss:word"},
		"mysql://u:p%40ss@h:1/db":    {"p%40ss", "p@ss"},
		"postgres://pg:pg@h/db":      nil, // the user name is no secret
		"postgres://u:pw@h:x:y/db":   {"pw"},
	}
	for in, want := range tests {
		if got := Passwords(in); !slices.Equal(got, want) {
			t.Errorf("Passwords(%q) = %q, want %q", in, got, want)
		}
	}
}

// tide names itself in pg_stat_activity unless the URL names another
// application.
func TestPostgresApplicationName(t *testing.T) {
	u := os.Getenv("TIDE_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("TIDE_TEST_POSTGRES_URL must be set under CI")
		}
		t.Skip("set TIDE_TEST_POSTGRES_URL to run this test against a real server")
	}
	for _, tc := range []struct{ suffix, want string }{{"", "tide"}, {"&application_name=deploy", "deploy"}} {
		raw := u
		if !strings.Contains(raw, "?") {
			raw += "?x=1"
		}
		db, _, err := Open(context.Background(), raw+tc.suffix)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		err = db.QueryRowContext(context.Background(), "SELECT current_setting('application_name')").Scan(&name)
		db.Close()
		if err != nil || name != tc.want {
			t.Errorf("application_name = %q, %v; want %q", name, err, tc.want)
		}
	}
}

// passwordForms are the ways a password can be written in what tide is
// given as a database URL; %s is the password.
var passwordForms = []string{
	"postgres://app:%s@127.0.0.1:1/app?connect_timeout=1",
	"postgres://app@127.0.0.1:1/app?connect_timeout=1&password=%s",
	"postgres://app@127.0.0.1:1/app?password=%s&connect_timeout=1",
	"host=127.0.0.1 port=1 user=app password=%s dbname=app",
	"host=127.0.0.1 user=app password='%s' dbname=app",
	"app:%s@tcp(127.0.0.1:1)/app",
	"mysql://app:%s@127.0.0.1:1/app?timeout=1s",
}

func TestPasswordForms(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, form := range passwordForms {
		for _, pw := range []string{"s3cretpw", "s3c#retpw", "s3c?retpw", "s3c/retpw", "s3c@ret:pw"} {
			raw := fmt.Sprintf(form, pw)
			if strings.HasPrefix(form, "host=") && strings.ContainsAny(pw, "#?/@:") {
				continue // not a key/value DSN's concern
			}
			red := Redact(raw)
			for _, part := range []string{pw, "s3c", "retpw"} {
				if strings.Contains(red, part) {
					t.Errorf("Redact(%q) = %q shows %q", raw, red, part)
				}
			}
			_, _, err := Open(ctx, raw)
			if err == nil {
				t.Errorf("Open(%s) succeeded", red)
				continue
			}
			for _, part := range []string{pw, "s3c", "retpw"} {
				if strings.Contains(err.Error(), part) {
					t.Errorf("Open(%s) error shows %q: %v", red, part, err)
				}
			}
		}
	}
}

func FuzzRedactForms(f *testing.F) {
	f.Add("s3cretpw")
	f.Add("p@ss:w/rd#x")
	f.Add("a'b c")
	f.Fuzz(func(t *testing.T, pw string) {
		if len(pw) < 6 || strings.ContainsFunc(pw, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) {
			return // a password with spaces or control characters must be percent-encoded
		}
		for _, form := range passwordForms {
			if strings.HasPrefix(form, "host=") && strings.ContainsAny(pw, "'\\&;") {
				continue
			}
			if strings.Contains(form, "password=%s") && !strings.HasPrefix(form, "host=") && strings.ContainsAny(pw, "&;#") {
				continue // a query parameter's value ends at & ; or #: percent-encode those
			}
			if strings.Contains(form, "app:%s") && strings.Contains(pw, "@") {
				continue // "app:a@host?b@host" reads two ways: percent-encode "@" in a password
			}
			raw := fmt.Sprintf(form, pw)
			if got := Redact(raw); strings.Contains(got, pw) {
				t.Fatalf("Redact(%q) = %q", raw, got)
			}
			found := false
			for _, p := range Passwords(raw) {
				found = found || p == pw
			}
			if !found && !strings.HasPrefix(form, "app:") {
				t.Fatalf("Passwords(%q) = %q lacks the password", raw, Passwords(raw))
			}
		}
	})
}
