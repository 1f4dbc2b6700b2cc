package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/source"
)

func (a *app) newCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "new NAME",
		Short: "Create an empty migration file",
		Long: `Create <dir>/<UTC timestamp>_<name>.sql with empty up and down sections.
NAME is lower-cased and every run of other characters than a-z, 0-9 and _
becomes one _; several words are joined the same way. The directory is
created if it is missing. No database is needed.`,
		Example: "  tide new add users\n  tide new --dir db/migrations add_users_email_index",
		Args:    cobra.MinimumNArgs(1),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			name := sanitizeName(strings.Join(args, "_"))
			if name == "" {
				return usageErrorf("the migration name %q has no letters or digits", strings.Join(args, " "))
			}
			a.dir = a.migrationsDir()
			if err := a.checkNativeDir(); err != nil {
				return err
			}
			path, version, err := createMigration(a.dir, name, a.now())
			if err != nil {
				return err
			}
			a.result = newResult{Path: path, Version: version, Name: name}
			if !a.flags.quiet && !a.flags.json {
				fmt.Fprintln(a.stdout, path)
			}
			return nil
		}),
	}
}

// newResult is the result of tide new.
type newResult struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	Name    string `json:"name"`
}

// checkNativeDir refuses to write a native file into a folder of another
// format, which would then mix two formats.
func (a *app) checkNativeDir() error {
	name := a.dirFormat
	if name == "" {
		if _, err := os.Stat(a.dir); err != nil {
			return nil // created by createMigration
		}
		f, err := source.Detect(os.DirFS(a.dir))
		if err != nil {
			return nil // ambiguous or unreadable: createMigration says what is wrong, if anything
		}
		name = f.Name()
	}
	if name == source.Native.Name() {
		return nil
	}
	return fmt.Errorf("%s holds %s migrations, and tide new writes native ones: create the file the %s way, "+
		"or convert the folder first (tide convert --to native --out NEWDIR)", a.dir, name, name)
}

var nameJunk = regexp.MustCompile(`[^a-z0-9_]+`)
var underscores = regexp.MustCompile(`__+`)

// sanitizeName reduces name to [a-z0-9_]: lower-cased, every run of other
// characters replaced by one underscore, no leading or trailing
// underscores.
func sanitizeName(name string) string {
	s := nameJunk.ReplaceAllString(strings.ToLower(name), "_")
	s = underscores.ReplaceAllString(s, "_")
	return strings.Trim(s, "_")
}

// versionLayout is the timestamp tide new uses as a version.
const versionLayout = "20060102150405"

// migrationTemplate is the content of a new migration.
const migrationTemplate = `-- +tide up
-- The SQL that applies this migration. Statements end with ";".


-- +tide down
-- The SQL that reverts it. Delete this section if it cannot be reverted.

`

// createMigration writes a new migration file in dir, named after the UTC
// time now, bumped by a second as long as that version is taken. It never
// overwrites a file. It returns the path and the version.
func createMigration(dir, name string, now time.Time) (path, version string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", fmt.Errorf("create migrations directory: %w", err)
	}
	taken, err := takenVersions(dir)
	if err != nil {
		return "", "", err
	}
	t := now.UTC().Truncate(time.Second)
	for range 1000 {
		version = t.Format(versionLayout)
		t = t.Add(time.Second)
		if taken[version] {
			continue
		}
		path = filepath.Join(dir, version+"_"+name+".sql")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("create migration: %w", err)
		}
		_, err = f.WriteString(migrationTemplate)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return "", "", fmt.Errorf("write %s: %w", path, err)
		}
		return path, version, nil
	}
	return "", "", fmt.Errorf("no free version after %s in %s", now.UTC().Format(versionLayout), dir)
}

// takenVersions returns the versions of the migration files in dir, in
// canonical form.
func takenVersions(dir string) (map[string]bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	taken := make(map[string]bool)
	for _, e := range entries {
		digits, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			continue
		}
		if v, err := tide.ParseVersion(digits); err == nil {
			taken[v.String()] = true
		}
	}
	return taken, nil
}
