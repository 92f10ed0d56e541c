package ocppkit_test

import (
	"context"
	"errors"
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
	"github.com/ocppkit/ocppkit/internal/faultproxy"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// drillStart is the time of the drills' first reading.
var drillStart = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

// The fault drills put a TCP proxy (internal/faultproxy) between the CSMS
// and PostgreSQL and break the network under MeterValues load. Figures are
// logged (go test -run Drill -v); the README's Reliability section quotes
// them. OCPP_DRILL_OUTAGE sets the length of the frozen-database outage
// (default 3s), OCPP_DRILL_DURATION the length of the reset drill (default
// 5s); OCPP_DRILL_NO_LOG_LIMIT=1 turns the log limit off.

// drillDuration reads a duration from the environment variable env.
func drillDuration(t *testing.T, env string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	return d
}

// drill is a CSMS whose database connections go through a fault proxy.
type drill struct {
	csms   *ocppkit.CSMS
	proxy  *faultproxy.Proxy
	direct *gorm.DB // the same schema, not through the proxy
	url    string
	logs   *logCount
}

// logCount counts the records that reach the host's log, by level.
type logCount struct {
	warn, errs atomic.Int64
	mu         sync.Mutex
	msgs       map[string]int
}

func (l *logCount) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelInfo }
func (l *logCount) WithAttrs([]slog.Attr) slog.Handler            { return l }
func (l *logCount) WithGroup(string) slog.Handler                 { return l }
func (l *logCount) Handle(_ context.Context, r slog.Record) error {
	switch {
	case r.Level >= slog.LevelError:
		l.errs.Add(1)
	case r.Level >= slog.LevelWarn:
		l.warn.Add(1)
	default:
		return nil
	}
	l.mu.Lock()
	l.msgs[r.Message]++
	l.mu.Unlock()
	return nil
}

func (l *logCount) lines() int64 { return l.warn.Load() + l.errs.Load() }

func newDrill(t *testing.T, cfg ocppkit.Config) *drill {
	t.Helper()
	dsn := testdb.PostgresSchemaURL(t)
	direct := testdb.OpenPostgres(t, dsn)
	if err := store.Migrate(context.Background(), direct); err != nil {
		t.Fatal(err)
	}
	proxy, proxied := faultproxy.Front(t, dsn)
	db := testdb.OpenPostgres(t, proxied)

	logs := &logCount{msgs: map[string]int{}}
	cfg.DB = db
	cfg.NodeID = "drill"
	cfg.Logger = slog.New(logs)
	cfg.Server.RateLimit = -1
	csms, err := ocppkit.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		proxy.Thaw()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = csms.Shutdown(ctx)
		srv.Close()
	})
	return &drill{csms: csms, proxy: proxy, direct: direct, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp", logs: logs}
}

// station is one drill charge point with an open session.
type station struct {
	cp   *ocpptest.ChargePoint
	txID int
}

func (d *drill) stations(t *testing.T, n int) []station {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.csms.Store.UpsertIDTag(ctx, store.IDTag{Tag: "DRILLTAG", Status: "Accepted"}); err != nil {
		t.Fatal(err)
	}
	out := make([]station, n)
	for i := range out {
		id := fmt.Sprintf("DRILL-%03d", i)
		if _, err := d.csms.RegisterChargePoint(ctx, id, "drill-password-"+id); err != nil {
			t.Fatal(err)
		}
		cp, err := ocpptest.Dial(ctx, d.url, id, &ocpptest.Options{Password: "drill-password-" + id, CallTimeout: 30 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cp.Close() })
		res, err := cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "DRILLTAG", Timestamp: ocpp16.NewDateTime(drillStart)})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = station{cp: cp, txID: res.TransactionId}
	}
	return out
}

// meterValues is the k-th MeterValues of a station: four sampled values at
// a timestamp of its own, as a real meter sends them.
func (s station) meterValues(k int) ocpp16.MeterValuesRequest {
	tx := s.txID
	return ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: &tx, MeterValue: []ocpp16.MeterValue{
		ocpptest.Reading{EnergyWh: float64(1000 + 10*k), PowerW: 7400, Phases: 1, Time: drillStart.Add(time.Duration(k+1) * time.Second)}.MeterValue(),
	}}
}

// rowCounts returns the meter value rows and the distinct readings among
// them, read directly from PostgreSQL.
func (d *drill) rowCounts(t *testing.T) (rows, distinct int64) {
	t.Helper()
	err := d.direct.Raw(`SELECT COUNT(*), COUNT(DISTINCT (charge_point_id, connector_id, transaction_id, "timestamp", measurand, phase, location, context)) FROM ocpp_meter_values`).
		Row().Scan(&rows, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	return rows, distinct
}

// TestDrillConnectionResets: every PostgreSQL connection is reset every
// 250 ms while 20 stations send MeterValues; a station whose MeterValues is
// answered with a CALLERROR resends it, as a real one does. Afterwards every
// reading is stored exactly once: none lost, none twice.
func TestDrillConnectionResets(t *testing.T) {
	t.Parallel()
	d := newDrill(t, ocppkit.Config{WriteTimeout: 2 * time.Second})
	const stations = 20
	duration := drillDuration(t, "OCPP_DRILL_DURATION", 5*time.Second)
	sts := d.stations(t, stations)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stop := make(chan struct{})
	var resets sync.WaitGroup
	resets.Go(func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				d.proxy.Reset()
			}
		}
	})
	var acked, callErrors atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for _, s := range sts {
		wg.Go(func() {
			for k := 0; time.Since(start) < duration; k++ {
				req := s.meterValues(k)
				for {
					_, err := s.cp.MeterValues(ctx, req)
					if err == nil {
						acked.Add(1)
						break
					}
					var oe *ocpp.Error
					if !errors.As(err, &oe) || ctx.Err() != nil {
						t.Errorf("%s: %v", s.cp.Identity(), err)
						return
					}
					callErrors.Add(1) // InternalError: resend, like a station
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	resets.Wait()
	elapsed := time.Since(start)

	rows, distinct := d.rowCounts(t)
	want := acked.Load() * 4 // Reading with one phase: energy, power, current, voltage
	t.Logf("%d MeterValues acknowledged in %v (%d CALLERRORs resent) with %d connections reset; %d rows, %d distinct readings (want %d); %d warning/error log lines",
		acked.Load(), elapsed.Round(time.Millisecond), callErrors.Load(), d.proxy.Resets(), rows, distinct, want, d.logs.lines())
	if rows != want || distinct != want {
		t.Errorf("%d rows (%d distinct readings), want %d: %d lost, %d stored twice", rows, distinct, want, want-distinct, rows-distinct)
	}
	if d.proxy.Resets() == 0 {
		t.Error("no connection was reset: the drill tested nothing")
	}
}

// TestDrillFrozenDatabase: the connections to PostgreSQL freeze (bytes
// held, nothing closed) while stations send MeterValues. Every MeterValues
// is answered — InternalError once the write deadline has passed — and
// heartbeats keep being answered; once the network thaws, the resent
// MeterValues are stored (each reading once), and Shutdown returns within
// its context even while the database hangs again.
func TestDrillFrozenDatabase(t *testing.T) {
	t.Parallel()
	const timeout = time.Second
	outage := drillDuration(t, "OCPP_DRILL_OUTAGE", 3*time.Second)
	cfg := ocppkit.Config{WriteTimeout: timeout}
	if os.Getenv("OCPP_DRILL_NO_LOG_LIMIT") != "" {
		cfg.LogBurst = -1 // for the before/after figure of the README
	}
	d := newDrill(t, cfg)
	const stations = 10
	sts := d.stations(t, stations)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	d.proxy.Freeze()
	linesBefore := d.logs.lines()
	frozenAt := time.Now()
	var answered, internalErrors atomic.Int64
	var slowest atomic.Int64
	var wg sync.WaitGroup
	for i, s := range sts {
		wg.Go(func() {
			for k := 0; time.Since(frozenAt) < outage; k++ {
				if _, err := s.cp.Heartbeat(ctx); err != nil {
					t.Errorf("%s: heartbeat during the outage: %v", s.cp.Identity(), err)
					return
				}
				sent := time.Now()
				_, err := s.cp.MeterValues(ctx, s.meterValues(1000*i+k))
				took := time.Since(sent)
				for {
					cur := slowest.Load()
					if int64(took) <= cur || slowest.CompareAndSwap(cur, int64(took)) {
						break
					}
				}
				answered.Add(1)
				if ocpp.CodeOf(err) != ocpp.InternalError {
					t.Errorf("%s: MeterValues while the database hangs: %v, want CALLERROR InternalError", s.cp.Identity(), err)
					return
				}
				internalErrors.Add(1)
			}
		})
	}
	wg.Wait()
	lines := d.logs.lines() - linesBefore
	t.Logf("outage of %v: %d MeterValues answered, all InternalError, slowest answer %v (write timeout %v); %d warning/error log lines: %v",
		outage, answered.Load(), time.Duration(slowest.Load()).Round(time.Millisecond), timeout, lines, d.logs.msgs)

	// Recovery: the same stations resend their readings.
	d.proxy.Thaw()
	thawedAt := time.Now()
	for _, s := range sts {
		for k := range 2 {
			for attempt := 0; ; attempt++ {
				_, err := s.cp.MeterValues(ctx, s.meterValues(k))
				if err == nil {
					break
				}
				// Connections broken by the deadline may fail one more
				// time as the pool notices; never more than a few.
				if ocpp.CodeOf(err) != ocpp.InternalError || attempt == 5 {
					t.Fatalf("%s: MeterValues after the outage: %v", s.cp.Identity(), err)
				}
			}
		}
	}
	t.Logf("recovered: %d stations × 2 MeterValues stored %v after the thaw", stations, time.Since(thawedAt).Round(time.Millisecond))
	if rows, distinct := d.rowCounts(t); rows != distinct || rows < stations*2*4 {
		t.Errorf("after the outage: %d rows, %d distinct readings, want at least %d, all distinct", rows, distinct, stations*2*4)
	}

	// Shutdown while the database hangs, with a MeterValues in flight.
	d.proxy.Freeze()
	inFlight := make(chan error, 1)
	go func() {
		_, err := sts[0].cp.MeterValues(ctx, sts[0].meterValues(99999))
		inFlight <- err
	}()
	shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancelShutdown()
	began := time.Now()
	err := d.csms.Shutdown(shutdownCtx)
	t.Logf("Shutdown with a hung database returned %v after %v (context 3s)", err, time.Since(began).Round(time.Millisecond))
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v", err)
	}
	<-inFlight // answered, or the connection closed by the shutdown: never left hanging
}

// TestResentMessagesStoreNothingTwice: a station that lost the CALLRESULT
// of StartTransaction, MeterValues and StopTransaction sends each again
// (new message id, same content); on both databases it gets the same
// answers and nothing is stored twice.
func TestResentMessagesStoreNothingTwice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{AcceptUnknownIDTags: true})
		e.register(t, "CP-RESEND", "pw-0123456789abcdef")
		cp := e.dial(t, "CP-RESEND", "pw-0123456789abcdef")
		ctx := context.Background()
		start := ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "TAG", MeterStart: 100, Timestamp: ocpp16.NewDateTime(drillStart)}
		var txIDs [2]int
		for i := range txIDs {
			res, err := cp.StartTransaction(ctx, start)
			if err != nil {
				t.Fatal(err)
			}
			txIDs[i] = res.TransactionId
		}
		if txIDs[0] != txIDs[1] {
			t.Fatalf("StartTransaction resent: transaction ids %v, want the same", txIDs)
		}
		s := station{cp: cp, txID: txIDs[0]}
		for range 3 {
			if _, err := cp.MeterValues(ctx, s.meterValues(1)); err != nil {
				t.Fatal(err)
			}
		}
		stop := ocpp16.StopTransactionRequest{TransactionId: s.txID, MeterStop: 2000, Timestamp: ocpp16.NewDateTime(drillStart.Add(time.Hour)), Reason: ocpp16.ReasonLocal,
			TransactionData: []ocpp16.MeterValue{ocpptest.Reading{EnergyWh: 2000, Phases: 1, Context: ocpp16.ReadingContextTransactionEnd, Time: drillStart.Add(time.Hour)}.MeterValue()}}
		for range 2 {
			if _, err := cp.StopTransaction(ctx, stop); err != nil {
				t.Fatal(err)
			}
		}
		var sessions, rows int64
		e.csms.Store.DB().Model(&store.ChargingSession{}).Count(&sessions)
		e.csms.Store.DB().Model(&store.MeterValue{}).Count(&rows)
		if sessions != 1 || rows != 8 {
			t.Errorf("%d sessions, %d meter value rows; want 1 and 8 (4 of the MeterValues, 4 of the transactionData)", sessions, rows)
		}
		row, err := e.csms.Store.ChargePointByIdentifier(ctx, "CP-RESEND")
		if err != nil {
			t.Fatal(err)
		}
		sess, err := e.csms.Store.SessionByTransactionID(ctx, row.ID, s.txID)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Status != store.SessionCompleted || sess.EnergyConsumed != 1.9 {
			t.Errorf("session %s with %v kWh, want Completed with 1.9", sess.Status, sess.EnergyConsumed)
		}
	})
}
