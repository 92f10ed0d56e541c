package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

const testPassword = "operator-secret"

// testEnv is a dashboard behind httptest with one scripted charge point,
// CP-1, connected and Available on connector 1, and CP-2 registered but
// never connected.
type testEnv struct {
	srv  *server
	ts   *httptest.Server
	cp   *ocpptest.ChargePoint
	cpID uint
}

// startServer runs a dashboard with cfg (plus the test password, id tag
// and a silent logger) behind httptest, closed when the test ends.
func startServer(t *testing.T, cfg config) (*server, *httptest.Server) {
	t.Helper()
	cfg.Password, cfg.IDTag = testPassword, "DASHBOARD"
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := newServer(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return srv, ts
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	ctx := t.Context()
	srv, ts := startServer(t, config{DBPath: filepath.Join(t.TempDir(), "dashboard.db")})
	for _, id := range []string{"CP-1", "CP-2"} {
		if _, err := srv.csms.RegisterChargePoint(ctx, id, "cp-password"); err != nil {
			t.Fatal(err)
		}
	}
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ocpp", "CP-1", &ocpptest.Options{Password: "cp-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Close() })
	if _, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "Wallbox"}); err != nil {
		t.Fatal(err)
	}
	// The CALLRESULT comes after the commit: no waiting needed below.
	if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
		t.Fatal(err)
	}
	row, err := srv.csms.Store.ChargePointByIdentifier(ctx, "CP-1")
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{srv: srv, ts: ts, cp: cp, cpID: row.ID}
}

// do sends a request authenticated with HTTP Basic (admin) and decodes a
// JSON answer into out (when not nil).
func (e *testEnv) do(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", testPassword)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, data, err)
		}
	}
	return res.StatusCode
}

// awaitCall returns the next call the charge point answered with action.
func awaitCall(t *testing.T, cp *ocpptest.ChargePoint, action string) ocpptest.ReceivedCall {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case c := <-cp.Calls():
			if c.Action == action {
				return c
			}
		case <-timeout:
			t.Fatalf("charge point received no %s", action)
		}
	}
}

// dial connects another scripted charge point, registered here, to e's
// dashboard and reports connectors 1…n Available.
func (e *testEnv) dial(t *testing.T, identity string, n int) (*ocpptest.ChargePoint, uint) {
	t.Helper()
	ctx := t.Context()
	row, err := e.srv.csms.RegisterChargePoint(ctx, identity, "cp-password")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ocpp", identity, &ocpptest.Options{Password: "cp-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Close() })
	for c := 1; c <= n; c++ {
		if _, err := cp.StatusNotification(ctx, c, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
	}
	return cp, row.ID
}

// charge starts a session on connector c of cp, reports it Charging and
// sends one reading; it returns the session.
func charge(t *testing.T, cp *ocpptest.ChargePoint, c int, idTag string, powerW float64) *ocpptest.Session {
	t.Helper()
	ctx := t.Context()
	sess, err := cp.StartSession(ctx, c, idTag, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cp.StatusNotification(ctx, c, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError); err != nil {
		t.Fatal(err)
	}
	if err := sess.Meter(ctx, ocpptest.Reading{EnergyWh: 1000 + powerW/10 + 0.125, PowerW: powerW, SoC: 50}); err != nil {
		t.Fatal(err)
	}
	return sess
}

// disconnect closes cp and waits until the dashboard has marked it
// offline.
func (e *testEnv) disconnect(t *testing.T, cp *ocpptest.ChargePoint, id uint) {
	t.Helper()
	cp.Close()
	for {
		row, err := e.srv.csms.Store.ChargePointByID(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !row.Connected {
			return
		}
		select {
		case <-t.Context().Done():
			t.Fatal("charge point never marked disconnected")
		case <-time.After(10 * time.Millisecond): // polling the database, not synchronising on time
		}
	}
}

// TestStats: the counters count what is live only; the sessions of an
// offline charge point are interrupted, not active.
func TestStats(t *testing.T) {
	e := newTestEnv(t)
	var st stats
	if code := e.do(t, "GET", "/api/stats", "", &st); code != http.StatusOK {
		t.Fatalf("GET /api/stats = %d", code)
	}
	want := stats{ChargePoints: 2, Online: 1, ConnectorsFree: 1}
	if st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}

	cp3, id3 := e.dial(t, "CP-3", 3)
	charge(t, e.cp, 1, "DASHBOARD", 7000)
	charge(t, cp3, 1, "TAG-A", 11000)
	charge(t, cp3, 3, "TAG-B", 22000)
	e.do(t, "GET", "/api/stats", "", &st)
	want = stats{ChargePoints: 3, Online: 2, ConnectorsCharging: 3, ConnectorsFree: 1, ActiveSessions: 3, PowerKW: 40, EnergyToday: 4}
	if st.EnergyToday = roundWh(st.EnergyToday); st != want {
		t.Errorf("stats while charging = %+v, want %+v", st, want)
	}

	// CP-3 goes away uncleanly: its connectors and sessions are no longer live.
	e.disconnect(t, cp3, id3)
	e.do(t, "GET", "/api/stats", "", &st)
	want = stats{ChargePoints: 3, Online: 1, ConnectorsCharging: 1, ActiveSessions: 1, Interrupted: 2, PowerKW: 7, EnergyToday: st.EnergyToday}
	if st != want {
		t.Errorf("stats with CP-3 offline = %+v, want %+v", st, want)
	}
}

// TestOfflineMeansOffline: the view of a charge point that went away shows
// no live value; its sessions are interrupted, with the last-seen time.
func TestOfflineMeansOffline(t *testing.T) {
	e := newTestEnv(t)
	cp, id := e.dial(t, "CP-3", 2)
	charge(t, cp, 1, "TAG-A", 11000)
	charge(t, cp, 2, "TAG-B", 7000)
	e.disconnect(t, cp, id)

	var v chargePointView
	if code := e.do(t, "GET", "/api/charge_points/CP-3", "", &v); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if v.Online || v.SitePowerW != nil || v.Available || v.ActiveSessions != 2 || v.Interrupted != 2 || v.LastSeenAt == nil {
		t.Errorf("offline view: online %v, site power %v, available %v, %d active, %d interrupted, last seen %v",
			v.Online, v.SitePowerW, v.Available, v.ActiveSessions, v.Interrupted, v.LastSeenAt)
	}
	for _, c := range v.Connectors {
		if c.Live || c.PowerW != nil || c.CanStop || c.CanStart || c.Session == nil || c.Session.State != stateInterrupted || c.Session.LastSeenAt == nil {
			t.Errorf("connector %d of an offline charge point: %+v (session %+v)", c.ConnectorID, c, c.Session)
		}
	}
	var res map[string]string
	if code := e.do(t, "POST", "/api/charge_points/CP-3/remote_stop", `{"connector_id":1}`, &res); code != http.StatusUnprocessableEntity || !strings.Contains(res["error"], "not connected") {
		t.Errorf("stop on an offline charge point = %d %v, want 422 not connected", code, res)
	}
}

func TestChargePointLookup(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name, key string
		want      int
	}{
		{"identity", "CP-1", http.StatusOK},
		{"database id", fmt.Sprint(e.cpID), http.StatusOK},
		{"unknown identity", "CP-404", http.StatusNotFound},
		{"unknown id", "999999", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				ID         uint            `json:"id"`
				Identifier string          `json:"identifier"`
				Vendor     string          `json:"vendor"`
				Online     bool            `json:"online"`
				Available  bool            `json:"available"`
				Connectors []connectorView `json:"connectors"`
				Error      string          `json:"error"`
			}
			code := e.do(t, "GET", "/api/charge_points/"+tt.key, "", &got)
			if code != tt.want {
				t.Fatalf("status = %d, want %d", code, tt.want)
			}
			if code != http.StatusOK {
				if want := "charge point " + tt.key + " not found"; got.Error != want {
					t.Errorf("error = %q, want %q", got.Error, want)
				}
				return
			}
			if got.ID != e.cpID || got.Identifier != "CP-1" || got.Vendor != "ACME" || !got.Online || !got.Available {
				t.Errorf("charge point = %+v", got)
			}
			if len(got.Connectors) != 1 || got.Connectors[0].Status != "Available" || !got.Connectors[0].CanStart {
				t.Errorf("connectors = %+v, want connector 1 Available", got.Connectors)
			}
		})
	}

	var list []map[string]any
	if code := e.do(t, "GET", "/api/charge_points", "", &list); code != http.StatusOK || len(list) != 2 {
		t.Errorf("GET /api/charge_points = %d with %d charge points, want 200 with 2", code, len(list))
	}
}

// TestNotFoundNamesTheID: every 404 of pages and API names what it did not
// find.
func TestNotFoundNamesTheID(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct{ path, want string }{
		{"/api/charge_points/CP-404", "charge point CP-404 not found"},
		{"/api/charge_points/8888/meter_values", "charge point 8888 not found"},
		{"/api/sessions/424242/meter_values", "session 424242 not found"},
		{"/charge_points/nope", "charge point nope not found"},
		{"/charge_points/nope/commands", "charge point nope not found"},
		{"/sessions/424242", "session 424242 not found"},
		{"/id_tags/77/edit", "id tag 77 not found"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := e.get(t, tt.path)
			if code != http.StatusNotFound || !strings.Contains(body, tt.want) {
				t.Errorf("GET %s = %d %q, want 404 naming %q", tt.path, code, body, tt.want)
			}
		})
	}
}

// get fetches path with HTTP Basic and returns the status and body.
func (e *testEnv) get(t *testing.T, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", e.ts.URL+path, nil)
	req.SetBasicAuth("admin", testPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

func TestRemoteStart(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name, key, body string
		want            int
	}{
		{"not connected", "CP-2", `{"connector_id":1,"id_tag":"DASHBOARD"}`, http.StatusUnprocessableEntity},
		{"unknown charge point", "CP-404", `{"connector_id":1,"id_tag":"DASHBOARD"}`, http.StatusNotFound},
		{"unknown connector", "CP-1", `{"connector_id":7,"id_tag":"DASHBOARD"}`, http.StatusUnprocessableEntity},
		{"missing id tag", "CP-1", `{"connector_id":1}`, http.StatusBadRequest},
		{"id tag too long", "CP-1", `{"connector_id":1,"id_tag":"123456789012345678901"}`, http.StatusBadRequest},
		{"invalid JSON", "CP-1", `{"connector_id":`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]any
			if code := e.do(t, "POST", "/api/charge_points/"+tt.key+"/remote_start", tt.body, &got); code != tt.want {
				t.Fatalf("status = %d (%v), want %d", code, got, tt.want)
			}
			if msg, _ := got["error"].(string); msg == "" {
				t.Errorf("answer %v has no error message", got)
			}
		})
	}

	t.Run("available", func(t *testing.T) {
		var got map[string]any
		code := e.do(t, "POST", fmt.Sprintf("/api/charge_points/%d/remote_start", e.cpID), `{"connector_id":1,"id_tag":"DASHBOARD"}`, &got)
		if code != http.StatusAccepted {
			t.Fatalf("status = %d (%v), want 202", code, got)
		}
		call := awaitCall(t, e.cp, ocpp16.ActionRemoteStartTransaction)
		var req ocpp16.RemoteStartTransactionRequest
		if err := json.Unmarshal(call.Payload, &req); err != nil {
			t.Fatal(err)
		}
		if req.IdTag != "DASHBOARD" || req.ConnectorId == nil || *req.ConnectorId != 1 {
			t.Errorf("RemoteStartTransaction = %s", call.Payload)
		}
	})

	t.Run("connector busy", func(t *testing.T) {
		if _, err := e.cp.StatusNotification(t.Context(), 1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
		var got map[string]string
		code := e.do(t, "POST", "/api/charge_points/CP-1/remote_start", `{"connector_id":1,"id_tag":"DASHBOARD"}`, &got)
		if code != http.StatusUnprocessableEntity || !strings.Contains(got["error"], "not available") {
			t.Errorf("status = %d (%v), want 422 not available", code, got)
		}
	})
}

// TestRemoteStop: a stop names the session it stops; on a charge point
// with several sessions it never guesses.
func TestRemoteStop(t *testing.T) {
	e := newTestEnv(t)
	var got map[string]any
	if code := e.do(t, "POST", "/api/charge_points/CP-1/remote_stop", "", &got); code != http.StatusUnprocessableEntity {
		t.Fatalf("remote_stop without a session = %d (%v), want 422", code, got)
	}
	if msg, _ := got["error"].(string); !strings.Contains(msg, "no active session") {
		t.Errorf("error = %q, want no active session", msg)
	}

	cp, _ := e.dial(t, "CP-3", 3)
	s1 := charge(t, cp, 1, "TAG-A", 7000)
	s2 := charge(t, cp, 2, "TAG-B", 7000)
	var v chargePointView
	e.do(t, "GET", "/api/charge_points/CP-3", "", &v)
	id2 := v.Connector(2).Session.ID
	id1 := v.Connector(1).Session.ID

	tests := []struct {
		name, body string
		want       int
		tx         int // the transaction stopped
		errPart    string
	}{
		{"several sessions, none named", `{}`, http.StatusUnprocessableEntity, 0, "2 active sessions"},
		{"by session", fmt.Sprintf(`{"session_id":%d}`, id2), http.StatusAccepted, s2.TransactionID, ""},
		{"by connector", `{"connector_id":1}`, http.StatusAccepted, s1.TransactionID, ""},
		{"session and connector agree", fmt.Sprintf(`{"session_id":%d,"connector_id":1}`, id1), http.StatusAccepted, s1.TransactionID, ""},
		{"session and connector disagree", fmt.Sprintf(`{"session_id":%d,"connector_id":1}`, id2), http.StatusUnprocessableEntity, 0, "not the active session of connector 1"},
		{"idle connector", `{"connector_id":3}`, http.StatusUnprocessableEntity, 0, "no active session on connector 3"},
		{"session of another charge point", `{"session_id":999}`, http.StatusUnprocessableEntity, 0, "session #999 is not active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]any
			code := e.do(t, "POST", "/api/charge_points/CP-3/remote_stop", tt.body, &got)
			if code != tt.want {
				t.Fatalf("status = %d (%v), want %d", code, got, tt.want)
			}
			if tt.want != http.StatusAccepted {
				if msg, _ := got["error"].(string); !strings.Contains(msg, tt.errPart) {
					t.Errorf("error = %q, want %q", msg, tt.errPart)
				}
				return
			}
			call := awaitCall(t, cp, ocpp16.ActionRemoteStopTransaction)
			var req ocpp16.RemoteStopTransactionRequest
			if err := json.Unmarshal(call.Payload, &req); err != nil {
				t.Fatal(err)
			}
			if req.TransactionId != tt.tx {
				t.Errorf("RemoteStopTransaction for transaction %d, want %d", req.TransactionId, tt.tx)
			}
		})
	}
}

func TestMeterValues(t *testing.T) {
	e := newTestEnv(t)
	// A reading older than an hour, outside any session, is left out.
	old := ocpptest.Reading{EnergyWh: 900, PowerW: 1, Time: time.Now().Add(-2 * time.Hour)}
	if _, err := e.cp.MeterValues(t.Context(), ocpp16.MeterValuesRequest{ConnectorId: 1, MeterValue: []ocpp16.MeterValue{old.MeterValue()}}); err != nil {
		t.Fatal(err)
	}
	sess, err := e.cp.StartSession(t.Context(), 1, "DASHBOARD", 1000)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(-time.Minute)
	for i, r := range []ocpptest.Reading{
		{EnergyWh: 1100, PowerW: 7000, SoC: 40, Time: now},
		{EnergyWh: 1200, PowerW: 7200, SoC: 41, Time: now.Add(10 * time.Second)},
		{EnergyWh: 1300, PowerW: 7100, SoC: 42, Time: now.Add(20 * time.Second)},
	} {
		if err := sess.Meter(t.Context(), r); err != nil {
			t.Fatalf("reading %d: %v", i, err)
		}
	}

	var groups map[string][]meterPoint
	if code := e.do(t, "GET", "/api/charge_points/CP-1/meter_values", "", &groups); code != http.StatusOK {
		t.Fatalf("status = %d", code)
	}
	tests := []struct {
		measurand string
		n         int
		unit      string
		first     float64
	}{
		{store.MeasurandEnergy, 3, "Wh", 1100},
		{store.MeasurandPower, 3, "W", 7000},
		{store.MeasurandSoC, 3, "Percent", 40},
		{store.MeasurandVoltage, 9, "V", 230},
		{store.MeasurandCurrent, 9, "A", 0},
	}
	for _, tt := range tests {
		t.Run(tt.measurand, func(t *testing.T) {
			pts := groups[tt.measurand]
			if len(pts) != tt.n {
				t.Fatalf("%d points, want %d: %+v", len(pts), tt.n, pts)
			}
			if pts[0].Unit != tt.unit {
				t.Errorf("unit = %q, want %q", pts[0].Unit, tt.unit)
			}
			if tt.first != 0 && pts[0].Value != tt.first {
				t.Errorf("first value = %v, want %v", pts[0].Value, tt.first)
			}
			for i, p := range pts {
				// Each point is shaped like a live meter_values event: the
				// page's history keys on measurand and connector.
				if p.Measurand != tt.measurand || p.ConnectorID != 1 || p.SessionID == nil {
					t.Errorf("point %d = %+v, want measurand %s, connector 1 and a session", i, p, tt.measurand)
				}
				if i > 0 && p.Timestamp.Before(pts[i-1].Timestamp) {
					t.Errorf("points not oldest first: %v after %v", p.Timestamp, pts[i-1].Timestamp)
				}
			}
		})
	}

	// The session's own meter values, for the session page's chart.
	var cv chargePointView
	e.do(t, "GET", "/api/charge_points/CP-1", "", &cv)
	c := cv.Connector(1)
	if c == nil || c.Session == nil {
		t.Fatal("no session on connector 1")
	}
	var sessGroups map[string][]meterPoint
	if code := e.do(t, "GET", fmt.Sprintf("/api/sessions/%d/meter_values", c.Session.ID), "", &sessGroups); code != http.StatusOK {
		t.Fatalf("session meter values = %d", code)
	}
	if n := len(sessGroups[store.MeasurandEnergy]); n != 3 {
		t.Errorf("session energy points = %d, want 3", n)
	}
}

// TestEnergiesRounded: energies are kWh rounded to the Wh in every JSON
// answer, not the float noise of sums (0.1250250000000815).
func TestEnergiesRounded(t *testing.T) {
	e := newTestEnv(t)
	sess := charge(t, e.cp, 1, "DASHBOARD", 7000)
	for _, wh := range []float64{1700.1251, 1800.3337, 1900.0001} {
		if err := sess.Meter(t.Context(), ocpptest.Reading{EnergyWh: wh, PowerW: 7000}); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/api/stats", "/api/charge_points", "/api/charge_points/CP-1", "/api/sessions"} {
		_, body := e.get(t, path)
		var walk func(key string, v any)
		walk = func(key string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, vv := range x {
					walk(k, vv)
				}
			case []any:
				for _, vv := range x {
					walk(key, vv)
				}
			case float64:
				if strings.Contains(key, "energy") && x != roundWh(x) {
					t.Errorf("%s: %s = %v, want it rounded to the Wh", path, key, x)
				}
			}
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		walk("", v)
	}
}

// TestAuth checks that pages, API and event stream need the operator.
func TestAuth(t *testing.T) {
	e := newTestEnv(t)
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	anon := &http.Client{CheckRedirect: noRedirect}

	tests := []struct {
		name       string
		method     string
		path       string
		user, pass string
		want       int
	}{
		{"API without credentials", "GET", "/api/stats", "", "", http.StatusUnauthorized},
		{"events without credentials", "GET", "/events?topic=charge_points", "", "", http.StatusUnauthorized},
		{"commands API without credentials", "POST", "/api/charge_points/CP-1/commands/Reset", "", "", http.StatusUnauthorized},
		{"page without credentials", "GET", "/", "", "", http.StatusSeeOther},
		{"Basic admin", "GET", "/api/stats", "admin", testPassword, http.StatusOK},
		{"Basic wrong password", "GET", "/api/stats", "admin", "nope", http.StatusUnauthorized},
		{"Basic wrong user", "GET", "/api/stats", "root", testPassword, http.StatusUnauthorized},
		{"Basic page", "GET", "/charge_points/CP-1", "admin", testPassword, http.StatusOK},
		{"assets are public", "GET", "/assets/app.css", "", "", http.StatusOK},
		{"login page is public", "GET", "/login", "", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, e.ts.URL+tt.path, nil)
			if tt.user != "" {
				req.SetBasicAuth(tt.user, tt.pass)
			}
			res, err := anon.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == http.StatusSeeOther && !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
				t.Errorf("redirect to %q, want the login form", res.Header.Get("Location"))
			}
		})
	}

	t.Run("login form", func(t *testing.T) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: noRedirect}
		post := func(password string) *http.Response {
			res, err := c.PostForm(e.ts.URL+"/login", url.Values{"password": {password}, "next": {"/sessions"}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		if res := post("wrong"); res.StatusCode != http.StatusUnauthorized || len(jar.Cookies(mustURL(t, e.ts.URL))) != 0 {
			t.Fatalf("wrong password: status %d, cookies %v; want 401 and no cookie", res.StatusCode, jar.Cookies(mustURL(t, e.ts.URL)))
		}
		res := post(testPassword)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sessions" {
			t.Fatalf("login: status %d to %q, want 303 to /sessions", res.StatusCode, res.Header.Get("Location"))
		}
		var cookie *http.Cookie
		for _, ck := range res.Cookies() {
			if ck.Name == sessionCookie {
				cookie = ck
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
			t.Fatalf("session cookie = %+v, want HttpOnly and SameSite=Lax", cookie)
		}

		get, _ := c.Get(e.ts.URL + "/api/stats")
		get.Body.Close()
		if get.StatusCode != http.StatusOK {
			t.Errorf("API with the cookie = %d, want 200", get.StatusCode)
		}
		page, _ := c.Get(e.ts.URL + "/")
		body, _ := io.ReadAll(page.Body)
		page.Body.Close()
		token := between(string(body), `<meta name="csrf-token" content="`, `"`)
		if page.StatusCode != http.StatusOK || token == "" {
			t.Fatalf("dashboard page = %d, csrf token %q", page.StatusCode, token)
		}

		// POSTs with the cookie need the CSRF token and a same-origin request.
		stop := func(header http.Header) int {
			req, _ := http.NewRequest("POST", e.ts.URL+"/api/charge_points/CP-1/remote_stop", strings.NewReader("{}"))
			for k, v := range header {
				req.Header[k] = v
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		csrf := http.Header{"X-Csrf-Token": {token}}
		crossSite := http.Header{"X-Csrf-Token": {token}, "Sec-Fetch-Site": {"cross-site"}}
		for _, c := range []struct {
			name   string
			header http.Header
			want   int
		}{
			{"without token", nil, http.StatusForbidden},
			{"wrong token", http.Header{"X-Csrf-Token": {"forged"}}, http.StatusForbidden},
			{"cross-site", crossSite, http.StatusForbidden},
			{"with token", csrf, http.StatusUnprocessableEntity}, // passes auth; no session to stop
		} {
			if got := stop(c.header); got != c.want {
				t.Errorf("remote_stop %s = %d, want %d", c.name, got, c.want)
			}
		}

		// Logout ends the session.
		req, _ := http.NewRequest("POST", e.ts.URL+"/logout", strings.NewReader(url.Values{csrfField: {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		out, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out.Body.Close()
		after, _ := (&http.Client{CheckRedirect: noRedirect}).Do(withCookie(t, e.ts.URL+"/api/stats", cookie))
		after.Body.Close()
		if out.StatusCode != http.StatusSeeOther || after.StatusCode != http.StatusUnauthorized {
			t.Errorf("logout = %d, then API = %d; want 303 then 401", out.StatusCode, after.StatusCode)
		}
	})
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func withCookie(t *testing.T, u string, c *http.Cookie) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(c)
	return req
}

func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}

// TestEventsAndCommands checks the event stream and the commands API as
// mounted by the dashboard: reachable by database id as well as identity,
// like every other endpoint.
func TestEventsAndCommands(t *testing.T) {
	e := newTestEnv(t)
	req, _ := http.NewRequestWithContext(t.Context(), "GET", e.ts.URL+"/events?topic=charge_points", nil)
	req.SetBasicAuth("admin", testPassword)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET /events = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// The stream is open (headers received): this status change is on it.
	if _, err := e.cp.StatusNotification(t.Context(), 1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(res.Body)
	found := false
	for !found && lines.Scan() {
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		var env struct {
			Kind string          `json:"kind"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal([]byte(data), &env); err != nil {
			t.Fatalf("event %q: %v", data, err)
		}
		found = env.Kind == "status" && strings.Contains(string(env.Data), `"Preparing"`)
	}
	if !found {
		t.Fatalf("no Preparing status event on the stream (%v)", lines.Err())
	}

	for _, key := range []string{"CP-1", fmt.Sprint(e.cpID)} {
		var reply map[string]any
		if code := e.do(t, "POST", "/api/charge_points/"+key+"/commands/Reset", `{"type":"Soft"}`, &reply); code != http.StatusOK || reply["status"] != "Accepted" {
			t.Errorf("Reset via commands API at %s = %d %v, want 200 Accepted", key, code, reply)
		}
	}
	var nf map[string]string
	if code := e.do(t, "POST", "/api/charge_points/8888/commands/Reset", `{"type":"Soft"}`, &nf); code != http.StatusNotFound || nf["error"] != "charge point 8888 not found" {
		t.Errorf("commands API for an unknown id = %d %v, want 404 naming 8888", code, nf)
	}
	for _, topic := range []string{"secret_topic", "charge_point_1_nonsense"} {
		// A stream opened by mistake would never end: a deadline ends it.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/events?topic="+topic, nil)
		req.SetBasicAuth("admin", testPassword)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		cancel()
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), topic) {
			t.Errorf("unknown topic %s = %d %s, want 400 naming it", topic, res.StatusCode, body)
		}
	}
}

// TestPages renders every page, back office included.
func TestPages(t *testing.T) {
	e := newTestEnv(t)
	sess, err := e.cp.StartSession(t.Context(), 1, "DASHBOARD", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Stop(t.Context(), ocpp16.ReasonLocal); err != nil {
		t.Fatal(err)
	}
	var completed []store.ChargingSession
	if err := e.srv.db.Scopes(store.Completed).Find(&completed).Error; err != nil || len(completed) != 1 {
		t.Fatalf("completed sessions = %d (%v)", len(completed), err)
	}
	cp := fmt.Sprint(e.cpID)
	tests := []struct {
		name, path, want string
	}{
		{"dashboard", "/", `data-identity="CP-1"`},
		{"card", "/charge_points/CP-1/card", `class="panel cp-card`},
		{"charge point by id", "/charge_points/" + cp, "Wallbox"},
		{"sessions", "/sessions", fmt.Sprintf(`data-session-id="%d"`, completed[0].ID)},
		{"session", fmt.Sprintf("/sessions/%d", completed[0].ID), "Local"},
		{"charge points", "/charge_points", `data-identity="CP-2"`},
		{"new charge point", "/charge_points/new?identity=NEW-1", `value="NEW-1"`},
		{"settings", "/charge_points/" + cp + "/edit", "Rotate password"},
		{"commands", "/charge_points/" + cp + "/commands", `name="type"`},
		{"configuration", "/charge_points/" + cp + "/configuration", "Configuration keys"},
		{"reservations of a charge point", "/charge_points/" + cp + "/reservations", "Reserve a connector"},
		{"charging profiles", "/charge_points/" + cp + "/profiles", "Set a limit"},
		{"id tags", "/id_tags", `data-tag="DASHBOARD"`},
		{"reservations", "/reservations", "Reservations"},
	}
	postForm := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.get(t, tt.path)
			if code != http.StatusOK || !strings.Contains(body, tt.want) {
				t.Errorf("GET %s = %d, body contains %q: %v", tt.path, code, tt.want, strings.Contains(body, tt.want))
			}
			for _, form := range postForm.FindAllString(body, -1) {
				if !strings.Contains(form, `name="csrf_token"`) {
					t.Errorf("GET %s: a form without the CSRF token: %.120s…", tt.path, form)
				}
			}
		})
	}
}

// TestUncleanRestart: a node that restarts after a crash marks the charge
// points it held offline; their sessions are interrupted, nothing counts
// as live until they reconnect.
func TestUncleanRestart(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "dashboard.db")
	srv, ts := startServer(t, config{DBPath: dbPath, Node: "node-1"})
	a := &testEnv{srv: srv, ts: ts}
	cp, _ := a.dial(t, "CP-3", 2)
	charge(t, cp, 1, "TAG-A", 7000)
	charge(t, cp, 2, "TAG-B", 11000)

	// The same node starts again while the old process's rows still say
	// connected, as after a crash.
	srv2, ts2 := startServer(t, config{DBPath: dbPath, Node: "node-1"})
	b := &testEnv{srv: srv2, ts: ts2}
	var st stats
	b.do(t, "GET", "/api/stats", "", &st)
	if want := (stats{ChargePoints: 1, Interrupted: 2, EnergyToday: st.EnergyToday}); st != want {
		t.Errorf("stats after the restart = %+v, want %+v", st, want)
	}
	_, page := b.get(t, "/")
	if strings.Contains(page, "data-since") || strings.Count(page, "Interrupted?") < 4 || !strings.Contains(page, `data-field="status">Offline`) {
		t.Error("the dashboard after the restart shows live sessions")
	}
}

// TestFlags: nonsense is refused before anything starts, and the dashboard
// listens on the loopback interface unless told otherwise.
func TestFlags(t *testing.T) {
	cfg, _, err := parseFlags(nil, io.Discard)
	if err != nil || cfg.Addr != "127.0.0.1:8080" || cfg.Simulate != 0 || cfg.IDTag != "DASHBOARD" {
		t.Errorf("defaults = %+v, %v; want -addr 127.0.0.1:8080", cfg, err)
	}
	for _, args := range [][]string{
		{"-simulate", "-3"},
		{"-meter-interval", "0s"},
		{"-id-tag", ""},
		{"stray"},
	} {
		var out strings.Builder
		if _, _, err := parseFlags(args, &out); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		} else if !strings.Contains(out.String(), "Usage") {
			t.Errorf("parseFlags(%q) printed %q, want the error and the usage", args, out.String())
		}
	}
}

// TestStartsPromptly: something is printed as soon as the program runs,
// before the database is opened and migrated.
func TestStartsPromptly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, config{Password: "x", IDTag: "DASHBOARD", DBPath: filepath.Join(t.TempDir(), "d.db"), Out: pw,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, ln)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() || !strings.Contains(lines.Text(), "starting on "+ln.Addr().String()) {
		t.Errorf("first line = %q, %v; want it to say where it starts", lines.Text(), lines.Err())
	}
	for lines.Scan() && !strings.Contains(lines.Text(), "charge points      ws://") { // the banner: it runs
	}
	go io.Copy(io.Discard, pr)
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
