package ocppkit_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// hostCPs is the number of charge points that boot and charge at once in
// TestHostOpenedDatabase.
const hostCPs = 50

// TestHostOpenedDatabase runs 50 charge points that connect, boot, report
// status and run a whole transaction at the same moment, on a database the
// host opened as hosts do: gorm.Open with the driver's defaults, no pragmas,
// no pool sizing. No message may fail (an SQLite handle without
// immediate transactions used to answer most of them InternalError,
// "database is locked"). The host's own writes (through store.Write) run
// among them.
func TestHostOpenedDatabase(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) *gorm.DB
	}{
		{"sqlite default DSN", func(t *testing.T) *gorm.DB {
			return hostSQLite(t, filepath.Join(t.TempDir(), "app.db"))
		}},
		{"sqlite WAL", func(t *testing.T) *gorm.DB {
			return hostSQLite(t, filepath.Join(t.TempDir(), "app.db")+"?_journal_mode=WAL")
		}},
		{"postgres pool", func(t *testing.T) *gorm.DB {
			db, err := gorm.Open(postgres.Open(testdb.PostgresSchemaURL(t)), &gorm.Config{})
			if err != nil {
				t.Fatal(err)
			}
			closeOnCleanup(t, db)
			return db
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.open(t)
			if err := db.AutoMigrate(&hostNote{}); err != nil { // the host's own table
				t.Fatal(err)
			}
			e := newEnv(t, db, ocppkit.Config{AutoRegister: true, AcceptUnknownIDTags: true})
			// The host's override writes a row of its own per status,
			// through store.Write, in turn with the library's writers.
			handlers.On(e.csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
				err := store.Write(ctx, db, func(tx *gorm.DB) error {
					return tx.Create(&hostNote{Text: c.Identity + " " + string(req.Status)}).Error
				})
				if err != nil {
					return ocpp16.StatusNotificationResponse{}, err
				}
				return e.csms.Defaults.StatusNotification(ctx, c, req)
			})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cps := make([]chan error, hostCPs)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range cps {
				cps[i] = make(chan error, 1)
				wg.Go(func() {
					<-start
					cps[i] <- hostCharge(ctx, e.url, fmt.Sprintf("HOST-%02d", i))
				})
			}
			close(start)
			wg.Wait()
			for i, ch := range cps {
				if err := <-ch; err != nil {
					var oerr *ocpp.Error
					if errors.As(err, &oerr) {
						t.Errorf("HOST-%02d: CALLERROR %s %q", i, oerr.Code, oerr.Description)
					} else {
						t.Errorf("HOST-%02d: %v", i, err)
					}
				}
			}
			var n int64
			if err := db.Model(&store.ChargingSession{}).Scopes(store.Completed).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n != hostCPs {
				t.Errorf("completed sessions = %d, want %d", n, hostCPs)
			}
			if err := db.Model(&hostNote{}).Count(&n).Error; err != nil || n != 4*hostCPs {
				t.Errorf("the host's notes = %d, %v; want %d", n, err, 4*hostCPs)
			}
		})
	}
}

// hostNote is a table of the host's own.
type hostNote struct {
	ID   uint
	Text string
}

// hostSQLite opens an SQLite file the way a host's own code does.
func hostSQLite(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	closeOnCleanup(t, db)
	return db
}

func closeOnCleanup(t *testing.T, db *gorm.DB) {
	t.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
}

// hostCharge is one charge point's whole day: connect, boot, status,
// authorize, start, meter values, stop, status.
func hostCharge(ctx context.Context, url, identity string) error {
	cp, err := ocpptest.Dial(ctx, url, identity, nil)
	if err != nil {
		return err
	}
	defer cp.Close()
	if _, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "Host"}); err != nil {
		return fmt.Errorf("boot: %w", err)
	}
	for _, st := range []ocpp16.ChargePointStatus{ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointStatusPreparing} {
		if _, err := cp.StatusNotification(ctx, 1, st, ocpp16.ChargePointErrorCodeNoError); err != nil {
			return fmt.Errorf("status %s: %w", st, err)
		}
	}
	if _, err := cp.Authorize(ctx, "TAG-"+identity); err != nil {
		return fmt.Errorf("authorize: %w", err)
	}
	s, err := cp.StartSession(ctx, 1, "TAG-"+identity, 1000)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError); err != nil {
		return fmt.Errorf("status Charging: %w", err)
	}
	for i := range 3 {
		if err := s.Meter(ctx, ocpptest.Reading{EnergyWh: float64(1000 + 500*(i+1)), PowerW: 7000, SoC: 40}); err != nil {
			return fmt.Errorf("meter values: %w", err)
		}
	}
	if _, err := s.Stop(ctx, ocpp16.ReasonLocal); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
		return fmt.Errorf("status Available: %w", err)
	}
	return nil
}

// TestNewChecksInMemorySQLite: an in-memory SQLite database in a pool of
// several connections is several databases; New refuses it and says what to
// change, and accepts it once the pool holds one connection.
func TestNewChecksInMemorySQLite(t *testing.T) {
	db := hostSQLite(t, ":memory:")
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	_, err := ocppkit.New(ocppkit.Config{DB: db})
	if err == nil || !strings.Contains(err.Error(), "SetMaxOpenConns(1)") {
		t.Fatalf("New on an in-memory pool = %v, want an error naming SetMaxOpenConns(1)", err)
	}
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(1)
	e := newEnv(t, db, ocppkit.Config{AutoRegister: true, AcceptUnknownIDTags: true})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hostCharge(ctx, e.url, "MEM-1"); err != nil {
		t.Fatal(err)
	}
}

// gormRecorder is a host's gorm logger that records what it is asked to
// log: messages, and statements that failed.
type gormRecorder struct {
	mu     sync.Mutex
	logged []string
	traces int
}

func (r *gormRecorder) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *gormRecorder) Info(_ context.Context, msg string, args ...any) {
	r.record("info: " + fmt.Sprintf(msg, args...))
}
func (r *gormRecorder) Warn(_ context.Context, msg string, args ...any) {
	r.record("warn: " + fmt.Sprintf(msg, args...))
}
func (r *gormRecorder) Error(_ context.Context, msg string, args ...any) {
	r.record("error: " + fmt.Sprintf(msg, args...))
}
func (r *gormRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), err error) {
	r.mu.Lock()
	r.traces++
	r.mu.Unlock()
	if err != nil {
		sql, _ := fc()
		r.record(err.Error() + ": " + sql)
	}
}

func (r *gormRecorder) record(s string) {
	r.mu.Lock()
	r.logged = append(r.logged, s)
	r.mu.Unlock()
}

// TestExpectedMissesStayOutOfTheHostsGormLog: lookups that miss in normal
// operation (an unknown charge point registering itself, an unknown id
// tag, the first StartTransaction of a session, a StopTransaction for a
// transaction the CSMS never issued) are not errors for the host's gorm
// logger, which used to print "record not found" with the SQL for each.
func TestExpectedMissesStayOutOfTheHostsGormLog(t *testing.T) {
	rec := &gormRecorder{}
	db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "app.db")), &gorm.Config{Logger: rec})
	if err != nil {
		t.Fatal(err)
	}
	closeOnCleanup(t, db)
	e := newEnv(t, db, ocppkit.Config{AutoRegister: true})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hostCharge(ctx, e.url, "MISS-1"); err != nil { // unknown identity, unknown id tag
		t.Fatal(err)
	}
	cp := e.dial(t, "MISS-1", "")
	if _, err := cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{TransactionId: 987654, MeterStop: 10, Timestamp: ocpp16.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.csms.Remote.ClearCache(ctx, "NOBODY", ocpp16.ClearCacheRequest{}); err == nil {
		t.Fatal("a command to an unknown charge point succeeded")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.traces == 0 {
		t.Fatal("the host's gorm logger saw no statement at all")
	}
	for _, l := range rec.logged {
		t.Errorf("the host's gorm logger was asked to log: %s", l)
	}
}
