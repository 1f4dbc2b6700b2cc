package crashtrial

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed testdata
var folders embed.FS

// Folder returns the trial migrations for the dialect named name
// ("postgres", "mysql" or "sqlite").
func Folder(name string) (fs.FS, error) {
	switch name {
	case "postgres", "mysql", "sqlite":
		return fs.Sub(folders, "testdata/"+name)
	}
	return nil, fmt.Errorf("crashtrial: no folder for dialect %q", name)
}

// WriteFolder writes the trial migrations for name into dir, which it
// creates.
func WriteFolder(name, dir string) error {
	fsys, err := Folder(name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
