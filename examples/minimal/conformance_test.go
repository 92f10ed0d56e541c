package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

// The scripted session of conformance/client.mjs.
const (
	confVendor       = "ocppkit-conformance"
	confModel        = "ocpp-rpc-strict"
	confSerial       = "CONF-0001"
	confFirmware     = "2.2.1"
	confIDTag        = "CONFORMANCE-TAG-1"
	confConnector    = 1
	confMeterStart   = 1000 // Wh
	confMeterStop    = 8500 // Wh
	confStopReason   = "EVDisconnected"
	confEnergyKWh    = float64(confMeterStop-confMeterStart) / 1000
	confClientBudget = 90 * time.Second
)

// confSampledValues is the number of sampled values the client sends per
// measurand: 3 MeterValues with 5 measurands each, plus StopTransaction's
// transactionData (Energy at Transaction.Begin and .End, SoC at .End).
var confSampledValues = map[string]int64{
	store.MeasurandEnergy:  3 + 2,
	store.MeasurandPower:   3,
	store.MeasurandCurrent: 3,
	store.MeasurandVoltage: 3,
	store.MeasurandSoC:     3 + 1,
}

// confSummary is the JSON line client.mjs prints on stdout.
type confSummary = confSummaryOf[int]

// confSummaryOf is the JSON line a conformance client prints last on
// stdout; T is the type of its transaction id (1.6: the CSMS's integer,
// 2.0.1: the station's string).
type confSummaryOf[T int | string] struct {
	Identity       string   `json:"identity"`
	Protocol       string   `json:"protocol"`
	TransactionID  T        `json:"transactionId"`
	MeterStart     int      `json:"meterStart"`
	MeterStop      int      `json:"meterStop"`
	SampledValues  int64    `json:"sampledValues"`
	FramesSent     int      `json:"framesSent"`
	FramesReceived int      `json:"framesReceived"`
	CallsReceived  []string `json:"callsReceived"`
	Steps          []string `json:"steps"`
	Failures       []string `json:"failures"`
	OK             bool     `json:"ok"`
}

// TestConformanceOCPPRPC runs a strict, schema-validating OCPP 1.6J charge
// point written by others (the npm package ocpp-rpc with strictMode, see
// conformance/client.mjs) against this host in -dev mode: boot → status →
// authorize → start → meter values → stop, every frame validated in both
// directions against the official OCPP 1.6 JSON schemas; then CSMS-initiated
// calls through the commands API (confCommands), validated the same way.
// Finally it checks the database: the charge point, its connector, the
// completed session with its energy, and every sampled value.
func TestConformanceOCPPRPC(t *testing.T) {
	node, dir := conformancePrereqs(t)

	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ocpp.db")
		h := startHost(t, path, "")
		sum := runConformanceClient(t, node, dir, h.wsBase, h.httpBase, "CONF-SQLITE-1")
		checkOps(t, h.httpBase)
		h.stop(t) // flushes and closes everything before the database is read

		db, err := sqlitedb.Open(path)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		if sqlDB, err := db.DB(); err == nil {
			t.Cleanup(func() { _ = sqlDB.Close() })
		}
		checkConformanceDB(t, db, sum)
		checkMessageLog(t, db, sum)
	})

	t.Run("postgres", func(t *testing.T) {
		base := testdb.PostgresURL(t) // skips, or fails under CI, when unset
		db := testdb.Postgres(t)      // a fresh schema, dropped in t.Cleanup
		var schema string
		if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil || schema == "" {
			t.Fatalf("current_schema: %q, %v", schema, err)
		}
		dsn := withSearchPath(t, base, schema)
		h := startHost(t, "", dsn) // the host's -dsn path
		sum := runConformanceClient(t, node, dir, h.wsBase, h.httpBase, "CONF-PG-1")
		h.stop(t)
		checkConformanceDB(t, db, sum)
		checkMessageLog(t, db, sum)
	})
}

// checkOps reads the host's metrics and probes after the session.
func checkOps(t *testing.T, base string) {
	t.Helper()
	get := func(path string) (int, string) {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, metrics := get("/metrics")
	for _, want := range []string{
		`ocppkit_calls_received_total{action="MeterValues",outcome="ok"} 3`,
		`ocppkit_calls_received_total{action="StartTransaction",outcome="ok"} 1`,
		`ocppkit_calls_sent_total{action="GetConfiguration",outcome="ok"} 1`,
		`ocppkit_connects_total{version="ocpp1.6"} 1`,
	} {
		if code != http.StatusOK || !strings.Contains(metrics, want) {
			t.Errorf("/metrics (%d) lacks %q", code, want)
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := get(path); code != http.StatusOK {
			t.Errorf("%s = %d %s", path, code, body)
		}
	}
}

// checkMessageLog: the host logged every frame the independent client sent
// and received, no more, no less.
func checkMessageLog(t *testing.T, db *gorm.DB, sum confSummary) {
	t.Helper()
	var rows []store.Message
	if err := db.Where("identifier = ?", sum.Identity).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	frames := map[string]int{} // a row holds a CALL and, with ReplyType, its reply
	for _, m := range rows {
		frames[m.Direction]++
		if m.ReplyType != 0 {
			frames[map[string]string{store.DirectionIn: store.DirectionOut, store.DirectionOut: store.DirectionIn}[m.Direction]]++
		}
	}
	for dir, want := range map[string]int{store.DirectionIn: sum.FramesSent, store.DirectionOut: sum.FramesReceived} {
		if frames[dir] != want || want == 0 {
			t.Errorf("message log: %d frames %s, the client counted %d", frames[dir], dir, want)
		}
	}
}

// conformancePrereqs returns the node binary and the conformance directory.
// It skips the test when node or conformance/node_modules is missing, and
// fails it instead when the environment variable CI is non-empty.
func conformancePrereqs(t *testing.T) (node, dir string) {
	t.Helper()
	skip := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf(format+" (required when CI is set)", args...)
		}
		t.Skipf(format+"; skipping the ocpp-rpc conformance test", args...)
	}
	dir, err := filepath.Abs("conformance")
	if err != nil {
		t.Fatal(err)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		skip("node is not on PATH: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ocpp-rpc", "package.json")); err != nil {
		skip("%s/node_modules/ocpp-rpc is missing (run `npm ci --prefix examples/minimal/conformance`): %v", dir, err)
	}
	return node, dir
}

// withSearchPath adds search_path=schema to a PostgreSQL URL.
func withSearchPath(t *testing.T, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL for this test: %q (%v)", testdb.EnvDatabaseURL, base, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// logBuffer collects the host's log; it is printed only when the test fails,
// and never calls t.Log from the host's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type host struct {
	wsBase   string
	httpBase string
	once     sync.Once
	cancel   context.CancelFunc
	done     chan error
	err      error
}

// startHost runs serve (the host of main) in -dev mode on 127.0.0.1:0 and
// returns the charge points' websocket URL base. The listener is bound before
// serve starts, so clients may dial at once.
func startHost(t *testing.T, dbPath, dsn string) *host {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	h := &host{
		wsBase:   "ws://" + ln.Addr().String() + "/ocpp",
		httpBase: "http://" + ln.Addr().String(),
		cancel:   cancel,
		done:     make(chan error, 1),
	}
	go func() { h.done <- serve(ctx, logger, ln, dbPath, dsn, true, nil, testToken, true) }()
	t.Cleanup(func() {
		h.stop(t)
		if t.Failed() {
			t.Logf("host log:\n%s", logs.String())
		}
	})
	return h
}

// stop shuts the host down and waits for serve to return; later calls only
// report.
func (h *host) stop(t *testing.T) {
	t.Helper()
	h.once.Do(func() {
		h.cancel()
		select {
		case h.err = <-h.done:
		case <-time.After(30 * time.Second):
			h.err = errors.New("serve did not return within 30s of cancellation")
		}
		if h.err != nil {
			t.Errorf("host: %v", h.err)
		}
	})
}

// confCommand is a CSMS-initiated call sent through the host's commands API
// while the client waits for it after its session; the client validates the
// CALL against the schema and answers with reply (see replies in client.mjs).
type confCommand struct {
	action  string
	payload string // %d is replaced by the transaction id
	reply   map[string]any
}

var confCommands = []confCommand{
	{"GetConfiguration", `{"key":["HeartbeatInterval","NoSuchKey"]}`, map[string]any{
		"configurationKey": []any{map[string]any{"key": "HeartbeatInterval", "readonly": false, "value": "300"}},
		"unknownKey":       []any{"NoSuchKey"},
	}},
	{"ChangeConfiguration", `{"key":"HeartbeatInterval","value":"60"}`, map[string]any{"status": "Accepted"}},
	{"ChangeAvailability", `{"connectorId":1,"type":"Operative"}`, map[string]any{"status": "Accepted"}},
	{"TriggerMessage", `{"requestedMessage":"StatusNotification","connectorId":1}`, map[string]any{"status": "Rejected"}},
	{"RemoteStartTransaction", `{"connectorId":1,"idTag":"CONFORMANCE-TAG-2"}`, map[string]any{"status": "Rejected"}},
	{"RemoteStopTransaction", `{"transactionId":%d}`, map[string]any{"status": "Rejected"}},
	{"DataTransfer", `{"vendorId":"org.ocppkit","messageId":"ping","data":"x"}`, map[string]any{"status": "UnknownVendorId"}},
	{"GetLocalListVersion", `{}`, map[string]any{"listVersion": float64(0)}},
	{"ClearCache", `{}`, map[string]any{"status": "Accepted"}},
	{"UnlockConnector", `{"connectorId":1}`, map[string]any{"status": "NotSupported"}},
	{"Reset", `{"type":"Soft"}`, map[string]any{"status": "Rejected"}},
}

// runConformanceClient runs `node client.mjs <wsBase> <identity>`: the
// scripted session, then, once the client reports ready, every confCommand
// through the commands API at httpBase. It requires exit status 0 and an ok
// summary.
func runConformanceClient(t *testing.T, node, dir, wsBase, httpBase, identity string) confSummary {
	t.Helper()
	ready, sum := runConformanceScript[int](t, confScript{
		node: node, dir: dir, script: "client.mjs", wsBase: wsBase, httpBase: httpBase,
		identity: identity, protocol: "ocpp1.6", commands: confCommands,
	}, nil)
	if sum.TransactionID <= 0 || sum.TransactionID != ready {
		t.Fatalf("unexpected client summary %+v (ready with transaction %d)", sum, ready)
	}
	t.Logf("ocpp-rpc strict client: identity %s, transaction %d, %d frames sent, %d received, CSMS calls %v",
		sum.Identity, sum.TransactionID, sum.FramesSent, sum.FramesReceived, sum.CallsReceived)
	return sum
}

// confScript is a conformance client script and the host it runs against.
type confScript struct {
	node, dir, script  string
	wsBase, httpBase   string
	identity, protocol string
	commands           []confCommand // sent through the commands API once the client is ready
}

// runConformanceScript runs a conformance client: it waits for the
// client's ready line (the station's own messages are done), sends every
// command through the host's commands API and compares the replies with
// what the client answers, runs after (if any), and checks the client's
// summary: no failures, the identity, protocol and meter readings, the
// commands received in order, the sampled values and one frame each way
// per exchange. It returns the transaction id of the ready line and the
// summary.
func runConformanceScript[T int | string](t *testing.T, c confScript, after func(ctx context.Context)) (ready T, sum confSummaryOf[T]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), confClientBudget)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.node, c.script, c.wsBase, c.identity)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(),
		"OCPP_CONFORMANCE_VERBOSE=1", // frame trace on stderr, shown on failure
		"OCPP_CONFORMANCE_TIMEOUT_MS="+strconv.FormatInt((confClientBudget-10*time.Second).Milliseconds(), 10),
		"OCPP_CONFORMANCE_AWAIT_CALLS="+strconv.Itoa(len(c.commands)),
	)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node %s: %v", c.script, err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out []string
	fatal := func(format string, args ...any) {
		t.Helper()
		cancel()
		for l := range lines {
			out = append(out, l)
		}
		_ = cmd.Wait()
		t.Fatalf(format+"\nstdout:\n%s\nstderr:\n%s", append(args, strings.Join(out, "\n"), stderr.String())...)
	}

	// The station's messages, then the ready line.
	first, ok := <-lines
	if !ok {
		fatal("client exited before the session was over")
	}
	out = append(out, first)
	var readyLine struct {
		Event         string `json:"event"`
		TransactionID T      `json:"transactionId"`
	}
	if err := json.Unmarshal([]byte(first), &readyLine); err != nil || readyLine.Event != "ready" {
		fatal("first stdout line is not the ready event (%v)", err)
	}

	// CSMS-initiated calls: the client validates each CALL strictly and the
	// host validates each reply; the commands API returns the reply.
	for _, cc := range c.commands {
		payload := cc.payload
		if strings.Contains(payload, "%d") {
			payload = strings.Replace(payload, "%d", fmt.Sprint(readyLine.TransactionID), 1)
		}
		got, err := postCommand(ctx, c.httpBase, c.identity, cc.action, payload)
		if err != nil {
			fatal("command %s %s: %v", cc.action, payload, err)
		}
		if !reflect.DeepEqual(got, cc.reply) {
			t.Errorf("command %s: reply through the commands API %v, want %v (what the client answered)", cc.action, got, cc.reply)
		}
	}
	if after != nil {
		after(ctx)
	}

	for l := range lines {
		out = append(out, l)
	}
	if err := cmd.Wait(); err != nil || ctx.Err() != nil {
		t.Fatalf("node %s %s %s: %v (context: %v)\nstdout:\n%s\nstderr:\n%s", c.script, c.wsBase, c.identity, err, ctx.Err(), strings.Join(out, "\n"), stderr.String())
	}
	if err := json.Unmarshal([]byte(out[len(out)-1]), &sum); err != nil {
		t.Fatalf("last stdout line is not the JSON summary: %v\nstdout:\n%s\nstderr:\n%s", err, strings.Join(out, "\n"), stderr.String())
	}
	if !sum.OK || len(sum.Failures) > 0 {
		t.Fatalf("client reported failure: %+v\nstderr:\n%s", sum, stderr.String())
	}
	if sum.Identity != c.identity || sum.Protocol != c.protocol || sum.MeterStart != confMeterStart || sum.MeterStop != confMeterStop {
		t.Fatalf("unexpected client summary %+v", sum)
	}
	var wantActions []string
	for _, cc := range c.commands {
		wantActions = append(wantActions, cc.action)
	}
	if !slices.Equal(sum.CallsReceived, wantActions) {
		t.Errorf("client received CSMS calls %v, want %v", sum.CallsReceived, wantActions)
	}
	var want int64
	for _, n := range confSampledValues {
		want += n
	}
	if sum.SampledValues != want {
		t.Fatalf("client sent %d sampled values, the test expects %d (%s and this test disagree)", sum.SampledValues, want, c.script)
	}
	// Every call the client made was answered, and it answered every call it got.
	if want := len(sum.Steps) + len(sum.CallsReceived); sum.FramesSent != want || sum.FramesReceived != want {
		t.Errorf("frames sent/received %d/%d, want %d/%d", sum.FramesSent, sum.FramesReceived, want, want)
	}
	return readyLine.TransactionID, sum
}

// testToken is the operator token of the hosts the tests start.
const testToken = "test-operator-token"

// postCommand sends one command through the host's commands API and returns
// the charge point's reply.
func postCommand(ctx context.Context, httpBase, identity, action, payload string) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	u := httpBase + "/api/charge_points/" + url.PathEscape(identity) + "/commands/" + action
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %s: %s", res.Status, body)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		return nil, fmt.Errorf("reply %s: %w", body, err)
	}
	return got, nil
}

// checkConformanceDB checks what the scripted session left in the database.
func checkConformanceDB(t *testing.T, db *gorm.DB, sum confSummary) {
	t.Helper()
	ctx := context.Background()
	st := store.New(db)

	cp, err := st.ChargePointByIdentifier(ctx, sum.Identity)
	if err != nil {
		t.Fatalf("charge point %s: %v", sum.Identity, err)
	}
	for _, c := range []struct{ field, got, want string }{
		{"vendor", cp.Vendor, confVendor},
		{"model", cp.Model, confModel},
		{"serial number", cp.SerialNumber, confSerial},
		{"firmware version", cp.FirmwareVersion, confFirmware},
	} {
		if c.got != c.want {
			t.Errorf("charge point %s = %q, want %q (from BootNotification)", c.field, c.got, c.want)
		}
	}
	if cp.BootedAt == nil {
		t.Error("charge point BootedAt is nil after BootNotification")
	}
	if status, code, _ := cp.ConnectorStatus(confConnector); status != "Available" || code != "NoError" {
		t.Errorf("charge point metadata connector %d = %q/%q, want Available/NoError", confConnector, status, code)
	}

	connectors, err := st.Connectors(ctx, cp.ID)
	if err != nil {
		t.Fatalf("connectors: %v", err)
	}
	var found bool
	for _, c := range connectors {
		if c.ConnectorID == confConnector {
			found = true
			if c.Status != "Available" || c.ErrorCode != "NoError" {
				t.Errorf("connector %d status %q/%q, want Available/NoError (last StatusNotification)", confConnector, c.Status, c.ErrorCode)
			}
		}
	}
	if !found {
		t.Errorf("connector %d missing; connectors: %+v", confConnector, connectors)
	}

	var sessions []store.ChargingSession
	if err := db.Where("charge_point_id = ?", cp.ID).Find(&sessions).Error; err != nil {
		t.Fatalf("sessions: %v", err)
	}
	if len(sessions) != 1 {
		t.Fatalf("%d sessions for %s, want 1: %+v", len(sessions), sum.Identity, sessions)
	}
	sess := sessions[0]
	switch {
	case sess.TransactionID != sum.TransactionID:
		t.Errorf("session transaction id %d, want %d (StartTransaction.conf)", sess.TransactionID, sum.TransactionID)
	case sess.Status != store.SessionCompleted:
		t.Errorf("session status %q, want %q", sess.Status, store.SessionCompleted)
	case sess.ConnectorID != confConnector || sess.IDTag != confIDTag:
		t.Errorf("session connector/id tag %d/%q, want %d/%q", sess.ConnectorID, sess.IDTag, confConnector, confIDTag)
	case sess.MeterStart != confMeterStart || sess.MeterStop == nil || *sess.MeterStop != confMeterStop:
		t.Errorf("session meter start/stop %d/%v, want %d/%d", sess.MeterStart, sess.MeterStop, confMeterStart, confMeterStop)
	case sess.StoppedAt == nil || !sess.StoppedAt.After(sess.StartedAt):
		t.Errorf("session started %v, stopped %v; want stopped after started", sess.StartedAt, sess.StoppedAt)
	case sess.StopReason != confStopReason:
		t.Errorf("session stop reason %q, want %q", sess.StopReason, confStopReason)
	}
	if math.Abs(sess.EnergyConsumed-confEnergyKWh) > 1e-9 {
		t.Errorf("session energy consumed %v kWh, want (meterStop − meterStart)/1000 = %v", sess.EnergyConsumed, confEnergyKWh)
	}

	var total int64
	if err := db.Model(&store.MeterValue{}).Scopes(store.ForSession(sess.ID)).Count(&total).Error; err != nil {
		t.Fatalf("count meter values: %v", err)
	}
	if total != sum.SampledValues {
		t.Errorf("%d meter values for the session, want %d (every sampled value of MeterValues and transactionData)", total, sum.SampledValues)
	}
	for measurand, want := range confSampledValues {
		var n int64
		err := db.Model(&store.MeterValue{}).
			Where("charging_session_id = ? AND measurand = ? AND transaction_id = ? AND charge_point_id = ? AND connector_id = ?",
				sess.ID, measurand, sum.TransactionID, cp.ID, confConnector).
			Count(&n).Error
		if err != nil {
			t.Fatalf("count %s meter values: %v", measurand, err)
		}
		if n != want {
			t.Errorf("%d %s meter values for the session (transaction %d, connector %d), want %d", n, measurand, sum.TransactionID, confConnector, want)
		}
	}
	var final store.MeterValue
	err = db.Scopes(store.ForSession(sess.ID)).
		Where("measurand = ? AND context = ?", store.MeasurandEnergy, "Transaction.End").
		Take(&final).Error
	if err != nil {
		t.Errorf("Transaction.End energy reading: %v", err)
	} else if final.Value != confMeterStop || final.RawValue != "8500" || final.Unit != "Wh" {
		t.Errorf("Transaction.End energy reading %v (raw %q) %s, want 8500 Wh", final.Value, final.RawValue, final.Unit)
	}
}
