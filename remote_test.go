package ocppkit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// TestRemoteStartStop round-trips RemoteStartTransaction and
// RemoteStopTransaction through a real socket: the charge point receives
// the request (validated against the official schema) and the caller gets
// its typed answer.
func TestRemoteStartStop(t *testing.T) {
	schemas := schematest.Load(t)
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{AcceptUnknownIDTags: true})
	e.register(t, "CP-RC", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-RC", "pw-0123456789abcdef")
	ctx := context.Background()

	res, err := e.csms.Remote.RemoteStartTransaction(ctx, "CP-RC", 2, "RFID-9")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != ocpp16.RemoteStartStopStatusAccepted {
		t.Fatalf("start status = %s", res.Status)
	}
	got := <-cp.Calls()
	schemas.MustValidate(t, got.Action, false, got.Payload)
	var req ocpp16.RemoteStartTransactionRequest
	if err := json.Unmarshal(got.Payload, &req); err != nil || got.Action != "RemoteStartTransaction" || req.IdTag != "RFID-9" || req.ConnectorId == nil || *req.ConnectorId != 2 {
		t.Fatalf("charge point received %s %s (%v)", got.Action, got.Payload, err)
	}

	start, err := cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 2, IdTag: "RFID-9", MeterStart: 0, Timestamp: ocpp16.Now()})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := e.csms.Store.ChargePointByIdentifier(ctx, "CP-RC")
	sess, err := e.csms.Store.SessionByTransactionID(ctx, row.ID, start.TransactionId)
	if err != nil {
		t.Fatal(err)
	}
	cp.Handle("RemoteStopTransaction", func(ctx context.Context, payload json.RawMessage) (any, error) {
		return ocpp16.RemoteStopTransactionResponse{Status: ocpp16.RemoteStartStopStatusRejected}, nil
	})
	stop, err := e.csms.Remote.RemoteStopTransaction(ctx, "CP-RC", sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stop.Status != ocpp16.RemoteStartStopStatusRejected {
		t.Fatalf("stop status = %s, want the charge point's Rejected", stop.Status)
	}
	got = <-cp.Calls()
	schemas.MustValidate(t, got.Action, false, got.Payload)
	var sreq ocpp16.RemoteStopTransactionRequest
	if err := json.Unmarshal(got.Payload, &sreq); err != nil || sreq.TransactionId != start.TransactionId {
		t.Fatalf("charge point received %s %s", got.Action, got.Payload)
	}

	// Errors say what happened: an unknown charge point is unknown to the
	// awaited commands as to Enqueue; a known one that is away is not
	// connected.
	if _, err := e.csms.Remote.RemoteStartTransaction(ctx, "CP-ABSENT", 1, "X"); !errors.Is(err, remote.ErrUnknownChargePoint) || errors.Is(err, remote.ErrNotConnected) {
		t.Errorf("unknown charge point: %v, want ErrUnknownChargePoint", err)
	}
	if _, err := e.csms.Remote.Enqueue(ctx, "CP-ABSENT", ocpp16.ClearCacheRequest{}, nil); !errors.Is(err, remote.ErrUnknownChargePoint) {
		t.Errorf("Enqueue to an unknown charge point: %v, want ErrUnknownChargePoint", err)
	}
	e.register(t, "CP-AWAY", "pw-away-0123456789")
	if _, err := e.csms.Remote.RemoteStartTransaction(ctx, "CP-AWAY", 1, "X"); !errors.Is(err, remote.ErrNotConnected) || errors.Is(err, remote.ErrUnknownChargePoint) {
		t.Errorf("known charge point that is away: %v, want ErrNotConnected", err)
	}
	if _, err := e.csms.Remote.RemoteStopTransaction(ctx, "CP-RC", sess.ID+1000); !errors.Is(err, remote.ErrNoActiveSession) {
		t.Errorf("unknown session: %v", err)
	}
	cp.Handle("Reset", func(ctx context.Context, payload json.RawMessage) (any, error) {
		return nil, ocpp.NewError(ocpp.NotSupported, "no resets here")
	})
	_, err = remote.Call[ocpp16.ResetResponse](ctx, e.csms.Remote, "CP-RC", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft})
	var oe *ocpp.Error
	if !errors.As(err, &oe) || oe.Code != ocpp.NotSupported {
		t.Errorf("CALLERROR: %v", err)
	}
	block := make(chan struct{})
	defer close(block)
	cp.Handle("ClearCache", func(ctx context.Context, payload json.RawMessage) (any, error) {
		select {
		case <-block:
		case <-ctx.Done():
		}
		return ocpp16.ClearCacheResponse{Status: ocpp16.ClearCacheStatusAccepted}, nil
	})
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := remote.Call[ocpp16.ClearCacheResponse](short, e.csms.Remote, "CP-RC", ocpp16.ClearCacheRequest{}); !errors.Is(err, remote.ErrTimeout) {
		t.Errorf("no answer: %v, want ErrTimeout", err)
	}
}

// TestCommandsAPI exercises the JSON API over HTTP.
func TestCommandsAPI(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{CommandTimeout: 2 * time.Second})
	e.register(t, "CP-API", "pw-0123456789abcdef")
	e.register(t, "CP-OFF", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-API", "pw-0123456789abcdef")
	cp.Handle("UnlockConnector", func(ctx context.Context, payload json.RawMessage) (any, error) {
		return nil, ocpp.NewError(ocpp.InternalError, "motor stuck")
	})
	cp.Handle("GetDiagnostics", func(ctx context.Context, payload json.RawMessage) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	tests := []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"success", "/charge_points/CP-API/commands/RemoteStartTransaction", `{"idTag":"T1","connectorId":1}`, 200, `"status":"Accepted"`},
		{"empty body", "/charge_points/CP-API/commands/ClearCache", ``, 200, `"status":"Accepted"`},
		{"unknown charge point", "/charge_points/CP-NONE/commands/ClearCache", `{}`, 404, `unknown charge point`},
		{"unknown action", "/charge_points/CP-API/commands/Teleport", `{}`, 404, `unknown command`},
		{"invalid payload", "/charge_points/CP-API/commands/RemoteStartTransaction", `{"connectorId":1}`, 400, `"code":"OccurenceConstraintViolation"`},
		{"not connected", "/charge_points/CP-OFF/commands/ClearCache", `{}`, 409, `not connected`},
		{"call error", "/charge_points/CP-API/commands/UnlockConnector", `{"connectorId":1}`, 502, `"code":"InternalError"`},
		{"timeout", "/charge_points/CP-API/commands/GetDiagnostics", `{"location":"ftp://example.invalid/"}`, 504, `did not answer`},
		{"async", "/charge_points/CP-OFF/commands/ClearCache?async=1", `{}`, 202, `"pending"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(e.api+tt.path, "application/json", bytes.NewBufferString(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !bytes.Contains(body, []byte(tt.want)) {
				t.Errorf("POST %s = %d %s, want %d containing %s", tt.path, resp.StatusCode, body, tt.status, tt.want)
			}
		})
	}
	resp, err := http.Get(e.api + "/charge_points/CP-API/commands/ClearCache")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET = %d, want 405", resp.StatusCode)
	}
}

// TestEnqueuedCommandIsDeliveredOnConnect persists a command for an offline
// charge point; it is sent when the charge point connects, and its outcome
// is stored and published.
func TestEnqueuedCommandIsDeliveredOnConnect(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CP-Q", "pw-0123456789abcdef")
	ctx := context.Background()
	events := e.subscribe(t, broadcast.CommandsTopic(row.ID))
	cmd, err := e.csms.Remote.Enqueue(ctx, "CP-Q", ocpp16.ChangeAvailabilityRequest{ConnectorId: 0, Type: ocpp16.AvailabilityTypeInoperative}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Status != remote.StatusPending {
		t.Fatalf("status = %s", cmd.Status)
	}
	var ev broadcast.CommandEvent
	json.Unmarshal(next(t, events).Data, &ev)
	if ev.Status != remote.StatusPending || ev.Action != "ChangeAvailability" {
		t.Fatalf("event = %+v", ev)
	}

	cp, err := ocpptest.Dial(ctx, e.url, "CP-Q", &ocpptest.Options{Password: "pw-0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	got := <-cp.Calls()
	if got.Action != "ChangeAvailability" {
		t.Fatalf("delivered %s", got.Action)
	}
	for ev.Status != remote.StatusCompleted {
		if err := json.Unmarshal(next(t, events).Data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Status == remote.StatusFailed {
			t.Fatalf("failed: %+v", ev)
		}
	}
	var stored store.Command
	if err := e.csms.Store.DB().First(&stored, cmd.ID).Error; err != nil {
		t.Fatal(err)
	}
	if stored.Status != remote.StatusCompleted || stored.Response == "" || stored.CompletedAt == nil {
		t.Errorf("stored command = %+v", stored)
	}
}
