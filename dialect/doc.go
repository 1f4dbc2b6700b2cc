// Package dialect defines the small interfaces through which tide talks to
// one database system: its [Syntax] (statement splitting and quoting), its
// [Catalog] (tide's own tables) and optional capabilities such as
// [SessionLocker].
//
// Implementations live in the subpackages postgres, mysql and sqlite; the
// conformance suite in dialecttest runs every engine behaviour against each.
package dialect
