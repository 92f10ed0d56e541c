package ocppkit_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// env is one CSMS under test on a real HTTP server.
type env struct {
	csms   *ocppkit.CSMS
	server *httptest.Server
	url    string // ws://…/ocpp
	api    string // http://…/api
	frames *frameLog
}

// newEnv starts a CSMS on db (migrated here) behind httptest, with the
// commands API at /api/. Its Server logs every frame at debug level into
// env.frames, which the conformance checks read.
func newEnv(t testing.TB, db *gorm.DB, cfg ocppkit.Config) *env {
	t.Helper()
	ctx := context.Background()
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	frames := &frameLog{}
	cfg.DB = db
	cfg.Logger = slog.New(frames)
	if cfg.NodeID == "" {
		cfg.NodeID = "test-node"
	}
	csms, err := ocppkit.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	mux.Handle("/api/", csms.Remote.HTTPHandler())
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := csms.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
	})
	return &env{
		csms:   csms,
		server: srv,
		url:    "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp",
		api:    srv.URL + "/api",
		frames: frames,
	}
}

// dial connects a simulated charge point registered with password.
func (e *env) dial(t testing.TB, identity, password string) *ocpptest.ChargePoint {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp, err := ocpptest.Dial(ctx, e.url, identity, &ocpptest.Options{Password: password})
	if err != nil {
		t.Fatalf("dial %s: %v", identity, err)
	}
	t.Cleanup(func() { cp.Close() })
	// The server handles a connection's first CALL only after its Connected
	// hook has run, so once this Heartbeat is answered the charge point is
	// registered and reachable by remote commands.
	if _, err := cp.Heartbeat(ctx); err != nil {
		t.Fatalf("first heartbeat of %s: %v", identity, err)
	}
	return cp
}

// register creates a charge point with a password.
func (e *env) register(t testing.TB, identity, password string) *store.ChargePoint {
	t.Helper()
	cp, err := e.csms.RegisterChargePoint(context.Background(), identity, password)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// subscribe returns the messages of topics, collected until the test ends.
func (e *env) subscribe(t *testing.T, topics ...string) <-chan broadcast.Message {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := e.csms.Broadcaster.Subscribe(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// next waits for the next message of ch.
func next(t *testing.T, ch <-chan broadcast.Message) broadcast.Message {
	t.Helper()
	select {
	case m, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return broadcast.Message{}
}

// frameLog is a slog.Handler keeping the frames the server logs at debug
// level (attributes direction and frame).
type frameLog struct {
	errs     atomic.Int64 // records at Error level
	warnings []string     // records at Warn level: message and attributes
	mu       sync.Mutex
	sent     [][]byte
	received [][]byte
}

func (l *frameLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *frameLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *frameLog) WithGroup(string) slog.Handler            { return l }
func (l *frameLog) Handle(_ context.Context, r slog.Record) error {
	var dir, frame string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "direction":
			dir = a.Value.String()
		case "frame":
			frame = a.Value.String()
		}
		return true
	})
	if frame == "" {
		if r.Level >= slog.LevelError {
			l.errs.Add(1)
		}
		if r.Level == slog.LevelWarn {
			l.mu.Lock()
			l.warnings = append(l.warnings, r.Message+attrsOf(r))
			l.mu.Unlock()
		}
		if r.Level >= slog.LevelWarn && testing.Verbose() {
			fmt.Fprintf(os.Stderr, "%s %s %s\n", r.Level, r.Message, attrsOf(r))
		}
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch dir {
	case "out":
		l.sent = append(l.sent, []byte(frame))
	case "in":
		l.received = append(l.received, []byte(frame))
	}
	return nil
}

// errorsLogged returns how many records were logged at Error level.
func (l *frameLog) errorsLogged() int64 { return l.errs.Load() }

func attrsOf(r slog.Record) string {
	var b strings.Builder
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	return b.String()
}

// reset forgets the frames and warnings kept so far.
func (l *frameLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent, l.received, l.warnings = nil, nil, nil
}

// warned returns the records logged at Warn level.
func (l *frameLog) warned() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.warnings...)
}

func (l *frameLog) snapshot() (sent, received [][]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][]byte(nil), l.sent...), append([][]byte(nil), l.received...)
}
