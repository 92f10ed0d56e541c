package broadcast

import (
	"bytes"
	"cmp"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults of SSEConfig.
const (
	DefaultHeartbeat    = 15 * time.Second
	DefaultTopicParam   = "topic"
	DefaultWriteTimeout = 10 * time.Second
)

// SSEConfig configures NewSSEHandler. Broadcaster is required.
type SSEConfig struct {
	// Broadcaster is the source of events. If it implements Replayer, a
	// reconnecting client resumes after its Last-Event-ID.
	Broadcaster Broadcaster
	// Authorize decides whether the request may watch topics; an error is
	// answered with 403 and {"error": err.Error()}. Default (nil): every
	// request may watch every topic, so mount the handler behind the host's
	// authentication or set Authorize (ParseTopic helps to map topics to
	// charge points).
	Authorize func(r *http.Request, topics []string) error
	// Heartbeat is the interval of ": ping" comment lines that keep proxies
	// from closing an idle stream. Default 15s.
	Heartbeat time.Duration
	// Logger receives diagnostics. Default slog.Default().
	Logger *slog.Logger
	// TopicParam is the repeatable query parameter naming the topics,
	// ?topic=a&topic=b. Default "topic".
	TopicParam string
	// Retry, when positive, is sent as the stream's "retry:" field: how long
	// the browser waits before reconnecting. Default 0: the browser's own.
	Retry time.Duration
	// WriteTimeout bounds each write to the client, so a stalled client does
	// not hold the handler forever (where the ResponseWriter supports write
	// deadlines). Default 10s.
	WriteTimeout time.Duration
}

type sseHandler struct{ cfg SSEConfig }

// NewSSEHandler returns an http.Handler streaming the topics named in the
// query string as Server-Sent Events:
//
//	id: 42
//	event: charge_point_7_status
//	data: {"connector_id":1,"status":"Charging",…}
//
// A request without topics gets 400, a refused one 403 (see
// SSEConfig.Authorize). The stream ends when the client goes away or the
// subscription ends. The Last-Event-ID header (or the lastEventId query
// parameter) replays missed events when the broadcaster is a Replayer.
// It panics if cfg.Broadcaster is nil.
func NewSSEHandler(cfg SSEConfig) http.Handler {
	if cfg.Broadcaster == nil {
		panic("broadcast: NewSSEHandler: nil Broadcaster")
	}
	cfg.Heartbeat = cmp.Or(max(cfg.Heartbeat, 0), DefaultHeartbeat)
	cfg.TopicParam = cmp.Or(cfg.TopicParam, DefaultTopicParam)
	cfg.WriteTimeout = cmp.Or(max(cfg.WriteTimeout, 0), DefaultWriteTimeout)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	return &sseHandler{cfg: cfg}
}

func (h *sseHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSONError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	topics := UniqueTopics(r.URL.Query()[h.cfg.TopicParam])
	if len(topics) == 0 {
		writeJSONError(w, http.StatusBadRequest, "missing "+h.cfg.TopicParam+" query parameter")
		return
	}
	for _, t := range topics {
		if strings.ContainsAny(t, "\r\n") {
			writeJSONError(w, http.StatusBadRequest, "invalid topic")
			return
		}
	}
	if h.cfg.Authorize != nil {
		if err := h.cfg.Authorize(r, topics); err != nil {
			writeJSONError(w, http.StatusForbidden, err.Error())
			return
		}
	}
	if !canFlush(w) {
		h.cfg.Logger.ErrorContext(r.Context(), "broadcast: sse: response writer cannot flush")
		writeJSONError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	ctx := r.Context()
	events, err := h.cfg.Broadcaster.Subscribe(ctx, topics...)
	if err != nil {
		h.cfg.Logger.ErrorContext(ctx, "broadcast: sse: subscribe", "topics", topics, "err", err)
		writeJSONError(w, http.StatusServiceUnavailable, "subscription failed")
		return
	}

	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	rc := http.NewResponseController(w)
	var buf bytes.Buffer
	flush := func() bool {
		_ = rc.SetWriteDeadline(time.Now().Add(h.cfg.WriteTimeout)) // unsupported: no deadline
		_, err := w.Write(buf.Bytes())
		buf.Reset()
		if err == nil {
			err = rc.Flush()
		}
		return err == nil
	}

	if h.cfg.Retry > 0 {
		buf.WriteString("retry: " + strconv.FormatInt(h.cfg.Retry.Milliseconds(), 10) + "\n\n")
	} else {
		buf.WriteString(": ok\n\n") // commit the headers now so the client sees the stream open
	}
	// Replay after subscribing, so nothing falls between the two; a live
	// message that was also replayed is skipped.
	var replayed map[string]struct{}
	lastID := cmp.Or(r.Header.Get("Last-Event-ID"), r.URL.Query().Get("lastEventId"))
	if rp, ok := h.cfg.Broadcaster.(Replayer); ok && lastID != "" {
		msgs := h.replay(r, rp, topics, lastID)
		replayed = make(map[string]struct{}, len(msgs))
		for _, m := range msgs {
			replayed[m.Topic+"\x00"+m.ID] = struct{}{}
			writeEvent(&buf, m)
		}
	}
	if !flush() {
		return
	}

	heartbeat := time.NewTicker(h.cfg.Heartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-heartbeat.C:
			buf.WriteString(": ping\n\n")
			if !flush() {
				return
			}
		case m, ok := <-events:
			if !ok {
				return
			}
			emit(&buf, m, replayed)
			// Batch what is already queued (up to a bound) into one flush.
		batch:
			for range maxBatch - 1 {
				select {
				case m, ok = <-events:
					if !ok {
						break batch
					}
					emit(&buf, m, replayed)
				default:
					break batch
				}
			}
			if !flush() || !ok {
				return
			}
		}
	}
}

// maxBatch bounds how many queued events one flush carries.
const maxBatch = 64

// emit writes m unless it was already sent by the replay.
func emit(buf *bytes.Buffer, m Message, replayed map[string]struct{}) {
	if len(replayed) > 0 {
		key := m.Topic + "\x00" + m.ID
		if _, dup := replayed[key]; dup {
			delete(replayed, key)
			return
		}
	}
	writeEvent(buf, m)
}

// replay collects the messages of topics after lastID, in id order.
func (h *sseHandler) replay(r *http.Request, rp Replayer, topics []string, lastID string) []Message {
	var all []Message
	for _, t := range topics {
		msgs, err := rp.Replay(r.Context(), t, lastID)
		if err != nil {
			h.cfg.Logger.WarnContext(r.Context(), "broadcast: sse: replay", "topic", t, "last_event_id", lastID, "err", err)
			continue
		}
		all = append(all, msgs...)
	}
	slices.SortStableFunc(all, func(a, b Message) int {
		x, errX := strconv.ParseUint(a.ID, 10, 64)
		y, errY := strconv.ParseUint(b.ID, 10, 64)
		if errX == nil && errY == nil {
			return cmp.Compare(x, y)
		}
		return a.Time.Compare(b.Time)
	})
	return all
}

// writeEvent appends one SSE event; data lines are split on newlines as
// the format requires (compact JSON has none).
func writeEvent(buf *bytes.Buffer, m Message) {
	if m.ID != "" && !strings.ContainsAny(m.ID, "\r\n\x00") {
		buf.WriteString("id: " + m.ID + "\n")
	}
	buf.WriteString("event: " + m.Topic + "\n")
	data := m.Data
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	for line := range bytes.Lines(data) {
		buf.WriteString("data: ")
		buf.Write(bytes.TrimRight(line, "\r\n"))
		buf.WriteByte('\n')
	}
	buf.WriteByte('\n')
}

// canFlush reports whether w, or a writer it wraps (Unwrap, as
// http.ResponseController follows), implements http.Flusher.
func canFlush(w http.ResponseWriter) bool {
	for w != nil {
		if _, ok := w.(http.Flusher); ok {
			return true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
