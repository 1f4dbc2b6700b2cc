//go:build race

package sqlsplit

// raceEnabled: timing tests skip under the race detector, which slows
// some inputs far more than others.
const raceEnabled = true
