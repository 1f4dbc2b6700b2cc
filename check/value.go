package check

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Row is one offending row, its values rendered.
type Row []Value

// ValueKind says how a value reads.
type ValueKind int

// The kinds of value.
const (
	Text   ValueKind = iota // text, shown quoted
	Number                  // an integer or decimal, shown as it is
	Bool                    // true or false
	Time                    // a date or time, RFC 3339
	Binary                  // bytes that are not UTF-8, shown in hexadecimal
)

// MaxValue is the length, in characters, past which a value's Text is
// cut ([Value.Size] keeps the full length, in bytes).
const MaxValue = 64

// Value is one value of an offending row, safe to print: a long value is
// cut, bytes that are not text are shown in hexadecimal.
type Value struct {
	Null bool
	Kind ValueKind
	// Text is the value as text (hexadecimal digits for Binary), cut to
	// MaxValue characters; "" for NULL.
	Text string
	// Size is the value's length in bytes when Text was cut; 0 when it
	// holds the whole value.
	Size int
}

// String renders the value for people: NULL; text double-quoted, with
// control and invalid characters escaped; numbers, booleans and times as
// they are; binary as x'0a1b'; a cut value with "..." and its full size.
func (v Value) String() string {
	var s string
	switch {
	case v.Null:
		return "NULL"
	case v.Kind == Text:
		s = strconv.Quote(v.Text)
		if v.Size > 0 {
			s = s[:len(s)-1] + `..."`
		}
	case v.Kind == Binary:
		s = "x'" + v.Text
		if v.Size > 0 {
			s += "..."
		}
		s += "'"
	default:
		s = v.Text
	}
	if v.Size > 0 {
		s += fmt.Sprintf(" (%d bytes)", v.Size)
	}
	return s
}

// render turns a value as the driver scanned it into a Value; dbType is
// the column's type as the database names it ("" when unknown).
func render(v any, dbType string) Value {
	switch x := v.(type) {
	case nil:
		return Value{Null: true}
	case bool:
		return Value{Kind: Bool, Text: strconv.FormatBool(x)}
	case int64:
		return Value{Kind: Number, Text: strconv.FormatInt(x, 10)}
	case float64:
		return Value{Kind: Number, Text: strconv.FormatFloat(x, 'g', -1, 64)}
	case time.Time:
		return Value{Kind: Time, Text: x.Format(time.RFC3339Nano)}
	case []byte:
		if isNumericType(dbType) && isNumber(string(x)) {
			return Value{Kind: Number, Text: string(x)}
		}
		if !utf8.Valid(x) || isBinaryType(dbType) {
			return binary(x)
		}
		return text(string(x))
	case string:
		if isNumericType(dbType) && isNumber(x) {
			return Value{Kind: Number, Text: x}
		}
		return text(x)
	}
	return text(fmt.Sprint(v))
}

// text cuts s to MaxValue characters.
func text(s string) Value {
	if utf8.RuneCountInString(s) <= MaxValue {
		return Value{Kind: Text, Text: s}
	}
	cut := s
	n := 0
	for i := range s {
		if n == MaxValue {
			cut = s[:i]
			break
		}
		n++
	}
	return Value{Kind: Text, Text: cut, Size: len(s)}
}

// binary shows b in hexadecimal, cut to MaxValue digits.
func binary(b []byte) Value {
	if 2*len(b) <= MaxValue {
		return Value{Kind: Binary, Text: hex.EncodeToString(b)}
	}
	return Value{Kind: Binary, Text: hex.EncodeToString(b[:MaxValue/2]), Size: len(b)}
}

// isNumericType reports a database type of integers or decimals.
func isNumericType(t string) bool {
	t = strings.ToUpper(t)
	for _, p := range []string{"INT", "DECIMAL", "NUMERIC", "FLOAT", "DOUBLE", "REAL", "SERIAL"} {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// isBinaryType reports a database type of bytes (bytea, BLOB, BINARY).
func isBinaryType(t string) bool {
	t = strings.ToUpper(t)
	return strings.Contains(t, "BLOB") || strings.Contains(t, "BYTEA") || strings.Contains(t, "BINARY")
}

// isNumber reports whether s is written like a number.
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && !strings.ContainsRune("+-.eE", r) {
			return false
		}
	}
	return true
}
