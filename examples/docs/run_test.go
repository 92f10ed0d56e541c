package docs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest/sim"
	"github.com/ocppkit/ocppkit/store"
)

func hostDB(t *testing.T) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "app.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { sqlDB.Close() })
	return db
}

func allow(next http.Handler) http.Handler { return next }

// TestGuideRuns runs the guide's code against a CSMS and a simulated
// charge point CP001: the pages, the APIs, the subscriptions and the
// queries answer what the guide says they do.
func TestGuideRuns(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := hostDB(t)
	if err := migrateApp(ctx, db); err != nil {
		t.Fatal(err)
	}
	csms, err := ocppkit.New(ocppkit.Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	app := &App{DB: db, CSMS: csms, Mux: http.NewServeMux()}
	app.Mux.Handle("/ocpp/", csms)
	app.Mux.HandleFunc("GET /fleet", app.fleet)
	app.Mux.HandleFunc("GET /dashboard", app.dashboard)
	app.Mux.HandleFunc("GET /sessions", app.sessions)
	app.Mux.HandleFunc("GET /sessions/{id}", app.session)
	app.Mux.HandleFunc("GET /api/charge_points/{id}/meter_values", app.meterValues)
	app.Mux.Handle("GET /events", app.events())
	app.mountRemoteControl(allow)
	trackBays(app)
	srv := httptest.NewServer(app.Mux)
	t.Cleanup(func() {
		srv.Close()
		_ = csms.Shutdown(context.Background())
	})
	if err := registerFleet(ctx, csms); err != nil {
		t.Fatal(err)
	}
	cp, err := csms.Store.ChargePointByIdentifier(ctx, "CP001")
	if err != nil {
		t.Fatal(err)
	}

	started, stopped := make(chan broadcast.SessionInfo, 1), make(chan broadcast.SessionInfo, 1)
	go notifySessions(ctx, csms.Broadcaster, cp.ID, func(s broadcast.SessionInfo) { started <- s }, func(s broadcast.SessionInfo) { stopped <- s })
	meters, err := csms.Broadcaster.Subscribe(ctx, broadcast.MeterValuesTopic(cp.ID))
	if err != nil {
		t.Fatal(err)
	}
	power := &livePower{watts: map[uint]float64{}}
	go power.follow(ctx, csms.Broadcaster)
	cache := &statusCache{st: csms.Store, entries: map[uint]cachedStatus{}}
	go cache.invalidate(ctx, csms.Broadcaster)
	statusLog := &lockedBuffer{}
	go logStatusChanges(ctx, csms.Broadcaster, cp.ID, slog.New(slog.NewTextHandler(statusLog, nil)))

	fleet := sim.New(sim.Config{URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp", Password: "a-long-random-key-0123456789",
		Prefix: "CP", RemoteOnly: true, MinConnectors: 2, MaxConnectors: 2, MeterInterval: 50 * time.Millisecond, StatsInterval: -1,
		Logger: slog.New(slog.DiscardHandler)})
	stop := fleet.Start(ctx)
	t.Cleanup(func() { _ = stop() })
	if err := fleet.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fleet.Identities(); len(got) != 1 || got[0] != "CP001" {
		t.Fatalf("simulated %v, want CP001", got)
	}

	var out bytes.Buffer
	if err := printFleet(ctx, &out, db); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "1 connected, 1 available, 0 charging\ntrue true\nAvailable\nocppkit Simulator\n") {
		t.Errorf("printFleet:\n%s", out.String())
	}
	if page := get(t, srv.URL+"/fleet"); !strings.Contains(page, "CP001") || !strings.Contains(page, "1 connected") {
		t.Errorf("fleet page:\n%s", page)
	}

	// Start charging through the host's remote control API.
	body := post(t, srv.URL+"/api/charge_points/"+strconv.Itoa(int(cp.ID))+"/start", `{"connector_id":1,"id_tag":"RFID12345"}`, http.StatusOK)
	if !strings.Contains(body, `"Accepted"`) {
		t.Fatalf("remote start answered %s", body)
	}
	sess := waitFor(ctx, t, started, "a started session")
	for range 2 { // a meter value, and one that follows it
		select {
		case <-meters:
		case <-ctx.Done():
			t.Fatal("no meter values")
		}
	}
	for _, page := range []string{"/dashboard", "/sessions", "/sessions/" + strconv.Itoa(int(sess.ID)), "/api/charge_points/" + strconv.Itoa(int(cp.ID)) + "/meter_values"} {
		if body := get(t, srv.URL+page); !strings.Contains(body, "CP001") && !strings.Contains(body, "Energy.Active.Import.Register") && !strings.Contains(body, `"id_tag":"RFID12345"`) {
			t.Errorf("%s:\n%s", page, body)
		}
	}
	cp, _ = csms.Store.ChargePointByID(ctx, cp.ID)
	out.Reset()
	if err := errors.Join(printSessions(ctx, &out, db, cp), printMeterValues(ctx, &out, db, cp), printConnectors(ctx, &out, csms.Store, "CP001"), specificMeasurands(ctx, db, cp)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 active, 1 here, 0 recently completed", "RFID12345", "Charging", " Wh ", " W\n", "connector_1_status Charging"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the printed guide lacks %q:\n%s", want, out.String())
		}
	}
	page, err := app.chargePointPage(ctx, cp.ID)
	if err != nil || page.Current == nil || page.Current.ID != sess.ID || len(page.MeterValues) == 0 {
		t.Errorf("charge point page: %+v, %v", page, err)
	}
	if st, err := cache.get(ctx, cp.ID); err != nil || st.Session == nil || !st.Connected {
		t.Errorf("cached status: %+v, %v", st, err)
	}
	var bay Bay
	if err := db.Where("charge_point_id = ? AND connector_id = ?", cp.ID, 1).Take(&bay).Error; err != nil || bay.LastStatus == "" {
		t.Errorf("the host's bay after StatusNotifications: %+v, %v", bay, err)
	}
	if free, err := freeBays(ctx, db); err != nil || len(free) != 1 || free[0].ConnectorID != 2 {
		t.Errorf("free connectors while 1 charges: %+v, %v", free, err)
	}
	// A second start on the busy charge point is refused by the host's API.
	post(t, srv.URL+"/api/charge_points/"+strconv.Itoa(int(cp.ID))+"/start", `{"connector_id":1,"id_tag":"RFID12345"}`, http.StatusUnprocessableEntity)

	// Stop it.
	body = post(t, srv.URL+"/api/charge_points/"+strconv.Itoa(int(cp.ID))+"/stop", ``, http.StatusOK)
	if !strings.Contains(body, `"Accepted"`) {
		t.Fatalf("remote stop answered %s", body)
	}
	done := waitFor(ctx, t, stopped, "a stopped session")
	if done.ID != sess.ID || done.Status != store.SessionCompleted {
		t.Errorf("stopped event: %+v", done)
	}
	if kwh, err := csms.Store.EnergySince(ctx, time.Now().Add(-time.Hour)); err != nil || kwh != done.EnergyConsumed {
		t.Errorf("EnergySince = %v, %v; want the session's %v", kwh, err, done.EnergyConsumed)
	}
	if body := get(t, srv.URL+"/dashboard"); !strings.Contains(body, "kWh today") {
		t.Errorf("dashboard:\n%s", body)
	}
	if !strings.Contains(statusLog.String(), "status=Charging") {
		t.Errorf("status log:\n%s", statusLog.String())
	}
	power.mu.Lock()
	if power.watts[cp.ID] <= 0 {
		t.Errorf("live power of CP001 = %v", power.watts[cp.ID])
	}
	power.mu.Unlock()
	if got := explain(func() error {
		_, err := csms.Remote.RemoteStartTransaction(ctx, "NOBODY", 1, "RFID12345")
		return err
	}()); !strings.HasPrefix(got, "no such charge point") {
		t.Errorf("explain(unknown) = %q", got)
	}
}

// TestGuideSetups runs the guides' other setups: exported migrations, an
// in-memory database, the throttled broadcaster, a tolerant charge point.
func TestGuideSetups(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := exportMigrations(store.DialectPostgres, dir); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "ocppkit_0001_*.sql")); len(files) != 1 {
		t.Errorf("exported %v", files)
	}
	mem, err := openInMemory()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx, mem); err != nil {
		t.Fatal(err)
	}
	csms, err := ocppkit.New(devConfig(mem))
	if err != nil {
		t.Fatalf("New on the in-memory database: %v", err)
	}
	tolerateQuirks(csms)
	if m := csms.Handlers.Mode("CP-OLD-FIRMWARE", ocpp16.ActionBootNotification); m != ocpp16.Tolerant {
		t.Errorf("mode = %s", m)
	}
	_ = csms.Shutdown(ctx)

	db := hostDB(t)
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	throttled, shutdown, err := newThrottledCSMS(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := throttled.Broadcaster.(*broadcast.Coalescer); !ok {
		t.Errorf("broadcaster %T", throttled.Broadcaster)
	}
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRouters: the CSMS works behind chi and echo (their response writers
// hijack for the WebSocket), and the operator routes are guarded.
func TestRouters(t *testing.T) {
	deny := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusUnauthorized) })
	}
	denyEcho := func(echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return c.String(http.StatusUnauthorized, "no") }
	}
	for _, tc := range []struct {
		name string
		mux  func(*ocppkit.CSMS) http.Handler
	}{
		{"net/http", func(csms *ocppkit.CSMS) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/ocpp/", csms)
			mux.Handle("GET /events", deny(nil))
			return mux
		}},
		{"chi", func(csms *ocppkit.CSMS) http.Handler { return chiRouter(csms, deny) }},
		{"echo", func(csms *ocppkit.CSMS) http.Handler { return echoServer(csms, denyEcho) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			db := hostDB(t)
			if err := store.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			csms, err := ocppkit.New(devConfig(db))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(tc.mux(csms))
			defer srv.Close()
			defer csms.Shutdown(context.Background())
			cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ocpp", "CP-ROUTER", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer cp.Close()
			if res, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "X"}); err != nil || res.Status != ocpp16.RegistrationStatusAccepted {
				t.Fatalf("boot behind %s: %+v, %v", tc.name, res, err)
			}
			resp, err := http.Get(srv.URL + "/events?topic=charge_points")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("/events without sign-in: %d", resp.StatusCode)
			}
		})
	}
	// mountOCPP with the guide's requireOperator.
	mux := http.NewServeMux()
	csms, err := mountOCPP(context.Background(), mux, hostDB(t), requireOperator(func(r *http.Request) bool { return r.Header.Get("X-Operator") == "yes" }))
	if err != nil {
		t.Fatal(err)
	}
	defer csms.Shutdown(context.Background())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/charge_points/CP-X/commands/ClearCache", strings.NewReader(`{}`)))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("commands API without sign-in: %d", rec.Code)
	}
}

func waitFor[T any](ctx context.Context, t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		t.Fatalf("no %s", what)
	}
	var zero T
	return zero
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func post(t *testing.T, url, body string, want int) string {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Errorf("POST %s: %d %s, want %d", url, resp.StatusCode, b, want)
	}
	return string(b)
}

// lockedBuffer is a bytes.Buffer written by a goroutine and read by the
// test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
