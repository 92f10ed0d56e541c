package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// csms is a minimal Central System for the simulator's tests, speaking
// OCPP 1.6 and 2.0.1: it answers every CALL validly, validates it strictly
// (and against the official schema), and forwards it to the test.
type csms struct {
	t      testing.TB
	srv    *httptest.Server
	frames chan ocpp.Frame // CALLs from the charge point, after answering
	conns  chan *csmsConn
}

type csmsConn struct {
	ws       *websocket.Conn
	identity string
	version  string

	mu      sync.Mutex
	nextID  int
	pending map[string]chan ocpp.Frame
	actions map[string]string // of the CALLs sent, by message id
	done    chan struct{}
}

func newCSMS(t testing.TB) *csms {
	t.Helper()
	c := &csms{t: t, frames: make(chan ocpp.Frame, 1024), conns: make(chan *csmsConn, 4)}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *csms) url() string { return "ws" + strings.TrimPrefix(c.srv.URL, "http") + "/ocpp" }

func (c *csms) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{ocpp.OCPP16, ocpp.OCPP201}})
	if err != nil {
		return
	}
	conn := &csmsConn{
		ws:       ws,
		identity: r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:],
		version:  ws.Subprotocol(),
		pending:  map[string]chan ocpp.Frame{},
		done:     make(chan struct{}),
	}
	defer close(conn.done)
	c.conns <- conn
	ctx := r.Context()
	txID := 100
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		f, err := ocpp.DecodeFrameFor(data, conn.version)
		if err != nil {
			c.t.Errorf("invalid frame %s: %v", data, err)
			continue
		}
		if f.Type == ocpp.CallResult && conn.version == ocpp.OCPP201 {
			conn.mu.Lock()
			action := conn.actions[f.ID]
			conn.mu.Unlock()
			if err := schemaSet(c.t, conn.version).Validate(action, true, f.Payload); err != nil {
				c.t.Errorf("%s reply %s against the official schema: %v", action, f.Payload, err)
			}
		}
		if f.Type != ocpp.Call {
			conn.mu.Lock()
			ch := conn.pending[f.ID]
			delete(conn.pending, f.ID)
			conn.mu.Unlock()
			if ch != nil {
				ch <- f
			}
			continue
		}
		if conn.version == ocpp.OCPP201 {
			payload := c.answer201(conn, f)
			out, _ := ocpp.NewCallResult(f.ID, json.RawMessage(payload)).MarshalJSON()
			if err := ws.Write(ctx, websocket.MessageText, out); err != nil {
				return
			}
			c.frames <- f
			continue
		}
		req, ok := ocpp16.NewRequest(f.Action)
		if !ok {
			c.t.Errorf("unknown action %s", f.Action)
			continue
		}
		if err := ocpp16.Unmarshal(f.Payload, req, ocpp16.Strict); err != nil {
			c.t.Errorf("invalid %s %s: %v", f.Action, f.Payload, err)
		}
		now := `"` + ocpp16.Now().String() + `"`
		var payload string
		switch f.Action {
		case ocpp16.ActionBootNotification:
			payload = `{"status":"Accepted","currentTime":` + now + `,"interval":3600}`
		case ocpp16.ActionHeartbeat:
			payload = `{"currentTime":` + now + `}`
		case ocpp16.ActionAuthorize, ocpp16.ActionStopTransaction:
			payload = `{"idTagInfo":{"status":"Accepted"}}`
		case ocpp16.ActionStartTransaction:
			txID++
			payload = `{"idTagInfo":{"status":"Accepted"},"transactionId":` + strconv.Itoa(txID) + `}`
		default:
			payload = `{}`
		}
		out, _ := ocpp.NewCallResult(f.ID, json.RawMessage(payload)).MarshalJSON()
		if err := ws.Write(ctx, websocket.MessageText, out); err != nil {
			return
		}
		c.frames <- f
	}
}

// answer201 validates a 2.0.1 CALL strictly and against the official
// schema, and returns a valid reply; every transaction is accepted.
func (c *csms) answer201(conn *csmsConn, f ocpp.Frame) string {
	if err := schemaSet(c.t, ocpp.OCPP201).Validate(f.Action, false, f.Payload); err != nil {
		c.t.Errorf("%s %s against the official schema: %v", f.Action, f.Payload, err)
	}
	req, ok := ocpp201.NewRequest(f.Action)
	if !ok {
		c.t.Errorf("unknown 2.0.1 action %s", f.Action)
		return `{}`
	}
	if err := ocpp201.Unmarshal(f.Payload, req, ocpp201.Strict); err != nil {
		c.t.Errorf("invalid %s %s: %v", f.Action, f.Payload, err)
	}
	now := `"` + ocpp201.Now().String() + `"`
	switch f.Action {
	case ocpp201.ActionBootNotification:
		return `{"status":"Accepted","currentTime":` + now + `,"interval":3600}`
	case ocpp201.ActionHeartbeat:
		return `{"currentTime":` + now + `}`
	case ocpp201.ActionAuthorize:
		return `{"idTokenInfo":{"status":"Accepted"}}`
	case ocpp201.ActionTransactionEvent:
		if req.(*ocpp201.TransactionEventRequest).IdToken != nil {
			return `{"idTokenInfo":{"status":"Accepted"}}`
		}
	}
	return `{}`
}

var (
	schemaMu   sync.Mutex
	schemaSets = map[string]*schemas.Set{}
)

// schemaSet returns the official schemas of an OCPP version, loaded once.
func schemaSet(t testing.TB, version string) *schemas.Set {
	t.Helper()
	name := schemas.OCPP16
	if version == ocpp.OCPP201 {
		name = schemas.OCPP201
	}
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemaSets[name]; ok {
		return s
	}
	s, err := schemas.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	schemaSets[name] = s
	return s
}

// call sends a CALL to the charge point and returns the reply payload.
func (conn *csmsConn) call(t testing.TB, action, payload string) json.RawMessage {
	t.Helper()
	conn.mu.Lock()
	conn.nextID++
	id := "csms-" + strconv.Itoa(conn.nextID)
	ch := make(chan ocpp.Frame, 1)
	conn.pending[id] = ch
	if conn.actions == nil {
		conn.actions = map[string]string{}
	}
	conn.actions[id] = action
	conn.mu.Unlock()
	data, _ := ocpp.NewCall(id, action, json.RawMessage(payload)).MarshalJSON()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := conn.ws.Write(ctx, websocket.MessageText, data); err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	reply := func(f ocpp.Frame) json.RawMessage {
		if f.Type != ocpp.CallResult {
			t.Fatalf("%s answered %+v", action, f)
		}
		return f.Payload
	}
	select {
	case f := <-ch:
		return reply(f)
	case <-ctx.Done():
		t.Fatalf("%s: no reply", action)
	case <-conn.done:
		// A charge point may answer and then close (Reset): the reader
		// delivers the reply before it marks the connection done, and
		// select picks at random among ready cases, so look again.
		select {
		case f := <-ch:
			return reply(f)
		default:
		}
		t.Fatalf("%s: connection ended", action)
	}
	return nil
}

// await returns the next CALL the charge point sent whose action is action
// and that satisfies match (nil matches any), skipping the others.
func (c *csms) await(t testing.TB, action string, match func(json.RawMessage) bool) json.RawMessage {
	t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		select {
		case f := <-c.frames:
			if f.Action == action && (match == nil || match(f.Payload)) {
				return f.Payload
			}
		case <-timeout.C:
			t.Fatalf("no %s arrived", action)
			return nil
		}
	}
}

func statusIs(connector int, status ocpp16.ChargePointStatus) func(json.RawMessage) bool {
	return func(p json.RawMessage) bool {
		var req ocpp16.StatusNotificationRequest
		return json.Unmarshal(p, &req) == nil && req.ConnectorId == connector && req.Status == status
	}
}

func decode[T any](t testing.TB, p json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(p, &v); err != nil {
		t.Fatalf("decode %s: %v", p, err)
	}
	return v
}

func energyOf(t testing.TB, req ocpp16.MeterValuesRequest) float64 {
	t.Helper()
	for _, sv := range req.MeterValue[0].SampledValue {
		if sv.Measurand == ocpp16.MeasurandEnergyActiveImportRegister {
			e, err := strconv.ParseFloat(sv.Value, 64)
			if err != nil {
				t.Fatalf("energy %q: %v", sv.Value, err)
			}
			return e
		}
	}
	t.Fatalf("no energy register in %+v", req)
	return 0
}

func TestRemoteSession(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	s := New(Config{
		URL:           cs.url(),
		Count:         1,
		Prefix:        "T",
		MinConnectors: 2,
		MaxConnectors: 2,
		MeterInterval: 20 * time.Millisecond,
		SessionLength: time.Hour, // never ends by itself during the test
		RemoteOnly:    true,
		StatsInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()

	conn := <-cs.conns
	if conn.identity != "T001" {
		t.Errorf("identity %q, want T001", conn.identity)
	}
	boot := decode[ocpp16.BootNotificationRequest](t, cs.await(t, ocpp16.ActionBootNotification, nil))
	if boot.ChargePointVendor == "" || boot.ChargePointModel == "" {
		t.Errorf("boot %+v without vendor or model", boot)
	}
	for id := range 3 {
		cs.await(t, ocpp16.ActionStatusNotification, statusIs(id, ocpp16.ChargePointStatusAvailable))
	}

	res := decode[ocpp16.RemoteStartTransactionResponse](t, conn.call(t, ocpp16.ActionRemoteStartTransaction, `{"connectorId":2,"idTag":"RFID-TEST"}`))
	if res.Status != ocpp16.RemoteStartStopStatusAccepted {
		t.Fatalf("RemoteStartTransaction %s, want Accepted", res.Status)
	}
	cs.await(t, ocpp16.ActionStatusNotification, statusIs(2, ocpp16.ChargePointStatusPreparing))
	start := decode[ocpp16.StartTransactionRequest](t, cs.await(t, ocpp16.ActionStartTransaction, nil))
	if start.ConnectorId != 2 || start.IdTag != "RFID-TEST" {
		t.Errorf("StartTransaction %+v, want connector 2 and RFID-TEST", start)
	}
	cs.await(t, ocpp16.ActionStatusNotification, statusIs(2, ocpp16.ChargePointStatusCharging))

	// A second start on the busy connector is rejected.
	busy := decode[ocpp16.RemoteStartTransactionResponse](t, conn.call(t, ocpp16.ActionRemoteStartTransaction, `{"connectorId":2,"idTag":"OTHER"}`))
	if busy.Status != ocpp16.RemoteStartStopStatusRejected {
		t.Errorf("RemoteStartTransaction on a busy connector: %s, want Rejected", busy.Status)
	}

	// Energy never falls and rises within a few samples (at the start of
	// the ramp a sample adds a few mWh).
	last := float64(start.MeterStart)
	for i := 0; last <= float64(start.MeterStart); i++ {
		if i == 50 {
			t.Fatalf("energy did not rise above meterStart %d Wh in 50 samples", start.MeterStart)
		}
		mv := decode[ocpp16.MeterValuesRequest](t, cs.await(t, ocpp16.ActionMeterValues, nil))
		if mv.ConnectorId != 2 || mv.TransactionId == nil || *mv.TransactionId != 101 {
			t.Fatalf("MeterValues %+v, want connector 2, transaction 101", mv)
		}
		e := energyOf(t, mv)
		if e < last {
			t.Fatalf("energy fell from %v to %v Wh", last, e)
		}
		last = e
	}

	unknown := decode[ocpp16.RemoteStopTransactionResponse](t, conn.call(t, ocpp16.ActionRemoteStopTransaction, `{"transactionId":999}`))
	if unknown.Status != ocpp16.RemoteStartStopStatusRejected {
		t.Errorf("RemoteStopTransaction of an unknown transaction: %s, want Rejected", unknown.Status)
	}
	stopRes := decode[ocpp16.RemoteStopTransactionResponse](t, conn.call(t, ocpp16.ActionRemoteStopTransaction, `{"transactionId":101}`))
	if stopRes.Status != ocpp16.RemoteStartStopStatusAccepted {
		t.Fatalf("RemoteStopTransaction %s, want Accepted", stopRes.Status)
	}
	stop := decode[ocpp16.StopTransactionRequest](t, cs.await(t, ocpp16.ActionStopTransaction, nil))
	if stop.TransactionId != 101 || stop.Reason != ocpp16.ReasonRemote || float64(stop.MeterStop) < last-0.5 {
		t.Errorf("StopTransaction %+v, want transaction 101, reason Remote, meterStop ≥ %.0f", stop, last)
	}
	cs.await(t, ocpp16.ActionStatusNotification, statusIs(2, ocpp16.ChargePointStatusFinishing))
	cs.await(t, ocpp16.ActionStatusNotification, statusIs(2, ocpp16.ChargePointStatusAvailable))

	if st := s.Stats(); st.Sessions != 1 || st.Connected != 1 || st.MessagesSent == 0 {
		t.Errorf("stats %+v, want 1 session, 1 connected, messages sent", st)
	}

	cancel()
	if err := <-runErr; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := New(Config{
		URL: cs.url(), Count: 1, MinConnectors: 1, MaxConnectors: 1,
		MeterInterval: 20 * time.Millisecond, SessionLength: time.Hour, RemoteOnly: true,
		StatsInterval: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	conn := <-cs.conns
	cs.await(t, ocpp16.ActionStatusNotification, statusIs(1, ocpp16.ChargePointStatusAvailable))

	tests := []commandCase{
		{
			name: "get configuration", action: ocpp16.ActionGetConfiguration,
			payload: `{"key":["NumberOfConnectors","Nope"]}`,
			want:    `{"configurationKey":[{"key":"NumberOfConnectors","readonly":true,"value":"1"}],"unknownKey":["Nope"]}`,
		},
		{name: "change configuration", action: ocpp16.ActionChangeConfiguration, payload: `{"key":"HeartbeatInterval","value":"120"}`, want: `{"status":"Accepted"}`},
		{name: "change readonly configuration", action: ocpp16.ActionChangeConfiguration, payload: `{"key":"NumberOfConnectors","value":"4"}`, want: `{"status":"Rejected"}`},
		{
			name: "trigger heartbeat", action: ocpp16.ActionTriggerMessage, payload: `{"requestedMessage":"Heartbeat"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) { cs.await(t, ocpp16.ActionHeartbeat, nil) },
		},
		{
			name: "trigger meter values", action: ocpp16.ActionTriggerMessage, payload: `{"requestedMessage":"MeterValues","connectorId":1}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) { cs.await(t, ocpp16.ActionMeterValues, nil) },
		},
		{name: "trigger unknown connector", action: ocpp16.ActionTriggerMessage, payload: `{"requestedMessage":"StatusNotification","connectorId":7}`, want: `{"status":"Rejected"}`},
		{
			name: "change availability inoperative", action: ocpp16.ActionChangeAvailability, payload: `{"connectorId":1,"type":"Inoperative"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				cs.await(t, ocpp16.ActionStatusNotification, statusIs(1, ocpp16.ChargePointStatusUnavailable))
			},
		},
		{name: "remote start while unavailable", action: ocpp16.ActionRemoteStartTransaction, payload: `{"idTag":"X"}`, want: `{"status":"Rejected"}`},
		{
			name: "change availability operative", action: ocpp16.ActionChangeAvailability, payload: `{"connectorId":0,"type":"Operative"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				cs.await(t, ocpp16.ActionStatusNotification, statusIs(1, ocpp16.ChargePointStatusAvailable))
			},
		},
		{name: "unlock", action: ocpp16.ActionUnlockConnector, payload: `{"connectorId":1}`, want: `{"status":"Unlocked"}`},
		{name: "clear cache (default)", action: ocpp16.ActionClearCache, payload: `{}`, want: `{"status":"Accepted"}`},
		{
			name: "reset", action: ocpp16.ActionReset, payload: `{"type":"Soft"}`, want: `{"status":"Accepted"}`,
			then: func(t *testing.T) {
				// The charge point reconnects and boots again.
				next := <-cs.conns
				if next.identity != conn.identity {
					t.Errorf("reconnected as %q, want %q", next.identity, conn.identity)
				}
				cs.await(t, ocpp16.ActionBootNotification, nil)
			},
		},
	}
	runCommandCases(t, conn, tests)
	cancel()
	if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
}

func TestParseDefaults(t *testing.T) {
	t.Parallel()
	s := New(Config{URL: "ws://x", Count: 3, Seed: 7, MinConnectors: 1, MaxConnectors: 3})
	again := New(Config{URL: "ws://x", Count: 3, Seed: 7, MinConnectors: 1, MaxConnectors: 3})
	if got := strings.Join(s.Identities(), ","); got != "SIM001,SIM002,SIM003" {
		t.Errorf("identities %s", got)
	}
	for i := range s.cps {
		a, b := s.cps[i], again.cps[i]
		if len(a.connectors) != len(b.connectors) || a.connectors[0].maxPowerW != b.connectors[0].maxPowerW {
			t.Errorf("charge point %d differs between two runs with one seed", i)
		}
	}
	if err := Run(t.Context(), Config{}); err == nil {
		t.Error("Run without URL succeeded")
	}
}

// TestFirstSessionAfterStartDelay checks that a connector's first session
// waits StartDelay, not the (here hour-long) IdleTime, so a fresh dashboard
// charges within seconds.
func TestFirstSessionAfterStartDelay(t *testing.T) {
	t.Parallel()
	cs := newCSMS(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := New(Config{
		URL:           cs.url(),
		Count:         1,
		Prefix:        "D",
		MinConnectors: 1,
		MaxConnectors: 1,
		MeterInterval: time.Hour,
		SessionLength: time.Hour,
		IdleTime:      time.Hour,
		StartDelay:    10 * time.Millisecond,
		StatsInterval: -1,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()
	<-cs.conns
	start := decode[ocpp16.StartTransactionRequest](t, cs.await(t, ocpp16.ActionStartTransaction, nil))
	if start.ConnectorId != 1 {
		t.Errorf("started on connector %d", start.ConnectorId)
	}
	cancel()
	if err := <-runErr; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Run: %v", err)
	}
}

// commandCase is a command a test's fake CSMS sends, the reply it wants and
// what the simulated station must send next.
type commandCase struct {
	name    string
	action  string
	payload string
	want    string
	then    func(t *testing.T) // what the station sends next
}

// runCommandCases sends each case's command on conn, in order, as a
// subtest.
func runCommandCases(t *testing.T, conn *csmsConn, cases []commandCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := conn.call(t, tt.action, tt.payload)
			if string(got) != tt.want {
				t.Errorf("reply %s, want %s", got, tt.want)
			}
			if tt.then != nil {
				tt.then(t)
			}
		})
	}
}
