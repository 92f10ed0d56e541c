package ocpptest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// responder is a minimal OCPP-J Central System for these tests: it accepts
// charge points on httptest, answers their CALLs with reply and lets the
// test make CALLs of its own.
type responder struct {
	t     testing.TB
	srv   *httptest.Server
	conns chan *responderConn

	// reply answers a CALL of a charge point; nil answers with okReply.
	reply func(c *responderConn, f ocpp.Frame) ocpp.Frame
	// noSubprotocol makes the handshake select no subprotocol.
	noSubprotocol bool
}

type responderConn struct {
	ws       *websocket.Conn
	identity string
	request  *http.Request

	calls chan ocpp.Frame // CALLs received from the charge point, after answering

	mu          sync.Mutex
	pending     map[string]chan ocpp.Frame
	outstanding int   // CALLs of the charge point received and not yet answered
	maxOut      int   // the most ever outstanding
	nextID      int64 // ids of our own CALLs
	done        chan struct{}
	answered    atomic.Int64
}

func newResponder(t testing.TB, configure func(*responder)) *responder {
	t.Helper()
	r := &responder{t: t, conns: make(chan *responderConn, 8)}
	if configure != nil {
		configure(r)
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// URL returns the base URL charge points dial.
func (r *responder) URL() string { return "ws" + strings.TrimPrefix(r.srv.URL, "http") + "/ocpp" }

func (r *responder) serve(w http.ResponseWriter, req *http.Request) {
	opts := &websocket.AcceptOptions{Subprotocols: []string{"ocpp1.6"}}
	if r.noSubprotocol {
		opts.Subprotocols = nil
	}
	ws, err := websocket.Accept(w, req, opts)
	if err != nil {
		return
	}
	c := &responderConn{
		ws:      ws,
		request: req,
		calls:   make(chan ocpp.Frame, 256),
		pending: make(map[string]chan ocpp.Frame),
		done:    make(chan struct{}),
	}
	ep := req.URL.EscapedPath()
	c.identity, _ = url.PathUnescape(ep[strings.LastIndex(ep, "/")+1:])
	r.conns <- c
	defer close(c.done)
	ctx := req.Context()
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		f, err := ocpp.DecodeFrame(data)
		switch {
		case f.Type == ocpp.CallResult || f.Type == ocpp.CallError:
			c.mu.Lock()
			ch := c.pending[f.ID]
			delete(c.pending, f.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- f
			}
		case err != nil:
			if f.ID != "" {
				c.write(ctx, ocpp.NewCallError(f.ID, err))
			}
		default:
			c.mu.Lock()
			c.outstanding++
			c.maxOut = max(c.maxOut, c.outstanding)
			c.mu.Unlock()
			reply := r.reply
			if reply == nil {
				reply = okReply
			}
			// Answer in a goroutine, so a held reply does not stop us
			// reading (the charge point's replies to our calls, or a
			// second CALL it should not have sent).
			go func() {
				out := reply(c, f)
				c.mu.Lock()
				c.outstanding--
				c.mu.Unlock()
				c.write(ctx, out)
				c.answered.Add(1)
				c.calls <- f
			}()
		}
	}
}

func (c *responderConn) write(ctx context.Context, f ocpp.Frame) {
	data, err := f.MarshalJSON()
	if err != nil {
		panic(err)
	}
	_ = c.ws.Write(ctx, websocket.MessageText, data)
}

// call sends a CALL to the charge point and returns its reply frame.
func (c *responderConn) call(ctx context.Context, action string, payload string) (ocpp.Frame, error) {
	c.mu.Lock()
	c.nextID++
	id := "csms-" + strconv.FormatInt(c.nextID, 10)
	ch := make(chan ocpp.Frame, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	data, _ := ocpp.NewCall(id, action, json.RawMessage(payload)).MarshalJSON()
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		return ocpp.Frame{}, err
	}
	select {
	case f := <-ch:
		return f, nil
	case <-ctx.Done():
		return ocpp.Frame{}, ctx.Err()
	case <-c.done:
		return ocpp.Frame{}, errors.New("connection ended")
	}
}

// nextCall returns the next CALL the charge point made (after it was
// answered).
func (c *responderConn) nextCall(t testing.TB) ocpp.Frame {
	t.Helper()
	select {
	case f := <-c.calls:
		return f
	case <-t.Context().Done():
		t.Fatal("test ended waiting for a call")
	}
	return ocpp.Frame{}
}

// okReply answers every charge point action with a valid CALLRESULT, and
// a payload that fails ocpp16 validation with the CALLERROR it produces.
func okReply(_ *responderConn, f ocpp.Frame) ocpp.Frame {
	req, ok := ocpp16.NewRequest(f.Action)
	if !ok {
		return ocpp.NewCallError(f.ID, ocpp.NewError(ocpp.NotImplemented, "unknown action"))
	}
	if err := ocpp16.Unmarshal(f.Payload, req, ocpp16.Strict); err != nil {
		return ocpp.NewCallError(f.ID, err)
	}
	now := `"` + ocpp16.Now().Format("2006-01-02T15:04:05.000Z") + `"`
	payload := map[string]string{
		ocpp16.ActionBootNotification:              `{"status":"Accepted","currentTime":` + now + `,"interval":300}`,
		ocpp16.ActionHeartbeat:                     `{"currentTime":` + now + `}`,
		ocpp16.ActionAuthorize:                     `{"idTagInfo":{"status":"Accepted"}}`,
		ocpp16.ActionStartTransaction:              `{"idTagInfo":{"status":"Accepted"},"transactionId":42}`,
		ocpp16.ActionStopTransaction:               `{"idTagInfo":{"status":"Accepted"}}`,
		ocpp16.ActionDataTransfer:                  `{"status":"Accepted","data":"pong"}`,
		ocpp16.ActionMeterValues:                   `{}`,
		ocpp16.ActionStatusNotification:            `{}`,
		ocpp16.ActionDiagnosticsStatusNotification: `{}`,
		ocpp16.ActionFirmwareStatusNotification:    `{}`,
	}[f.Action]
	if payload == "" {
		return ocpp.NewCallError(f.ID, ocpp.NewError(ocpp.NotSupported, "not in this test"))
	}
	return ocpp.NewCallResult(f.ID, json.RawMessage(payload))
}

// accept waits for the next charge point connection.
func (r *responder) accept(t testing.TB) *responderConn {
	t.Helper()
	select {
	case c := <-r.conns:
		return c
	case <-t.Context().Done():
		t.Fatal("test ended waiting for a connection")
	}
	return nil
}

// dial connects a charge point to r and waits until r has accepted it.
func (r *responder) dial(t testing.TB, identity string, opts *Options) (*ChargePoint, *responderConn) {
	t.Helper()
	cp, err := Dial(t.Context(), r.URL(), identity, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { cp.Close() })
	return cp, r.accept(t)
}

// officialSchemas validates payloads against the official OCPP 1.6 JSON
// schemas (embedded in ocpp/schemas).
type officialSchemas struct{ set *schemas.Set }

// loadSchemas returns the official OCPP 1.6 schemas.
func loadSchemas(t testing.TB) officialSchemas {
	t.Helper()
	set, err := schemas.Load(schemas.OCPP16)
	if err != nil {
		t.Fatal(err)
	}
	return officialSchemas{set}
}

// validate checks payload against <name>.json (e.g. "ResetResponse").
func (s officialSchemas) validate(t testing.TB, name string, payload []byte) {
	t.Helper()
	sch, err := s.set.Schema(name)
	if err != nil {
		t.Fatalf("schema %s: %v", name, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		t.Fatalf("%s payload %s: %v", name, payload, err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s payload %s does not validate: %v", name, payload, err)
	}
}
