package broadcast_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
)

type sseEvent struct {
	id, event, data, retry string
	comments               []string
}

// sseStream reads events from a live response in a goroutine.
type sseStream struct {
	resp   *http.Response
	events chan sseEvent
}

func openSSE(t *testing.T, srv *httptest.Server, query string, header http.Header) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	s := &sseStream{resp: resp, events: make(chan sseEvent, 100)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				s.events <- ev
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				ev.comments = append(ev.comments, strings.TrimSpace(line[1:]))
			default:
				field, value, _ := strings.Cut(line, ": ")
				switch field {
				case "id":
					ev.id = value
				case "event":
					ev.event = value
				case "data":
					if ev.data != "" {
						ev.data += "\n"
					}
					ev.data += value
				case "retry":
					ev.retry = value
				}
			}
		}
	}()
	return s
}

// next returns the next event that is not only a comment.
func (s *sseStream) next(t *testing.T) sseEvent {
	t.Helper()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatal("stream ended")
			}
			if ev.event == "" && ev.retry == "" {
				continue
			}
			return ev
		case <-time.After(5 * time.Second):
			t.Fatal("no event within 5s")
		}
	}
}

func newSSEServer(t *testing.T, cfg broadcast.SSEConfig) (*httptest.Server, chan struct{}) {
	t.Helper()
	done := make(chan struct{}, 10)
	h := broadcast.NewSSEHandler(cfg)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		done <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	return srv, done
}

func TestSSERefusals(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	tests := []struct {
		name       string
		cfg        broadcast.SSEConfig
		method     string
		query      string
		wantStatus int
		wantError  string
	}{
		{"no topic", broadcast.SSEConfig{}, http.MethodGet, "", http.StatusBadRequest, "missing topic query parameter"},
		{"empty topic", broadcast.SSEConfig{}, http.MethodGet, "topic=", http.StatusBadRequest, "missing topic query parameter"},
		{"custom param", broadcast.SSEConfig{TopicParam: "t"}, http.MethodGet, "topic=a", http.StatusBadRequest, "missing t query parameter"},
		{"newline in topic", broadcast.SSEConfig{}, http.MethodGet, "topic=" + url.QueryEscape("a\nevent: x"), http.StatusBadRequest, "invalid topic"},
		{"forbidden", broadcast.SSEConfig{Authorize: func(r *http.Request, topics []string) error {
			return errors.New("not your charge point")
		}}, http.MethodGet, "topic=charge_point_1_status", http.StatusForbidden, "not your charge point"},
		{"post", broadcast.SSEConfig{}, http.MethodPost, "topic=a", http.StatusMethodNotAllowed, "method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Broadcaster = m
			srv, _ := newSSEServer(t, tt.cfg)
			req, _ := http.NewRequest(tt.method, srv.URL+"/events?"+tt.query, nil)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body struct{ Error string }
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body.Error != tt.wantError {
				t.Errorf("error = %q, want %q", body.Error, tt.wantError)
			}
		})
	}
}

// noFlush is a ResponseWriter without http.Flusher.
type noFlush struct{ rec *httptest.ResponseRecorder }

func (w noFlush) Header() http.Header         { return w.rec.Header() }
func (w noFlush) Write(b []byte) (int, error) { return w.rec.Write(b) }
func (w noFlush) WriteHeader(code int)        { w.rec.WriteHeader(code) }

func TestSSEWithoutFlusher(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	h := broadcast.NewSSEHandler(broadcast.SSEConfig{Broadcaster: m})
	rec := httptest.NewRecorder()
	h.ServeHTTP(noFlush{rec}, httptest.NewRequest(http.MethodGet, "/events?topic=a", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", rec.Code)
	}
}

func TestSSEStream(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	authorized := make(chan []string, 1)
	srv, done := newSSEServer(t, broadcast.SSEConfig{
		Broadcaster: m,
		Retry:       3 * time.Second,
		Authorize: func(r *http.Request, topics []string) error {
			authorized <- topics
			return nil
		},
	})
	s := openSSE(t, srv, "topic=a&topic=b&topic=a", nil)
	for name, want := range map[string]string{
		"Content-Type":      "text/event-stream",
		"Cache-Control":     "no-cache",
		"X-Accel-Buffering": "no",
	} {
		if got := s.resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if got := <-authorized; strings.Join(got, ",") != "a,b" {
		t.Errorf("Authorize saw topics %v, want [a b]", got)
	}
	if ev := s.next(t); ev.retry != "3000" {
		t.Errorf("first event = %+v, want retry: 3000", ev)
	}
	for _, p := range []struct{ topic, data string }{{"a", `{"n":1}`}, {"c", `{"n":2}`}, {"b", "{\n\"n\": 3\n}"}} {
		if err := m.Publish(t.Context(), p.topic, json.RawMessage(p.data)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ id, event, data string }{
		{"1", "a", `{"n":1}`},
		{"2", "b", "{\n\"n\": 3\n}"}, // nobody watched c, so it took no id; multi-line data survives as several data: lines
	}
	for _, want := range tests {
		ev := s.next(t)
		if ev.id != want.id || ev.event != want.event || ev.data != want.data {
			t.Errorf("event = %+v, want %+v", ev, want)
		}
	}
	// The handler ends when the client goes away, and unsubscribes.
	s.resp.Body.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler still running after the client went away")
	}
}

func TestSSEHeartbeat(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	srv, _ := newSSEServer(t, broadcast.SSEConfig{Broadcaster: m, Heartbeat: 10 * time.Millisecond})
	s := openSSE(t, srv, "topic=a", nil)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatal("stream ended")
			}
			if len(ev.comments) == 1 && ev.comments[0] == "ping" {
				return
			}
		case <-deadline:
			t.Fatal("no ping within 5s")
		}
	}
}

func TestSSELastEventID(t *testing.T) {
	tests := []struct {
		name   string
		query  string
		header http.Header
	}{
		{"header", "topic=a&topic=b", http.Header{"Last-Event-Id": {"1"}}},
		{"query parameter", "topic=a&topic=b&lastEventId=1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := broadcast.NewMemory(broadcast.MemoryConfig{})
			defer m.Close()
			// A previous client watched a and b, so their history is kept.
			if _, err := m.Subscribe(t.Context(), "a", "b"); err != nil {
				t.Fatal(err)
			}
			for _, p := range []struct{ topic, data string }{{"a", "1"}, {"b", "2"}, {"a", "3"}} {
				if err := m.Publish(t.Context(), p.topic, json.RawMessage(p.data)); err != nil {
					t.Fatal(err)
				}
			}
			srv, _ := newSSEServer(t, broadcast.SSEConfig{Broadcaster: m})
			s := openSSE(t, srv, tt.query, tt.header)
			if err := m.Publish(t.Context(), "b", json.RawMessage("4")); err != nil {
				t.Fatal(err)
			}
			for _, want := range []sseEvent{{id: "2", event: "b", data: "2"}, {id: "3", event: "a", data: "3"}, {id: "4", event: "b", data: "4"}} {
				ev := s.next(t)
				if ev.id != want.id || ev.event != want.event || ev.data != want.data {
					t.Errorf("event = %+v, want %+v", ev, want)
				}
			}
		})
	}
}

func TestSSEEndsWhenBroadcasterCloses(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	srv, done := newSSEServer(t, broadcast.SSEConfig{Broadcaster: m})
	openSSE(t, srv, "topic=a", nil)
	m.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler still running after the broadcaster closed")
	}
}
