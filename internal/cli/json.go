package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/tidemigrate/tide"
	"github.com/tidemigrate/tide/event"
	"github.com/tidemigrate/tide/migration"
)

// jsonFormat is the version of the JSON output, the "tide" member of every
// line: it changes only when a member changes meaning or goes away (new
// members may appear in any version).
const jsonFormat = 1

// document is the last line a command prints with --json: its result and
// its errors. ok is true exactly when the exit status is 0.
type document struct {
	Tide int    `json:"tide"`
	Kind string `json:"kind"` // the command: "up", "status", ...; "tide" when none was recognised
	OK   bool   `json:"ok"`
	// Database is the URL of the database the command opened (or tried
	// to), its password hidden; Table its version table. Both are null
	// for the commands that open no database.
	Database *string `json:"database"`
	Table    *string `json:"table"`
	// Result is the command's result, null when it failed before it had
	// one. Commands that change the database report what they did even
	// when they fail later.
	Result any         `json:"result"`
	Errors []errorJSON `json:"errors"`
}

// eventLine is one event of a running command, printed as it happens,
// before the document.
type eventLine struct {
	Tide  int    `json:"tide"`
	Kind  string `json:"kind"` // "event"
	Event string `json:"event"`
	Data  any    `json:"data"`
}

// jsonWriter prints JSON lines on stdout. It is safe for concurrent use:
// the library reports events from the goroutine that runs the operation.
type jsonWriter struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func newJSONWriter(w io.Writer) *jsonWriter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonWriter{enc: enc}
}

func (w *jsonWriter) write(v any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.enc.Encode(v) // stdout gone: nothing to tell anyone
}

// jsonOut returns the writer of JSON lines on stdout.
func (a *app) jsonOut() *jsonWriter {
	a.jsonOnce.Do(func() { a.jsonw = newJSONWriter(a.stdout) })
	return a.jsonw
}

// commandKind is the kind of cmd's document: its path without "tide ", or
// "tide" for the root command.
func commandKind(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return "tide"
	}
	_, kind, _ := strings.Cut(cmd.CommandPath(), " ")
	return kind
}

// writeDocument prints the document of cmd, which ended with err and exit
// status code.
func (a *app) writeDocument(cmd *cobra.Command, code int, err error) {
	doc := document{Tide: jsonFormat, Kind: commandKind(cmd), OK: code == ExitOK, Result: a.result, Errors: []errorJSON{}}
	if a.database != "" {
		db, table := a.database, a.flags.table
		doc.Database, doc.Table = &db, &table
	}
	if err != nil {
		doc.Errors = a.errorEntries(err)
	}
	a.jsonOut().write(doc)
}

// wantsJSON reports whether the output is JSON. Once the settings are
// resolved, --json (TIDE_JSON, json in tide.toml) says; when a usage error
// stopped them before, the json setting is resolved alone, and failing
// that, args are searched for --json: a pipeline that asked for JSON gets
// its error as JSON too.
func (a *app) wantsJSON(args []string) bool {
	if _, ok := a.origins["json"]; ok || a.settings == nil {
		return a.flags.json
	}
	s := a.setting("json")
	if err := a.resolveSetting(s, a.config); err == nil && (a.flags.json || len(s.fv.vals) > 0) {
		return a.flags.json
	}
	json := false
	for _, arg := range args {
		if arg == "--" {
			break
		}
		if v, ok := strings.CutPrefix(arg, "--json"); ok && (v == "" || v[0] == '=') {
			b, err := s.parse(strings.TrimPrefix(v, "="))
			json = v == "" || err == nil && b.(bool)
		}
	}
	return json
}

// migrationJSON names a migration wherever one appears: a repeatable
// migration has the version "" and repeatable true; path is the file as
// shown to users ("" for a Go migration, or a missing one).
type migrationJSON struct {
	Version    string `json:"version"`
	Name       string `json:"name"`
	Repeatable bool   `json:"repeatable"`
	Path       string `json:"path"`
}

func (a *app) migrationJSON(m tide.Migration) migrationJSON {
	return migrationJSON{Version: m.Version.String(), Name: m.Name, Repeatable: m.Repeatable, Path: a.displayPath(m.Path)}
}

// resultJSON is one migration a command applied, reverted or recorded.
type resultJSON struct {
	migrationJSON
	Direction  string `json:"direction"`
	DurationMS int64  `json:"duration_ms"`
	Resumed    int    `json:"resumed"`
	Baselined  bool   `json:"baselined"`
	Adopted    bool   `json:"adopted"`
}

// migrateResult is the result of up, down, redo and baseline.
type migrateResult struct {
	Migrations []resultJSON `json:"migrations"`
	DurationMS int64        `json:"duration_ms"`
	Message    string       `json:"message"` // what the text output says last; "" on failure
}

func (a *app) migrateResult(results []tide.Result, d time.Duration, message string) migrateResult {
	out := migrateResult{Migrations: []resultJSON{}, DurationMS: d.Milliseconds(), Message: message}
	for _, res := range results {
		out.Migrations = append(out.Migrations, resultJSON{
			migrationJSON: a.migrationJSON(res.Migration), Direction: string(res.Direction), DurationMS: res.Duration.Milliseconds(),
			Resumed: res.Resumed, Baselined: res.Baselined, Adopted: res.Adopted,
		})
	}
	return out
}

// eventData is the data of an event line: the engine's events and the
// lock's by name, any other by its exported fields.
func (a *app) eventData(e event.Event) any {
	type migrationEvent struct {
		migrationJSON
		Direction string `json:"direction"`
	}
	me := func(m tide.Migration, d tide.Direction) migrationEvent {
		return migrationEvent{a.migrationJSON(m), string(d)}
	}
	if data, ok := a.backupEventData(e); ok {
		return data
	}
	switch e := e.(type) {
	case tide.LockWaiting:
		return struct {
			Key    string `json:"key"`
			Holder string `json:"holder"`
		}{e.Key, a.scrub(e.Holder)}
	case tide.LockAcquired:
		return struct {
			Key      string `json:"key"`
			WaitedMS int64  `json:"waited_ms"`
		}{e.Key, e.Waited.Milliseconds()}
	case tide.MigrationStarted:
		return struct {
			migrationEvent
			Statements int `json:"statements"`
			Resumed    int `json:"resumed"`
		}{me(e.Migration, e.Direction), e.Statements, e.Resumed}
	case tide.StatementStarted:
		return struct {
			migrationEvent
			Index int `json:"index"`
			Total int `json:"total"`
			Line  int `json:"line"`
		}{me(e.Migration, e.Direction), e.Index, e.Total, e.Line}
	case tide.StatementDone:
		return struct {
			migrationEvent
			Index      int   `json:"index"`
			Total      int   `json:"total"`
			Line       int   `json:"line"`
			DurationMS int64 `json:"duration_ms"`
		}{me(e.Migration, e.Direction), e.Index, e.Total, e.Line, e.Duration.Milliseconds()}
	case tide.MigrationDone:
		return struct {
			migrationEvent
			DurationMS int64 `json:"duration_ms"`
		}{me(e.Migration, e.Direction), e.Duration.Milliseconds()}
	case tide.MigrationFailed:
		var ej *errorJSON
		if e.Err != nil {
			if es := a.entries(e.Err, nil); len(es) > 0 {
				ej = &es[0]
			}
		}
		return struct {
			migrationEvent
			Error *errorJSON `json:"error"`
		}{me(e.Migration, e.Direction), ej}
	case tide.CheckStarted:
		return checkEventJSON{a.migrationJSON(e.Migration), e.Index, e.Total, e.Check.Line, a.scrub(e.Check.String())}
	case tide.CheckPassed:
		return struct {
			checkEventJSON
			DurationMS int64 `json:"duration_ms"`
		}{checkEventJSON{a.migrationJSON(e.Migration), e.Index, e.Total, e.Check.Line, a.scrub(e.Check.String())}, e.Duration.Milliseconds()}
	case tide.CheckFailed:
		return struct {
			checkEventJSON
			DurationMS int64     `json:"duration_ms"`
			Error      errorJSON `json:"error"`
		}{checkEventJSON{a.migrationJSON(e.Migration), e.Index, e.Total, e.Check.Line, a.scrub(e.Check.String())}, e.Duration.Milliseconds(), a.checkEntry(e.Err)}
	case tide.Baselined:
		return a.migrationJSON(e.Migration)
	case tide.Adopted:
		return struct {
			migrationJSON
			From string `json:"from"`
		}{a.migrationJSON(e.Migration), e.From}
	case tide.LockRetry:
		return struct {
			migrationJSON
			Line     int    `json:"line"`
			Attempt  int    `json:"attempt"`
			WaitMS   int64  `json:"wait_ms"`
			Blockers string `json:"blockers"`
			Error    string `json:"error"`
		}{a.migrationJSON(e.Migration), e.Line, e.Attempt, e.Wait.Milliseconds(), a.scrub(e.Blockers), a.errorText(e.Err)}
	case tide.InvalidIndexDropped:
		return struct {
			migrationJSON
			Index string `json:"index"`
			Line  int    `json:"line"`
		}{a.migrationJSON(e.Migration), e.Index, e.Line}
	case tide.WaitingForSession:
		return struct {
			migrationJSON
			Statement int    `json:"statement"`
			Line      int    `json:"line"`
			Session   string `json:"session"`
		}{a.migrationJSON(e.Migration), e.Statement, e.Line, e.Session}
	case tide.StatementSettled:
		return struct {
			migrationJSON
			Statement  int  `json:"statement"`
			Line       int  `json:"line"`
			TookEffect bool `json:"took_effect"`
		}{a.migrationJSON(e.Migration), e.Statement, e.Line, e.TookEffect}
	case tide.Repaired:
		return struct {
			migrationJSON
			What    string `json:"what"`
			Removed bool   `json:"removed"`
		}{a.migrationJSON(e.Repair.Migration), e.Repair.What, e.Repair.Removed}
	}
	return a.fieldsJSON(reflect.ValueOf(e), 0)
}

// checkEventJSON is the data of the events of a data check.
type checkEventJSON struct {
	migrationJSON
	Index int    `json:"index"` // 1-based, among the migration's checks
	Total int    `json:"total"`
	Line  int    `json:"line"`
	Check string `json:"check"` // the helper's line, or the start of the query
}

// maxFieldDepth bounds how deep fieldsJSON follows nested values.
const maxFieldDepth = 3

// fieldsJSON renders v, the value of an event the CLI does not know, with
// the conventions of the known ones: structs as objects of their exported
// fields named in snake_case, durations in milliseconds (name_ms), times
// in RFC 3339 UTC, migrations and versions as everywhere else, errors and
// strings without passwords. What has no safe rendering (functions,
// channels, maps, unexported fields, values nested too deep) is left out.
func (a *app) fieldsJSON(v reflect.Value, depth int) any {
	out, _ := a.valueJSON(v, depth)
	return out
}

// valueJSON renders v for fieldsJSON; ok is false when it cannot.
func (a *app) valueJSON(v reflect.Value, depth int) (any, bool) {
	if !v.IsValid() {
		return nil, true
	}
	if v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, true
		}
		if v.Kind() == reflect.Interface {
			return a.valueJSON(v.Elem(), depth)
		}
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case time.Time:
			if x.IsZero() {
				return nil, true
			}
			return x.UTC().Format(time.RFC3339), true
		case tide.Migration:
			return a.migrationJSON(x), true
		case *tide.Migration:
			return a.migrationJSON(*x), true
		case migration.Version:
			return x.String(), true
		case error:
			return a.errorText(x), true
		case fmt.Stringer:
			if v.Kind() != reflect.Struct {
				return a.scrub(x.String()), true
			}
		}
	}
	if v.Kind() == reflect.Pointer {
		return a.valueJSON(v.Elem(), depth)
	}
	switch v.Kind() {
	case reflect.String:
		return a.scrub(v.String()), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint(), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	case reflect.Slice, reflect.Array:
		if depth >= maxFieldDepth {
			return nil, false
		}
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []any{}, true
		}
		items := make([]any, 0, v.Len())
		for i := range v.Len() {
			item, ok := a.valueJSON(v.Index(i), depth+1)
			if !ok {
				return nil, false
			}
			items = append(items, item)
		}
		return items, true
	case reflect.Struct:
		if depth >= maxFieldDepth {
			return nil, false
		}
		obj := object{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := snakeCase(f.Name)
			fv := v.Field(i)
			if f.Type == reflect.TypeFor[time.Duration]() {
				obj = append(obj, member{name + "_ms", fv.Interface().(time.Duration).Milliseconds()})
				continue
			}
			if x, ok := a.valueJSON(fv, depth+1); ok {
				obj = append(obj, member{name, x})
			}
		}
		return obj, true
	}
	return nil, false
}

// object is a JSON object whose members keep their order.
type object []member

type member struct {
	name  string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.name)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoEscape(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// marshalNoEscape marshals v as the writer does: without HTML escaping.
func marshalNoEscape(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// snakeCase turns a Go field name into a JSON member name: WaitedMS
// becomes waited_ms, HTTPStatus http_status, Key key.
func snakeCase(name string) string {
	r := []rune(name)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) {
			prevLower := i > 0 && (unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1]))
			acronymEnd := i > 0 && unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || acronymEnd {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}
