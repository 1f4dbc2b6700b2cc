package source

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/migration"
)

func TestNativeRepeatable(t *testing.T) {
	migs := formatTestRead(t, Native, "native/blog")
	last := migs[len(migs)-1]
	if !last.Repeatable || !last.Version.IsZero() || last.Name != "published_posts_view" || last.Path != "R__published_posts_view.sql" {
		t.Fatalf("last migration = %s %q repeatable=%v at %s; want the repeatable view, after the versioned ones", last.Version, last.Name, last.Repeatable, last.Path)
	}
	if last.Up.Line != 2 || !strings.HasPrefix(last.Up.SQL, "CREATE OR REPLACE VIEW") || last.Down == nil {
		t.Errorf("sections: up at %d %q, down %v", last.Up.Line, last.Up.SQL, last.Down)
	}
	for _, m := range migs[:len(migs)-1] {
		if m.Repeatable {
			t.Errorf("%s is repeatable", m.Path)
		}
	}
}

func TestNativeRepeatableErrors(t *testing.T) {
	up := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte("-- +tide up\n" + s)} }
	tests := []struct {
		name string
		fsys fstest.MapFS
		path string
		msg  string
	}{
		{"no up section", fstest.MapFS{"R__v.sql": {Data: []byte("SELECT 1;\n")}}, "R__v.sql", "before the first"},
		{"same name twice", fstest.MapFS{"R__v.sql": up("SELECT 1;\n"), "R__v.SQL": up("SELECT 2;\n")}, "R__v.sql", "R__v.SQL"},
		{"empty name", fstest.MapFS{"R__.sql": up("")}, "R__.sql", "<version>_<name>.sql"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Native.Read(tc.fsys)
			pes := formatTestParseErrors(t, err)
			if len(pes) != 1 || pes[0].Path != tc.path || !strings.Contains(pes[0].Error(), tc.msg) {
				t.Fatalf("Read = %v, want one error on %s with %q", err, tc.path, tc.msg)
			}
		})
	}
}

func TestSortMigrations(t *testing.T) {
	v := migration.MustParseVersion
	migs := []migration.File{
		{Repeatable: true, Name: "b"},
		{Version: v("10")},
		{Repeatable: true, Name: "a"},
		{Version: v("9")},
	}
	got, err := sortMigrations(migs)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, m := range got {
		order = append(order, m.Version.String()+m.Name)
	}
	if want := "9 10 a b"; strings.Join(order, " ") != want {
		t.Errorf("order %q, want %q", order, want)
	}
}
