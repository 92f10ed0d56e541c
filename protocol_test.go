package ocppkit_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

func TestRetriedStartTransactionGetsSameID(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{AcceptUnknownIDTags: true})
	e.register(t, "CP-R", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-R", "pw-0123456789abcdef")
	ctx := context.Background()
	req := ocpp16.StartTransactionRequest{ConnectorId: 2, IdTag: "TAG", MeterStart: 500, Timestamp: ocpp16.NewDateTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}
	first, err := cp.StartTransaction(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := cp.StartTransaction(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.TransactionId != again.TransactionId {
		t.Fatalf("retry got transactionId %d, first %d", again.TransactionId, first.TransactionId)
	}
	// A retried stop closes nothing twice, and an unknown transaction is
	// acknowledged (and recorded) rather than refused.
	stop := ocpp16.StopTransactionRequest{TransactionId: first.TransactionId, MeterStop: 900, Timestamp: ocpp16.Now()}
	for range 2 {
		if _, err := cp.StopTransaction(ctx, stop); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{TransactionId: 987654, MeterStop: 1, Timestamp: ocpp16.Now()}); err != nil {
		t.Fatalf("stop of an unknown transaction: %v", err)
	}
	var sessions []store.ChargingSession
	if err := e.csms.Store.DB().Order("id").Find(&sessions).Error; err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 2 || sessions[0].Status != "Completed" || sessions[1].Unmatched != true {
		t.Fatalf("sessions = %+v", sessions)
	}
}

// TestDatabaseFailureIsInternalErrorAndLosesNothing breaks the database
// under a running CSMS (the meter values and sessions tables disappear),
// checks the charge point gets InternalError, then repairs it and checks
// the retries are stored exactly once.
func TestDatabaseFailureIsInternalErrorAndLosesNothing(t *testing.T) {
	db := testdb.SQLite(t)
	e := newEnv(t, db, ocppkit.Config{AcceptUnknownIDTags: true})
	e.register(t, "CP-F", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-F", "pw-0123456789abcdef")
	ctx := context.Background()
	start := ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "TAG", MeterStart: 0, Timestamp: ocpp16.Now()}

	exec := func(sql string) {
		t.Helper()
		if err := db.Exec(sql).Error; err != nil {
			t.Fatal(err)
		}
	}
	exec("ALTER TABLE ocpp_charging_sessions RENAME TO broken_sessions")
	_, err := cp.StartTransaction(ctx, start)
	if code := ocpp.CodeOf(err); code != ocpp.InternalError {
		t.Fatalf("StartTransaction with a broken database: err = %v, want InternalError", err)
	}
	var oe *ocpp.Error
	if errors.As(err, &oe) && strings.Contains(oe.Description, "broken") {
		t.Errorf("internal error text reached the wire: %q", oe.Description)
	}
	exec("ALTER TABLE broken_sessions RENAME TO ocpp_charging_sessions")
	res, err := cp.StartTransaction(ctx, start)
	if err != nil {
		t.Fatalf("retry after repair: %v", err)
	}

	tx := res.TransactionId
	mv := ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: &tx, MeterValue: []ocpp16.MeterValue{{
		Timestamp:    ocpp16.Now(),
		SampledValue: []ocpp16.SampledValue{{Value: "100"}, {Value: "7000", Measurand: ocpp16.MeasurandPowerActiveImport, Unit: ocpp16.UnitOfMeasureW}},
	}}}
	exec("ALTER TABLE ocpp_meter_values RENAME TO broken_meter_values")
	if _, err := cp.MeterValues(ctx, mv); ocpp.CodeOf(err) != ocpp.InternalError {
		t.Fatalf("MeterValues with a broken database: err = %v, want InternalError", err)
	}
	exec("ALTER TABLE broken_meter_values RENAME TO ocpp_meter_values")
	if _, err := cp.MeterValues(ctx, mv); err != nil {
		t.Fatalf("retry after repair: %v", err)
	}
	var n int64
	if err := db.Model(&store.MeterValue{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("meter value rows = %d, want exactly 2", n)
	}
	var sessions int64
	db.Model(&store.ChargingSession{}).Count(&sessions)
	if sessions != 1 {
		t.Errorf("sessions = %d, want 1", sessions)
	}
}

// TestOverrideWrapsDefault replaces StatusNotification with a handler that
// does its own work and then delegates to the default, which still persists.
func TestOverrideWrapsDefault(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CP-O", "pw-0123456789abcdef")
	var mu sync.Mutex
	var seen []string
	def := e.csms.Handlers.Default(ocpp16.ActionStatusNotification)
	if def == nil {
		t.Fatal("no default StatusNotification handler")
	}
	handlers.On(e.csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		mu.Lock()
		seen = append(seen, c.Identity+":"+string(req.Status))
		mu.Unlock()
		if req.Status == ocpp16.ChargePointStatusFaulted && req.ErrorCode == ocpp16.ChargePointErrorCodeOtherError {
			return ocpp16.StatusNotificationResponse{}, ocpp.NewError(ocpp.GenericError, "refused by host")
		}
		return handlers.Invoke[ocpp16.StatusNotificationResponse](ctx, def, c, req)
	})
	cp := e.dial(t, "CP-O", "pw-0123456789abcdef")
	ctx := context.Background()
	if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError); err != nil {
		t.Fatal(err)
	}
	if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusFaulted, ocpp16.ChargePointErrorCodeOtherError); ocpp.CodeOf(err) != ocpp.GenericError {
		t.Fatalf("override's own error: %v", err)
	}
	mu.Lock()
	if strings.Join(seen, ",") != "CP-O:Charging,CP-O:Faulted" {
		t.Errorf("override saw %v", seen)
	}
	mu.Unlock()
	got, err := e.csms.Store.ChargePointByID(ctx, row.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s, _, _ := got.ConnectorStatus(1); s != "Charging" || got.Status != "Charging" {
		t.Errorf("default did not persist through the override: connector 1 %q, charge point %q", s, got.Status)
	}
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-A", "right-password-0123")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct {
		name, identity, password string
		status                   int
	}{
		{"unknown identity: as a wrong password", "CP-NOBODY", "x", http.StatusUnauthorized},
		{"wrong password", "CP-A", "wrong", http.StatusUnauthorized},
		{"no password", "CP-A", "", http.StatusUnauthorized},
		{"right password", "CP-A", "right-password-0123", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cp, err := ocpptest.Dial(ctx, e.url, tt.identity, &ocpptest.Options{Password: tt.password})
			if tt.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				cp.Close()
				return
			}
			if err == nil {
				cp.Close()
				t.Fatal("connected, want refusal")
			}
			if !strings.Contains(err.Error(), http.StatusText(tt.status)) && !strings.Contains(err.Error(), strconv.Itoa(tt.status)) {
				t.Errorf("err = %v, want HTTP %d", err, tt.status)
			}
		})
	}

	t.Run("auto-register", func(t *testing.T) {
		dev := newEnv(t, testdb.SQLite(t), ocppkit.Config{AutoRegister: true})
		cp := dev.dial(t, "CP-NEW", "")
		if _, err := cp.Heartbeat(ctx); err != nil {
			t.Fatal(err)
		}
		row, err := dev.csms.Store.ChargePointByIdentifier(ctx, "CP-NEW")
		if err != nil || !row.IsConnected() {
			t.Fatalf("auto-registered charge point = %+v, %v", row, err)
		}
	})
}
