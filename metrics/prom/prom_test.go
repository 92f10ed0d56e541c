package prom_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/metrics/prom"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

const password = "prom-test-pw-0123456789"

// host is a CSMS with its metrics behind a real HTTP server.
type host struct {
	csms *ocppkit.CSMS
	reg  *prometheus.Registry
	url  string // ws://…/ocpp
	http string // http://…
}

func newHost(t *testing.T, cfg ocppkit.Config) *host {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := prom.New(reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Observer = m.Observer()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	csms, err := ocppkit.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = csms.Shutdown(ctx)
		srv.Close()
	})
	return &host{csms: csms, reg: reg, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp", http: srv.URL}
}

func (h *host) dial(t *testing.T, identity string, opts *ocpptest.Options) *ocpptest.ChargePoint {
	t.Helper()
	if opts == nil {
		opts = &ocpptest.Options{}
	}
	opts.Password = password
	cp, err := ocpptest.Dial(t.Context(), h.url, identity, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", identity, err)
	}
	t.Cleanup(func() { cp.Close() })
	return cp
}

// value returns the value of the series name{labels} of reg: a counter's or
// gauge's value, a histogram's sample count; -1 when there is none.
func value(t *testing.T, reg prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, lp := range m.GetLabel() {
				got[lp.GetName()] = lp.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if got[labels[i]] != labels[i+1] {
					continue series
				}
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				return m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				return m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return -1
}

// histogramSum returns the sum of the histogram name{labels}.
func histogramSum(t *testing.T, reg prometheus.Gatherer, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetHistogram().GetSampleSum()
		}
	}
	return -1
}

// TestFleetMetrics runs a small fleet of simulated charge points through
// real sockets and checks the main series.
func TestFleetMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.SQLite(t)
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	h := newHost(t, ocppkit.Config{DB: db, NodeID: "prom", AcceptUnknownIDTags: true, CommandTimeout: 500 * time.Millisecond, MessageLog: true})
	for _, id := range []string{"CP-0", "CP-1", "CP-2", "CP-SLOW", "CP-AWAY"} {
		if _, err := h.csms.RegisterChargePoint(ctx, id, password); err != nil {
			t.Fatal(err)
		}
	}
	events, err := h.csms.Broadcaster.Subscribe(t.Context(), broadcast.AllChargePointsTopic)
	if err != nil {
		t.Fatal(err)
	}

	// Three charge points boot and charge.
	var cps []*ocpptest.ChargePoint
	for i := range 3 {
		cp := h.dial(t, fmt.Sprintf("CP-%d", i), nil)
		cps = append(cps, cp)
		if _, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "V", ChargePointModel: "M"}); err != nil {
			t.Fatal(err)
		}
		if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
		s, err := cp.StartSession(ctx, 1, "TAG", 1000)
		if err != nil {
			t.Fatal(err)
		}
		for r := range 3 {
			if err := s.Meter(ctx, ocpptest.Reading{EnergyWh: float64(1100 + 100*r), PowerW: 7000}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Stop(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}
	// A charger sends an action nobody knows, and a malformed payload.
	if f, err := cps[0].CallRaw(ctx, []byte(`[2,"u1","FancyVendorAction",{}]`)); err != nil || f.ErrorCode != "NotImplemented" {
		t.Fatalf("unknown action answered %+v, %v", f, err)
	}
	if f, err := cps[0].CallRaw(ctx, []byte(`[2,"u2","StatusNotification",{"connectorId":"one","errorCode":"NoError","status":"Available"}]`)); err != nil || f.ErrorCode == "" {
		t.Fatalf("invalid payload answered %+v, %v", f, err)
	}

	// Commands: accepted, rejected, timed out, not connected.
	cps[1].Handle(ocpp16.ActionReset, func(ctx context.Context, _ json.RawMessage) (any, error) {
		return ocpp16.ResetResponse{Status: ocpp16.ResetStatusRejected}, nil
	})
	slow := h.dial(t, "CP-SLOW", &ocpptest.Options{Handlers: map[string]ocpptest.HandlerFunc{
		ocpp16.ActionReset: func(ctx context.Context, _ json.RawMessage) (any, error) {
			<-ctx.Done() // never answers
			return nil, ctx.Err()
		},
	}})
	if _, err := slow.Heartbeat(ctx); err != nil { // connected and registered
		t.Fatal(err)
	}
	if res, err := h.csms.Remote.RemoteStartTransaction(ctx, "CP-0", 1, "TAG"); err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
		t.Fatalf("RemoteStartTransaction = %+v, %v", res, err)
	}
	if res, err := h.csms.Remote.Reset(ctx, "CP-1", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}); err != nil || res.Status != ocpp16.ResetStatusRejected {
		t.Fatalf("Reset = %+v, %v", res, err)
	}
	if _, err := h.csms.Remote.Reset(ctx, "CP-SLOW", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}); err == nil {
		t.Fatal("Reset of a charge point that never answers succeeded")
	}
	if _, err := h.csms.Remote.Reset(ctx, "CP-AWAY", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}); err == nil {
		t.Fatal("Reset of a charge point not connected succeeded")
	}

	// Refused handshakes: a wrong password, an unknown charge point, no
	// OCPP subprotocol.
	for _, c := range []struct {
		identity string
		opts     ocpptest.Options
	}{
		{"CP-2", ocpptest.Options{Password: "wrong-password-123456"}},
		{"CP-NOBODY", ocpptest.Options{Password: password}},
		{"CP-2", ocpptest.Options{Password: password, Subprotocols: []string{}}},
	} {
		if cp, err := ocpptest.Dial(ctx, h.url, c.identity, &c.opts); err == nil {
			cp.Close()
			t.Fatalf("handshake of %s with %+v accepted", c.identity, c.opts)
		}
	}

	// One charge point goes away.
	cps[2].Close()
	waitDisconnected(t, events)

	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"ocppkit_connections", []string{"version", "ocpp1.6"}, 3}, // CP-0, CP-1, CP-SLOW
		{"ocppkit_connects_total", []string{"version", "ocpp1.6"}, 4},
		{"ocppkit_disconnects_total", []string{"version", "ocpp1.6", "cause", "closed_by_charge_point"}, 1},
		{"ocppkit_handshakes_refused_total", []string{"reason", "unauthorized"}, 2}, // wrong password, unknown charge point
		{"ocppkit_handshakes_refused_total", []string{"reason", "bad_request"}, 1},
		{"ocppkit_calls_received_total", []string{"action", "BootNotification", "outcome", "ok"}, 3},
		{"ocppkit_calls_received_total", []string{"action", "StartTransaction", "outcome", "ok"}, 3},
		{"ocppkit_calls_received_total", []string{"action", "MeterValues", "outcome", "ok"}, 9},
		{"ocppkit_calls_received_total", []string{"action", "StopTransaction", "outcome", "ok"}, 3},
		{"ocppkit_calls_received_total", []string{"action", "unknown", "outcome", "NotImplemented"}, 1},
		{"ocppkit_calls_received_total", []string{"action", "StatusNotification", "outcome", "TypeConstraintViolation"}, 1},
		{"ocppkit_call_handling_seconds", []string{"action", "MeterValues"}, 9},
		{"ocppkit_calls_sent_total", []string{"action", "RemoteStartTransaction", "outcome", "accepted"}, 1},
		{"ocppkit_calls_sent_total", []string{"action", "Reset", "outcome", "rejected"}, 1},
		{"ocppkit_calls_sent_total", []string{"action", "Reset", "outcome", "timeout"}, 1},
		{"ocppkit_calls_sent_total", []string{"action", "Reset", "outcome", "not_connected"}, 1},
		{"ocppkit_command_round_trip_seconds", []string{"action", "Reset"}, 3},
	} {
		if got := value(t, h.reg, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	var rows int64
	if err := db.Model(&store.MeterValue{}).Count(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if got := histogramSum(t, h.reg, "ocppkit_meter_batch_rows"); got != float64(rows) || rows == 0 {
		t.Errorf("meter rows in the batch histogram = %v, rows in the table %d", got, rows)
	}
	if got := value(t, h.reg, "ocppkit_meter_commits_total", "outcome", "ok"); got < 1 {
		t.Errorf("meter commits = %v", got)
	}
	if got := value(t, h.reg, "ocppkit_meter_commit_seconds"); got < 1 {
		t.Errorf("meter commit durations observed = %v", got)
	}
	if got := value(t, h.reg, "ocppkit_events_published_total"); got < 3*8 {
		t.Errorf("events published = %v, want at least 8 per charge point", got)
	}

	// The scrape shows them too.
	res, err := http.Get(h.http + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`ocppkit_calls_received_total{action="MeterValues",outcome="ok"} 9`,
		`ocppkit_connections{version="ocpp1.6"} 3`,
		`ocppkit_meter_queue_depth `,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(string(body), "CP-0") {
		t.Error("/metrics carries a charge point identity")
	}

	// The message log counts what it wrote once flushed.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := h.csms.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	var exchanges []store.Message
	if err := db.Find(&exchanges).Error; err != nil {
		t.Fatal(err)
	}
	logged := 0
	for _, m := range exchanges {
		logged += m.Frames()
	}
	if got := value(t, h.reg, "ocppkit_message_log_written_total"); got != float64(logged) || logged == 0 {
		t.Errorf("message log written = %v, frames in the table %d", got, logged)
	}
}

// waitDisconnected waits for a connection event saying a charge point is
// gone (published after the disconnect was measured).
func waitDisconnected(t *testing.T, events <-chan broadcast.Message) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m := <-events:
			var env broadcast.Envelope
			var ev broadcast.ConnectionEvent
			if json.Unmarshal(m.Data, &env) == nil && env.Kind == broadcast.KindConnection &&
				json.Unmarshal(env.Data, &ev) == nil && !ev.Connected {
				return
			}
		case <-timeout:
			t.Fatal("no disconnect event within 10s")
		}
	}
}

// TestBackplaneMetrics: a command routed through another node is measured
// on the sending node.
func TestBackplaneMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.SQLite(t)
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	bp := cluster.NewMemory(cluster.MemoryConfig{})
	t.Cleanup(func() { bp.Close() })
	a := newHost(t, ocppkit.Config{DB: db, NodeID: "a", Cluster: bp})
	b := newHost(t, ocppkit.Config{DB: db, NodeID: "b", Cluster: bp})
	if _, err := a.csms.RegisterChargePoint(ctx, "CP-A", password); err != nil {
		t.Fatal(err)
	}
	cp := a.dial(t, "CP-A", nil)
	if _, err := cp.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.csms.Remote.Reset(ctx, "CP-A", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}); err != nil {
		t.Fatal(err)
	}
	if got := value(t, b.reg, "ocppkit_backplane_requests_total", "kind", "call", "outcome", "ok"); got != 1 {
		t.Errorf("routed calls on B = %v, want 1", got)
	}
	if got := value(t, b.reg, "ocppkit_backplane_request_seconds", "kind", "call"); got != 1 {
		t.Errorf("routed call durations on B = %v, want 1", got)
	}
	if got := value(t, b.reg, "ocppkit_calls_sent_total", "action", "Reset", "outcome", "accepted"); got != 1 {
		t.Errorf("commands sent from B = %v, want 1", got)
	}
}

// TestRegisterTwice: a second set on one registry is refused unless told
// apart.
func TestRegisterTwice(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	if _, err := prom.New(reg, nil); err != nil {
		t.Fatal(err)
	}
	var already prometheus.AlreadyRegisteredError
	if _, err := prom.New(reg, nil); !errors.As(err, &already) {
		t.Errorf("second New on one registry = %v, want AlreadyRegisteredError", err)
	}
	if _, err := prom.New(reg, &prom.Options{Namespace: "second"}); err != nil {
		t.Errorf("second New with its own namespace: %v", err)
	}
}
