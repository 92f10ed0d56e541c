// Package loglimit keeps repeated warnings and errors from flooding a log:
// a slog.Handler that passes at most Burst records of each (level, message)
// per Interval and counts the rest. When a database goes away under load,
// every message of every charge point fails the same way; the log gets a
// few lines and a count, not one line per message.
package loglimit

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"
)

// Defaults of Config.
const (
	DefaultBurst    = 10
	DefaultInterval = 10 * time.Second
)

// maxKinds bounds the table of (level, message) pairs; past it the table
// starts afresh (messages are constants in code, so it is rarely reached).
const maxKinds = 1024

// Config tunes a Handler. The zero value is usable.
type Config struct {
	// Burst is how many records of one level and message pass per
	// Interval. By default DefaultBurst.
	Burst int
	// Interval is the window Burst counts in. By default DefaultInterval.
	Interval time.Duration
	// MinLevel is the lowest level limited; records below it always pass.
	// By default slog.LevelWarn (the zero Level is Info, so it is always
	// set: pass slog.LevelInfo explicitly to limit Info too).
	MinLevel *slog.Level
}

// Handler is the limiting slog.Handler. Handlers derived with WithAttrs
// and WithGroup share its counts.
type Handler struct {
	next slog.Handler
	s    *state
}

type state struct {
	burst int
	every time.Duration
	min   slog.Level

	mu    sync.Mutex
	kinds map[kind]*window
}

type kind struct {
	level slog.Level
	msg   string
}

type window struct {
	start      time.Time
	passed     int
	suppressed int
}

// New returns a Handler in front of next.
func New(next slog.Handler, cfg Config) *Handler {
	min := slog.LevelWarn
	if cfg.MinLevel != nil {
		min = *cfg.MinLevel
	}
	return &Handler{next: next, s: &state{
		burst: cmp.Or(cfg.Burst, DefaultBurst),
		every: cmp.Or(cfg.Interval, DefaultInterval),
		min:   min,
		kinds: make(map[kind]*window),
	}}
}

// Enabled reports whether next handles level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle passes r to next unless Burst records of its level and message
// already passed in the current window; the first record to pass in a new
// window carries suppressed=<how many were dropped in the last one>.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < h.s.min {
		return h.next.Handle(ctx, r)
	}
	pass, dropped := h.s.admit(kind{r.Level, r.Message}, r.Time)
	if !pass {
		return nil
	}
	if dropped > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("suppressed", dropped))
	}
	return h.next.Handle(ctx, r)
}

func (s *state) admit(k kind, at time.Time) (pass bool, dropped int) {
	if at.IsZero() {
		at = time.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.kinds[k]
	if w == nil {
		if len(s.kinds) >= maxKinds {
			clear(s.kinds)
		}
		w = &window{start: at}
		s.kinds[k] = w
	}
	if at.Sub(w.start) >= s.every {
		dropped = w.suppressed
		*w = window{start: at}
	}
	if w.passed >= s.burst {
		w.suppressed++
		return false, 0
	}
	w.passed++
	return true, dropped
}

// WithAttrs returns a Handler sharing h's counts in front of
// next.WithAttrs(attrs).
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{next: h.next.WithAttrs(attrs), s: h.s}
}

// WithGroup returns a Handler sharing h's counts in front of
// next.WithGroup(name).
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), s: h.s}
}
