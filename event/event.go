// Package event is how tide's packages report what they do while they do
// it. Each package defines its own event types (the engine: migration
// started, statement done; the lock: waiting; a backfill: batch done) and
// emits them through one [Emitter] to the caller's [Observer] and logger.
// The library is otherwise silent; the tide CLI renders events as progress
// bars, plain lines or JSON.
package event

import (
	"context"
	"log/slog"
)

// Event is something an operation reports. Kind is a stable snake_case
// name ("migration_started") by which observers and JSON output tell
// events apart; switch on the concrete types to read their fields.
type Event interface {
	Kind() string
}

// Observer receives events. It is called from the goroutine doing the
// work and must not block for long.
type Observer func(Event)

// Loggable is implemented by events that describe themselves to a
// *slog.Logger: at which level, with which message and attributes. Events
// that do not are logged at debug level by kind.
type Loggable interface {
	LogRecord() (level slog.Level, msg string, attrs []slog.Attr)
}

// Emitter sends events to an observer and a logger; either may be nil.
// The zero value drops every event.
type Emitter struct {
	Observer Observer
	Logger   *slog.Logger
}

// Emit reports e.
func (em Emitter) Emit(ctx context.Context, e Event) {
	if em.Observer != nil {
		em.Observer(e)
	}
	if em.Logger == nil {
		return
	}
	level, msg, attrs := slog.LevelDebug, e.Kind(), []slog.Attr(nil)
	if l, ok := e.(Loggable); ok {
		level, msg, attrs = l.LogRecord()
	}
	em.Logger.LogAttrs(ctx, level, msg, attrs...)
}
