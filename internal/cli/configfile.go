package cli

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/tidemigrate/tide/source"
)

// configFileName is the configuration file read from the current
// directory when --config (TIDE_CONFIG) names none.
const configFileName = "tide.toml"

// configFile is the configuration file in use: the values of its top
// level, with those of the [env.NAME] section that --env chose over them.
type configFile struct {
	path   string                 // as given, or "tide.toml"
	dir    string                 // its folder: relative paths in it are relative to it
	values map[string][]fileValue // by key, for the chosen environment
	env    string                 // the chosen environment, or ""
	envs   []string               // its [env.NAME] sections, sorted
	urls   []string               // every database_url in it, to scrub their passwords
}

// fileValue is one value of a key in the file: its text (for a NAME=VALUE
// setting, "NAME=VALUE") and the line of its key.
type fileValue struct {
	text string
	line int
}

// loadConfig reads the configuration file: the one --config (TIDE_CONFIG)
// names, else ./tide.toml when it exists, else none (nil).
func (a *app) loadConfig() (*configFile, error) {
	path := a.flags.config
	if path == "" {
		if _, err := os.Stat(configFileName); err != nil {
			if a.flags.envName != "" {
				return nil, configErrorf("%s: there is no configuration file to read [env.%s] from (./%s, --config or %s)",
					a.origins["env"].describe(a.setting("env"), a.flags.envName), a.flags.envName, configFileName, envConfig)
			}
			return nil, nil
		}
		path = configFileName
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if path == a.flags.config {
			return nil, configErrorf("%s: %v", a.origins["config"].describe(a.setting("config"), path), err)
		}
		return nil, configErrorf("configuration file: %v", err)
	}
	f, sections, err := parseConfig(path, data, a.settings)
	for _, u := range f.urls {
		a.addPasswords(u)
	}
	if err != nil {
		return nil, err
	}
	if err := f.choose(a.flags.envName, sections, a.settings); err != nil {
		return nil, err
	}
	return f, nil
}

// section is the values of one level of the file, by key.
type section map[string][]fileValue

// parseConfig reads a configuration file: every key must be a setting's,
// with a value of its type, at the top level or in an [env.NAME] section.
// It returns the top level's values in f.values and the sections'. Errors
// name the file, the line and the key. Even on error, f.urls lists the
// database URLs read so far, so that their passwords can be scrubbed.
func parseConfig(path string, data []byte, settings []setting) (f *configFile, sections map[string]section, err error) {
	f = &configFile{path: path, dir: filepath.Dir(path), values: section{}}
	// The document must be valid TOML first: go-toml reports duplicate keys
	// and tables, and syntax errors, with their position.
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ := de.Position()
			return f, nil, configErrorf("%s:%d: %s", path, line, strings.TrimPrefix(de.Error(), "toml: "))
		}
		return f, nil, configErrorf("%s: %v", path, err)
	}
	c := &configParser{f: f, settings: settings, sections: map[string]section{}}
	var p unstable.Parser
	p.Reset(data)
	c.p = &p
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			table = c.key(e.Key())
			if err := c.checkTable(table, c.line(e.Key())); err != nil {
				return f, nil, err
			}
		case unstable.ArrayTable:
			return f, nil, configErrorf("%s:%d: [[%s]]: arrays of tables are not settings", path, c.line(e.Key()), strings.Join(c.key(e.Key()), "."))
		case unstable.KeyValue:
			if err := c.add(slices.Concat(table, c.key(e.Key())), e.Value(), c.line(e.Key())); err != nil {
				return f, nil, err
			}
		}
	}
	if err := p.Error(); err != nil {
		return f, nil, configErrorf("%s: %v", path, err)
	}
	for name := range c.sections {
		f.envs = append(f.envs, name)
	}
	slices.Sort(f.envs)
	return f, c.sections, nil
}

// choose sets f.values to the top level's values with those of the
// section [env.name] over them ("": the top level alone). NAME=VALUE
// settings are merged by name, the section's over the top level's.
func (f *configFile) choose(name string, sections map[string]section, settings []setting) error {
	if name == "" {
		return nil
	}
	sec, ok := sections[name]
	if !ok {
		has := "it has no [env.NAME] sections"
		if len(f.envs) > 0 {
			has = "its sections: " + strings.Join(f.envs, ", ")
		}
		return configErrorf("%s has no [env.%s] section (%s)", f.path, name, has)
	}
	f.env = name
	for k, vs := range sec {
		merged := false
		for _, s := range settings {
			if _, ok := s.dst.(*[]string); ok && s.key == k {
				merged = true
			}
		}
		if merged {
			vs = slices.Concat(f.values[k], vs)
		}
		f.values[k] = vs
	}
	return nil
}

// configParser walks the expressions of a configuration file.
type configParser struct {
	p        *unstable.Parser
	f        *configFile
	settings []setting
	sections map[string]section
}

func (c *configParser) key(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

func (c *configParser) line(it unstable.Iterator) int {
	if !it.Next() {
		return 0
	}
	return c.p.Shape(it.Node().Raw).Start.Line
}

// place splits a key path into its section ("" for the top level) and the
// rest, which starts with a setting's key.
func (c *configParser) place(path []string, line int) (env string, rest []string, err error) {
	if path[0] != "env" {
		return "", path, nil
	}
	if len(path) < 3 {
		return "", nil, configErrorf("%s:%d: %s: settings for an environment go in its section: [env.NAME], then key = value lines", c.f.path, line, strings.Join(path, "."))
	}
	return path[1], path[2:], nil
}

// checkTable checks a [table] header: [env], [env.NAME], and the tables of
// NAME=VALUE settings ([flyway_placeholders], [env.NAME.flyway_placeholders]).
func (c *configParser) checkTable(path []string, line int) error {
	if path[0] == "env" && len(path) <= 2 {
		if len(path) == 2 && c.sections[path[1]] == nil {
			c.sections[path[1]] = section{}
		}
		return nil
	}
	_, rest, err := c.place(path, line)
	if err != nil {
		return err
	}
	s, err := c.setting(rest[0], path, line)
	if err != nil {
		return err
	}
	if _, ok := s.dst.(*[]string); !ok || len(rest) > 1 {
		return configErrorf("%s:%d: [%s]: %s is a single value, not a table: write %s = ... ", c.f.path, line, strings.Join(path, "."), s.key, s.key)
	}
	return nil
}

// setting returns the setting of key, or an error that names the closest
// known key.
func (c *configParser) setting(key string, path []string, line int) (*setting, error) {
	var known []string
	for i := range c.settings {
		s := &c.settings[i]
		if s.key == key && key != "" {
			return s, nil
		}
		if s.key != "" {
			known = append(known, s.key)
		}
	}
	hint := "known keys: " + strings.Join(known, ", ")
	if near := closest(key, known); near != "" {
		hint = "did you mean " + near + "?"
	}
	return nil, configErrorf("%s:%d: %s: unknown key (%s)", c.f.path, line, strings.Join(path, "."), hint)
}

// add checks and records the value v of the key path.
func (c *configParser) add(path []string, v *unstable.Node, line int) error {
	if v.Kind == unstable.InlineTable {
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			if err := c.add(slices.Concat(path, c.key(kv.Key())), kv.Value(), c.line(kv.Key())); err != nil {
				return err
			}
		}
		return nil
	}
	env, rest, err := c.place(path, line)
	if err != nil {
		return err
	}
	name := strings.Join(path, ".")
	s, err := c.setting(rest[0], path, line)
	if err != nil {
		return err
	}
	var text string
	switch s.dst.(type) {
	case *[]string:
		if len(rest) != 2 || v.Kind != unstable.String {
			return configErrorf("%s:%d: %s: write %s as a table of strings: [%s], then NAME = \"VALUE\" lines", c.f.path, line, name, s.key, s.key)
		}
		text = rest[1] + "=" + string(v.Data)
	case *bool:
		if len(rest) != 1 || v.Kind != unstable.Bool {
			return configErrorf("%s:%d: %s: write true or false, without quotes", c.f.path, line, name)
		}
		text = string(v.Data)
	case *int:
		if len(rest) != 1 || v.Kind != unstable.Integer {
			return configErrorf("%s:%d: %s: write a whole number, without quotes", c.f.path, line, name)
		}
		text = string(v.Data)
	default:
		if len(rest) != 1 || v.Kind != unstable.String {
			example := s.def
			if example == "" {
				example = "..."
			}
			return configErrorf("%s:%d: %s: write a string in quotes, like %s = %s", c.f.path, line, name, s.key, strconv.Quote(example))
		}
		text = string(v.Data)
	}
	if s.url {
		c.f.urls = append(c.f.urls, text)
	}
	_, err = s.parse(text)
	if s.key == "format" && err == nil && text != "" {
		// The file's format is the folder's. (On the command line, tide
		// adopt --format also takes tools without one: setupFormat.)
		_, err = source.FormatByName(text)
	}
	if err != nil && strings.TrimSpace(text) != "" {
		value := strconv.Quote(text)
		if s.url {
			value = "(the URL)"
		}
		return configErrorf("%s:%d: %s = %s: %v", c.f.path, line, name, value, err)
	}
	sec := c.f.values
	if env != "" {
		if c.sections[env] == nil {
			c.sections[env] = section{}
		}
		sec = c.sections[env]
	}
	sec[s.key] = append(sec[s.key], fileValue{text, line})
	return nil
}

// closest returns the word of known nearest to word, if it is near
// enough to be a typo.
func closest(word string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(word, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
