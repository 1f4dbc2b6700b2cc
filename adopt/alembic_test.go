package adopt

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tidemigrate/tide/internal/testdb"
)

func TestAlembicChain(t *testing.T) {
	t.Parallel()
	chain, err := AlembicChain(os.DirFS("testdata/alembic/versions"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"1975ea83b712": nil,
		"ae1027a6acf":  {"1975ea83b712"},
		"27c6a30d7c24": {"1975ea83b712"},
		"3cac04ae8714": {"ae1027a6acf", "27c6a30d7c24"},
		"4fd4f8a7bb11": {"3cac04ae8714"},
		"d1e2f3a4b5c6": {"1975ea83b712", "27c6a30d7c24"}, // down_revision, then depends_on
		"e5f6a7b8c9d0": {"4fd4f8a7bb11"},
	}
	if len(chain) != len(want) {
		t.Errorf("chain has %d revisions, want %d: %v", len(chain), len(want), chain)
	}
	for rev, parents := range want {
		if got, ok := chain[rev]; !ok || !slices.Equal(got, parents) {
			t.Errorf("chain[%s] = %q, %v; want %q", rev, got, ok, parents)
		}
	}
}

func TestAlembicApplied(t *testing.T) {
	t.Parallel()
	chain, err := AlembicChain(os.DirFS("testdata/alembic/versions"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := AlembicApplied([]string{"4fd4f8a7bb11", "d1e2f3a4b5c6"}, chain)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1975ea83b712", "27c6a30d7c24", "ae1027a6acf", "3cac04ae8714", "4fd4f8a7bb11", "d1e2f3a4b5c6"}
	if !slices.Equal(got, want) {
		t.Errorf("AlembicApplied = %v\nwant %v", got, want)
	}

	got, err = AlembicApplied([]string{"ae1027a6acf"}, chain)
	if err != nil || !slices.Equal(got, []string{"1975ea83b712", "ae1027a6acf"}) {
		t.Errorf("AlembicApplied(ae1027a6acf) = %v, %v", got, err)
	}
	if got, err := AlembicApplied(nil, chain); err != nil || len(got) != 0 {
		t.Errorf("AlembicApplied(nil) = %v, %v", got, err)
	}

	_, err = AlembicApplied([]string{"0000deadbeef"}, chain)
	if err == nil || !strings.Contains(err.Error(), "0000deadbeef is in the database but not in the versions folder") {
		t.Errorf("unknown head: %v", err)
	}
	_, err = AlembicApplied([]string{"b"}, map[string][]string{"b": {"a"}})
	if err == nil || !strings.Contains(err.Error(), "revision a, which b comes after, is not in the versions folder") {
		t.Errorf("missing parent: %v", err)
	}
	_, err = AlembicApplied([]string{"b"}, map[string][]string{"a": {"b"}, "b": {"a"}})
	if err == nil || !strings.Contains(err.Error(), "cycle: a, b") {
		t.Errorf("cycle: %v", err)
	}
}

// TestAlembicEndToEnd reads alembic_version from the database and lists
// every applied revision with the versions folder.
func TestAlembicEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t, testdb.SQLite)
	conn := session(t, db)
	load(t, db, conn, "alembic")
	src, _ := SourceByName("alembic")
	h, err := src.Read(ctx, db.Dialect, conn)
	if err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, a := range h.Applied {
		heads = append(heads, a.ID)
	}
	chain, err := AlembicChain(os.DirFS("testdata/alembic/versions"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := AlembicApplied(heads, chain)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 || slices.Contains(all, "e5f6a7b8c9d0") {
		t.Errorf("applied %v", all)
	}
}

func TestAlembicChainErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		files fstest.MapFS
		err   string
	}{
		"duplicate": {fstest.MapFS{
			"a.py":     {Data: []byte("revision = 'x'\ndown_revision = None\n")},
			"sub/b.py": {Data: []byte("revision = 'x'\ndown_revision = None\n")},
		}, "revision x is defined in both a.py and sub/b.py"},
		"variable": {fstest.MapFS{
			"a.py": {Data: []byte("revision = 'y'\ndown_revision = PREVIOUS\n")},
		}, "a.py: down_revision: cannot read the value \"PREVIOUS\""},
		"unclosed": {fstest.MapFS{
			"a.py": {Data: []byte("revision = 'y'\ndown_revision = ('a',\n")},
		}, "a.py: down_revision: unclosed bracket"},
		"two revisions": {fstest.MapFS{
			"a.py": {Data: []byte("revision = ('y', 'z')\n")},
		}, "a.py: revision: want one string"},
	}
	for name, c := range cases {
		_, err := AlembicChain(c.files)
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v; want %q", name, err, c.err)
		}
	}
}

func TestAlembicChainForms(t *testing.T) {
	t.Parallel()
	chain, err := AlembicChain(fstest.MapFS{
		"env.py":                   {Data: []byte("from alembic import context\n\ndef run():\n    revision = 'not top level'\n")},
		"__pycache__/x.cpython.py": {Data: []byte("revision = 'cached'\n")},
		"a.py":                     {Data: []byte(`revision = r"a1"  # the "first"` + "\ndown_revision = None  # base\n")},
		"b.py":                     {Data: []byte("revision='b2'\ndown_revision=['a1'] # list\ndepends_on = 'a1'\n")},
		"notes.txt":                {Data: []byte("revision = 'txt'\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) != 2 || chain["a1"] != nil || !slices.Equal(chain["b2"], []string{"a1"}) {
		t.Errorf("chain = %q", chain)
	}
	got, err := AlembicApplied([]string{"b2"}, chain)
	if err != nil || !slices.Equal(got, []string{"a1", "b2"}) {
		t.Errorf("AlembicApplied = %v, %v", got, err)
	}
}

// FuzzAlembicScript checks that no script makes the parser panic, and that
// what it reads as the revision is a string the script contains.
func FuzzAlembicScript(f *testing.F) {
	for _, seed := range []string{
		"revision = 'a'\ndown_revision = None\n",
		"revision: str = \"b\"\ndown_revision: Union[str, None] = ('a', # c\n 'x')\n",
		"revision = 'c'\ndown_revision = ['a',\n",
		"revision = r'd\\'e'\ndepends_on = 'a'  # 'q'\n",
		"revision =",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rev, _, ok, err := parseAlembicScript(src)
		if ok && err == nil && !strings.Contains(src, rev) {
			t.Errorf("revision %q is not in the script", rev)
		}
	})
}
