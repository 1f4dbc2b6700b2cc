package lock_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind (a lease
// heartbeat, a connection).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
