package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
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

func TestStats(t *testing.T) {
	e := newTestEnv(t)
	var st stats
	if code := e.do(t, "GET", "/api/stats", "", &st); code != http.StatusOK {
		t.Fatalf("GET /api/stats = %d", code)
	}
	want := stats{TotalChargePoints: 2, Connected: 1, Available: 1}
	if st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}

	sess, err := e.cp.StartSession(t.Context(), 1, "DASHBOARD", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cp.StatusNotification(t.Context(), 1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError); err != nil {
		t.Fatal(err)
	}
	if err := sess.Meter(t.Context(), ocpptest.Reading{EnergyWh: 3500, PowerW: 7000}); err != nil {
		t.Fatal(err)
	}
	e.do(t, "GET", "/api/stats", "", &st)
	want = stats{TotalChargePoints: 2, Connected: 1, Charging: 1, ActiveSessions: 1, TotalEnergyToday: 2.5}
	if st != want {
		t.Errorf("stats while charging = %+v, want %+v", st, want)
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
				ID         uint              `json:"id"`
				Identifier string            `json:"identifier"`
				Vendor     string            `json:"vendor"`
				Connected  bool              `json:"connected"`
				Available  bool              `json:"available"`
				Connectors []store.Connector `json:"connectors"`
				Error      string            `json:"error"`
			}
			code := e.do(t, "GET", "/api/charge_points/"+tt.key, "", &got)
			if code != tt.want {
				t.Fatalf("status = %d, want %d", code, tt.want)
			}
			if code != http.StatusOK {
				if got.Error == "" {
					t.Error("error answer without an error message")
				}
				return
			}
			if got.ID != e.cpID || got.Identifier != "CP-1" || got.Vendor != "ACME" || !got.Connected || !got.Available {
				t.Errorf("charge point = %+v", got)
			}
			if len(got.Connectors) != 1 || got.Connectors[0].Status != "Available" {
				t.Errorf("connectors = %+v, want connector 1 Available", got.Connectors)
			}
		})
	}

	var list []map[string]any
	if code := e.do(t, "GET", "/api/charge_points", "", &list); code != http.StatusOK || len(list) != 2 {
		t.Errorf("GET /api/charge_points = %d with %d charge points, want 200 with 2", code, len(list))
	}
}

func TestRemoteStart(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name, key, body string
		want            int
	}{
		{"not connected", "CP-2", `{"connector_id":1,"id_tag":"DASHBOARD"}`, http.StatusUnprocessableEntity},
		{"unknown charge point", "CP-404", `{"connector_id":1,"id_tag":"DASHBOARD"}`, http.StatusNotFound},
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

func TestRemoteStop(t *testing.T) {
	e := newTestEnv(t)
	var got map[string]any
	if code := e.do(t, "POST", "/api/charge_points/CP-1/remote_stop", "", &got); code != http.StatusUnprocessableEntity {
		t.Fatalf("remote_stop without a session = %d (%v), want 422", code, got)
	}
	if msg, _ := got["error"].(string); !strings.Contains(msg, "no active session") {
		t.Errorf("error = %q, want no active session", msg)
	}

	sess, err := e.cp.StartSession(t.Context(), 1, "DASHBOARD", 0)
	if err != nil {
		t.Fatal(err)
	}
	if code := e.do(t, "POST", "/api/charge_points/CP-1/remote_stop", "{}", &got); code != http.StatusAccepted {
		t.Fatalf("remote_stop with a session = %d (%v), want 202", code, got)
	}
	call := awaitCall(t, e.cp, ocpp16.ActionRemoteStopTransaction)
	var req ocpp16.RemoteStopTransactionRequest
	if err := json.Unmarshal(call.Payload, &req); err != nil {
		t.Fatal(err)
	}
	if req.TransactionId != sess.TransactionID {
		t.Errorf("RemoteStopTransaction for transaction %d, want %d", req.TransactionId, sess.TransactionID)
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
			for i := 1; i < len(pts); i++ {
				if pts[i].Timestamp.Before(pts[i-1].Timestamp) {
					t.Errorf("points not oldest first: %v after %v", pts[i].Timestamp, pts[i-1].Timestamp)
				}
			}
		})
	}

	// The session's own meter values, for the session page's chart.
	var cv chargePointView
	e.do(t, "GET", "/api/charge_points/CP-1", "", &cv)
	if cv.CurrentSession == nil {
		t.Fatal("no current session")
	}
	var sessGroups map[string][]meterPoint
	if code := e.do(t, "GET", fmt.Sprintf("/api/sessions/%d/meter_values", cv.CurrentSession.ID), "", &sessGroups); code != http.StatusOK {
		t.Fatalf("session meter values = %d", code)
	}
	if n := len(sessGroups[store.MeasurandEnergy]); n != 3 {
		t.Errorf("session energy points = %d, want 3", n)
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

// TestEventsAndCommands checks the event stream and the library's commands
// API as mounted by the dashboard.
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

	var reply map[string]any
	if code := e.do(t, "POST", "/api/charge_points/CP-1/commands/Reset", `{"type":"Soft"}`, &reply); code != http.StatusOK || reply["status"] != "Accepted" {
		t.Errorf("Reset via commands API = %d %v, want 200 Accepted", code, reply)
	}
	if code := e.do(t, "GET", "/events?topic=secret_topic", "", nil); code != http.StatusForbidden {
		t.Errorf("unknown topic = %d, want 403", code)
	}
}

// TestPages renders every page.
func TestPages(t *testing.T) {
	e := newTestEnv(t)
	sess, err := e.cp.StartSession(t.Context(), 1, "DASHBOARD", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Stop(t.Context(), ocpp16.ReasonLocal); err != nil {
		t.Fatal(err)
	}
	var cv chargePointView
	e.do(t, "GET", "/api/charge_points/CP-1", "", &cv)
	var completed []store.ChargingSession
	if err := e.srv.db.Scopes(store.Completed).Find(&completed).Error; err != nil || len(completed) != 1 {
		t.Fatalf("completed sessions = %d (%v)", len(completed), err)
	}
	tests := []struct {
		name, path, want string
		code             int
	}{
		{"dashboard", "/", `data-identity="CP-1"`, http.StatusOK},
		{"card", "/charge_points/CP-1/card", `class="panel cp-card`, http.StatusOK},
		{"charge point by id", fmt.Sprintf("/charge_points/%d", e.cpID), "Wallbox", http.StatusOK},
		{"sessions", "/sessions", fmt.Sprintf(`data-session-id="%d"`, completed[0].ID), http.StatusOK},
		{"session", fmt.Sprintf("/sessions/%d", completed[0].ID), "Local", http.StatusOK},
		{"unknown charge point", "/charge_points/nope", "not found", http.StatusNotFound},
		{"unknown session", "/sessions/424242", "not found", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), "GET", e.ts.URL+tt.path, nil)
			req.SetBasicAuth("admin", testPassword)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.code || !strings.Contains(string(body), tt.want) {
				t.Errorf("GET %s = %d, body contains %q: %v", tt.path, res.StatusCode, tt.want, strings.Contains(string(body), tt.want))
			}
		})
	}
}
