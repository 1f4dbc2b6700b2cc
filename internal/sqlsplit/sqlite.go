package sqlsplit

import "strings"

// sqliteRules ends SQLite statements exactly as sqlite3_complete decides
// that a statement is complete: at a semicolon, except inside CREATE
// [TEMP|TEMPORARY] TRIGGER, which ends only at a semicolon, END and another
// semicolon. Since no statement of a trigger body starts with END, the END
// of a CASE expression never follows a semicolon and needs no counting.
type sqliteRules struct {
	src      string
	state    uint8 // a state of sqlite3_complete's automaton
	beginOff int   // offset of the first BEGIN inside a trigger, or -1
}

// The states and token classes of sqlite3_complete (sqlite/src/complete.c).
const (
	sqInvalid uint8 = iota // not used after a statement starts
	sqStart                // at the start of a statement
	sqNormal               // in a statement that ends with a semicolon
	sqExplain              // after EXPLAIN at the start
	sqCreate               // after CREATE [TEMP]
	sqTrigger              // in a trigger definition
	sqSemi                 // after a semicolon inside a trigger
	sqEnd                  // after ";END" inside a trigger
)

const (
	sqtkSemi uint8 = iota
	sqtkWS         // never passed: comments and whitespace do not change the state
	sqtkOther
	sqtkExplain
	sqtkCreate
	sqtkTemp
	sqtkTrigger
	sqtkEnd
)

var sqliteTrans = [8][8]uint8{
	/*               SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END */
	/* INVALID */ {1, 0, 2, 3, 4, 2, 2, 2},
	/* START   */ {1, 1, 2, 3, 4, 2, 2, 2},
	/* NORMAL  */ {1, 2, 2, 2, 2, 2, 2, 2},
	/* EXPLAIN */ {1, 3, 3, 2, 4, 2, 2, 2},
	/* CREATE  */ {1, 4, 2, 2, 2, 4, 5, 2},
	/* TRIGGER */ {6, 5, 5, 5, 5, 5, 5, 5},
	/* SEMI    */ {6, 6, 5, 5, 5, 5, 5, 7},
	/* END     */ {1, 7, 5, 5, 5, 5, 5, 5},
}

func (r *sqliteRules) reset() { *r = sqliteRules{src: r.src, state: sqStart, beginOff: -1} }

func (r *sqliteRules) token(t token) bool {
	class := sqtkOther
	switch t.kind {
	case tkPunct:
		if r.src[t.start] == ';' {
			class = sqtkSemi
		}
	case tkWord:
		w := r.src[t.start:t.end]
		switch {
		case strings.EqualFold(w, "explain"):
			class = sqtkExplain
		case strings.EqualFold(w, "create"):
			class = sqtkCreate
		case strings.EqualFold(w, "temp"), strings.EqualFold(w, "temporary"):
			class = sqtkTemp
		case strings.EqualFold(w, "trigger"):
			class = sqtkTrigger
		case strings.EqualFold(w, "end"):
			class = sqtkEnd
		case r.beginOff < 0 && r.state == sqTrigger && strings.EqualFold(w, "begin"):
			r.beginOff = t.start
		}
	}
	r.state = sqliteTrans[r.state][class]
	return class == sqtkSemi && r.state == sqStart
}

func (r *sqliteRules) open(start int) (int, string, bool) {
	if r.state != sqTrigger && r.state != sqSemi {
		return 0, "", false
	}
	if r.beginOff >= 0 {
		return r.beginOff, unterminated("BEGIN ... END block"), true
	}
	return start, unterminated("CREATE TRIGGER statement, which needs BEGIN ... END"), true
}
