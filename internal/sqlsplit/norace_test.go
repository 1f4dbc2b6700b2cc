//go:build !race

package sqlsplit

const raceEnabled = false
