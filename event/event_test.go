package event_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/tidemigrate/tide/event"
)

type plain struct{}

func (plain) Kind() string { return "plain_thing" }

type described struct{ n int }

func (described) Kind() string { return "described" }
func (d described) LogRecord() (slog.Level, string, []slog.Attr) {
	return slog.LevelWarn, "something described", []slog.Attr{slog.Int("n", d.n)}
}

func TestEmitter(t *testing.T) {
	var seen []string
	var buf bytes.Buffer
	em := event.Emitter{
		Observer: func(e event.Event) { seen = append(seen, e.Kind()) },
		Logger:   slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	em.Emit(context.Background(), plain{})
	em.Emit(context.Background(), described{n: 7})
	if strings.Join(seen, ",") != "plain_thing,described" {
		t.Errorf("observer saw %v", seen)
	}
	log := buf.String()
	for _, want := range []string{"level=DEBUG msg=plain_thing", "level=WARN msg=\"something described\" n=7"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	event.Emitter{}.Emit(context.Background(), plain{}) // the zero value drops events
}
