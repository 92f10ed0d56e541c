package loglimit_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/internal/loglimit"
)

// records keeps what reaches it.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) count(msg string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, rec := range r.recs {
		if rec.Message == msg {
			n++
		}
	}
	return n
}

func suppressedOf(rec slog.Record) (n int64, ok bool) {
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "suppressed" {
			n, ok = a.Value.Int64(), true
		}
		return true
	})
	return n, ok
}

func TestRepeatedErrorsAreCounted(t *testing.T) {
	t.Parallel()
	out := &records{}
	h := loglimit.New(out, loglimit.Config{Burst: 3, Interval: time.Minute})
	ctx := context.Background()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	// 1000 identical errors from connections with their own attributes
	// (WithAttrs shares the counts), within one window.
	for i := range 1000 {
		hh := h.WithAttrs([]slog.Attr{slog.Int("conn", i)})
		_ = hh.Handle(ctx, slog.NewRecord(t0.Add(time.Duration(i)*time.Millisecond), slog.LevelError, "handler failed", 0))
	}
	_ = h.Handle(ctx, slog.NewRecord(t0, slog.LevelError, "another failure", 0))
	_ = h.Handle(ctx, slog.NewRecord(t0, slog.LevelInfo, "handler failed", 0)) // other level: own count
	for i := range 50 {                                                        // below Warn: never limited
		_ = h.Handle(ctx, slog.NewRecord(t0.Add(time.Duration(i)), slog.LevelDebug, "frame", 0))
	}
	if n := out.count("handler failed"); n != 4 {
		t.Errorf("%d 'handler failed' records passed, want 3 errors + 1 info", n)
	}
	if n := out.count("another failure"); n != 1 {
		t.Errorf("%d 'another failure' records passed, want 1", n)
	}
	if n := out.count("frame"); n != 50 {
		t.Errorf("%d debug records passed, want all 50", n)
	}
	// The next window's first record says how many were dropped.
	_ = h.Handle(ctx, slog.NewRecord(t0.Add(2*time.Minute), slog.LevelError, "handler failed", 0))
	last := out.recs[len(out.recs)-1]
	if n, ok := suppressedOf(last); !ok || n != 997 {
		t.Errorf("first record of the next window: suppressed = %d (%v), want 997", n, ok)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	out := &records{}
	logger := slog.New(loglimit.New(out, loglimit.Config{Burst: 5, Interval: time.Hour}))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			l := logger.With("worker", i)
			for range 100 {
				l.Warn("database unavailable")
			}
		})
	}
	wg.Wait()
	if n := out.count("database unavailable"); n != 5 {
		t.Errorf("%d records passed, want 5", n)
	}
}
