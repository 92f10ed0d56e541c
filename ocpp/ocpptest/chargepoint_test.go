package ocpptest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
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
)

func TestTypedCalls(t *testing.T) {
	t.Parallel()
	sch := loadSchemas(t)
	r := newResponder(t, nil)
	cp, conn := r.dial(t, "CP-001", nil)
	ctx := t.Context()

	tests := []struct {
		name   string
		action string
		call   func() (any, error)
		check  func(t *testing.T, res any)
	}{
		{
			name:   "boot notification",
			action: ocpp16.ActionBootNotification,
			call: func() (any, error) {
				return cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "Wallbox"})
			},
			check: func(t *testing.T, res any) {
				boot := res.(ocpp16.BootNotificationResponse)
				if boot.Status != ocpp16.RegistrationStatusAccepted || boot.Interval != 300 || boot.CurrentTime.IsZero() {
					t.Errorf("got %+v, want Accepted, interval 300 and a current time", boot)
				}
			},
		},
		{
			name:   "heartbeat",
			action: ocpp16.ActionHeartbeat,
			call:   func() (any, error) { return cp.Heartbeat(ctx) },
			check: func(t *testing.T, res any) {
				if res.(ocpp16.HeartbeatResponse).CurrentTime.IsZero() {
					t.Error("no current time")
				}
			},
		},
		{
			name:   "status notification",
			action: ocpp16.ActionStatusNotification,
			call: func() (any, error) {
				return cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError)
			},
		},
		{
			name:   "authorize",
			action: ocpp16.ActionAuthorize,
			call:   func() (any, error) { return cp.Authorize(ctx, "RFID-1") },
			check: func(t *testing.T, res any) {
				if got := res.(ocpp16.AuthorizeResponse).IdTagInfo.Status; got != ocpp16.AuthorizationStatusAccepted {
					t.Errorf("status %q, want Accepted", got)
				}
			},
		},
		{
			name:   "start transaction",
			action: ocpp16.ActionStartTransaction,
			call: func() (any, error) {
				return cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "RFID-1", MeterStart: 1000})
			},
			check: func(t *testing.T, res any) {
				if got := res.(ocpp16.StartTransactionResponse).TransactionId; got != 42 {
					t.Errorf("transactionId %d, want 42", got)
				}
			},
		},
		{
			name:   "meter values",
			action: ocpp16.ActionMeterValues,
			call: func() (any, error) {
				tx := 42
				return cp.MeterValues(ctx, ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: &tx,
					MeterValue: []ocpp16.MeterValue{Reading{EnergyWh: 1500, PowerW: 11000, SoC: 40}.MeterValue()}})
			},
		},
		{
			name:   "stop transaction",
			action: ocpp16.ActionStopTransaction,
			call: func() (any, error) {
				return cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{TransactionId: 42, MeterStop: 2000, Reason: ocpp16.ReasonLocal})
			},
		},
		{
			name:   "data transfer",
			action: ocpp16.ActionDataTransfer,
			call: func() (any, error) {
				return cp.DataTransfer(ctx, ocpp16.DataTransferRequest{VendorId: "ocppkit", MessageId: "ping"})
			},
			check: func(t *testing.T, res any) {
				if dt := res.(ocpp16.DataTransferResponse); dt.Status != ocpp16.DataTransferStatusAccepted || dt.Data != "pong" {
					t.Errorf("got %+v, want Accepted pong", dt)
				}
			},
		},
		{
			name:   "diagnostics status notification",
			action: ocpp16.ActionDiagnosticsStatusNotification,
			call: func() (any, error) {
				return cp.DiagnosticsStatusNotification(ctx, ocpp16.DiagnosticsStatusIdle)
			},
		},
		{
			name:   "firmware status notification",
			action: ocpp16.ActionFirmwareStatusNotification,
			call: func() (any, error) {
				return cp.FirmwareStatusNotification(ctx, ocpp16.FirmwareStatusIdle)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.call()
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			f := conn.nextCall(t)
			if f.Action != tt.action {
				t.Fatalf("central system received %q, want %q", f.Action, tt.action)
			}
			sch.validate(t, tt.action, f.Payload)
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

func TestCallErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reply    string // CALLRESULT payload, or "" for the CALLERROR below
		code     ocpp.ErrorCode
		desc     string
		mode     ocpp16.Mode
		wantCode ocpp.ErrorCode // "" for success
	}{
		{name: "not implemented", code: ocpp.NotImplemented, desc: "no such action", wantCode: ocpp.NotImplemented},
		{name: "internal error", code: ocpp.InternalError, desc: "database down", wantCode: ocpp.InternalError},
		{name: "property constraint", code: ocpp.PropertyConstraintViolation, desc: "idTag too long", wantCode: ocpp.PropertyConstraintViolation},
		{name: "invalid result, strict", reply: `{"status":"Maybe","currentTime":"2030-01-01T00:00:00.000Z","interval":1}`, wantCode: ocpp.PropertyConstraintViolation},
		{name: "missing field, strict", reply: `{"currentTime":"2030-01-01T00:00:00.000Z","interval":1}`, wantCode: ocpp.OccurenceConstraintViolation},
		{name: "extra property, strict", reply: `{"status":"Accepted","currentTime":"2030-01-01T00:00:00.000Z","interval":1,"vendorExtra":1}`, wantCode: ocpp.FormationViolation},
		{name: "extra property, tolerant", reply: `{"status":"Accepted","currentTime":"2030-01-01T00:00:00.000Z","interval":1,"vendorExtra":1}`, mode: ocpp16.Tolerant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newResponder(t, func(r *responder) {
				r.reply = func(_ *responderConn, f ocpp.Frame) ocpp.Frame {
					if tt.reply != "" {
						return ocpp.NewCallResult(f.ID, json.RawMessage(tt.reply))
					}
					return ocpp.NewCallError(f.ID, ocpp.NewError(tt.code, "%s", tt.desc))
				}
			})
			cp, _ := r.dial(t, "CP-ERR", &Options{Mode: tt.mode})
			res, err := cp.BootNotification(t.Context(), ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "X"})
			if tt.wantCode == "" {
				if err != nil || res.Status != ocpp16.RegistrationStatusAccepted {
					t.Fatalf("got %+v, %v; want Accepted", res, err)
				}
				return
			}
			var oerr *ocpp.Error
			if !errors.As(err, &oerr) {
				t.Fatalf("error %v (%T), want an *ocpp.Error", err, err)
			}
			if oerr.Code != tt.wantCode {
				t.Errorf("code %s, want %s (%v)", oerr.Code, tt.wantCode, err)
			}
			if tt.desc != "" && oerr.Description != tt.desc {
				t.Errorf("description %q, want %q", oerr.Description, tt.desc)
			}
		})
	}
}

func TestCallsAreSerialised(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var once sync.Once
	held := make(chan struct{})
	r := newResponder(t, func(r *responder) {
		r.reply = func(c *responderConn, f ocpp.Frame) ocpp.Frame {
			first := false
			once.Do(func() { first = true })
			if first {
				close(held)
				<-release
			}
			return okReply(c, f)
		}
	})
	cp, conn := r.dial(t, "CP-SER", nil)
	ctx := t.Context()

	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := cp.Heartbeat(ctx)
			errs <- err
		}()
	}
	<-held
	// While the first CALL awaits its reply, the charge point still
	// answers ours.
	f, err := conn.call(ctx, ocpp16.ActionGetConfiguration, `{}`)
	if err != nil {
		t.Fatalf("GetConfiguration while a CALL is outstanding: %v", err)
	}
	if f.Type != ocpp.CallResult {
		t.Fatalf("GetConfiguration answered %+v, want a CALLRESULT", f)
	}
	close(release)
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Heartbeat: %v", err)
		}
	}
	conn.mu.Lock()
	maxOut := conn.maxOut
	conn.mu.Unlock()
	if maxOut != 1 {
		t.Errorf("central system saw %d CALLs outstanding at once, want 1", maxOut)
	}
	if got := conn.answered.Load(); got != n {
		t.Errorf("central system answered %d calls, want %d", got, n)
	}
}

// validRequests holds a valid request payload for every Central System
// action.
var validRequests = map[string]string{
	ocpp16.ActionCancelReservation:          `{"reservationId":1}`,
	ocpp16.ActionCertificateSigned:          `{"certificateChain":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}`,
	ocpp16.ActionChangeAvailability:         `{"connectorId":1,"type":"Inoperative"}`,
	ocpp16.ActionChangeConfiguration:        `{"key":"HeartbeatInterval","value":"60"}`,
	ocpp16.ActionClearCache:                 `{}`,
	ocpp16.ActionClearChargingProfile:       `{}`,
	ocpp16.ActionDataTransfer:               `{"vendorId":"ocppkit","messageId":"ping","data":"x"}`,
	ocpp16.ActionDeleteCertificate:          `{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"aa","issuerKeyHash":"bb","serialNumber":"01"}}`,
	ocpp16.ActionExtendedTriggerMessage:     `{"requestedMessage":"Heartbeat"}`,
	ocpp16.ActionGetCompositeSchedule:       `{"connectorId":1,"duration":3600}`,
	ocpp16.ActionGetConfiguration:           `{"key":["HeartbeatInterval"]}`,
	ocpp16.ActionGetDiagnostics:             `{"location":"ftp://example.com/diagnostics"}`,
	ocpp16.ActionGetInstalledCertificateIds: `{"certificateType":"CentralSystemRootCertificate"}`,
	ocpp16.ActionGetLocalListVersion:        `{}`,
	ocpp16.ActionGetLog:                     `{"logType":"DiagnosticsLog","requestId":1,"log":{"remoteLocation":"https://example.com/logs"}}`,
	ocpp16.ActionInstallCertificate:         `{"certificateType":"CentralSystemRootCertificate","certificate":"-----BEGIN CERTIFICATE-----"}`,
	ocpp16.ActionRemoteStartTransaction:     `{"connectorId":1,"idTag":"RFID-1"}`,
	ocpp16.ActionRemoteStopTransaction:      `{"transactionId":42}`,
	ocpp16.ActionReserveNow:                 `{"connectorId":1,"expiryDate":"2030-01-01T00:00:00.000Z","idTag":"RFID-1","reservationId":1}`,
	ocpp16.ActionReset:                      `{"type":"Soft"}`,
	ocpp16.ActionSendLocalList:              `{"listVersion":1,"updateType":"Full"}`,
	ocpp16.ActionSetChargingProfile:         `{"connectorId":1,"csChargingProfiles":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":11000.0}]}}}`,
	ocpp16.ActionSignedUpdateFirmware:       `{"requestId":1,"firmware":{"location":"https://example.com/fw.bin","retrieveDateTime":"2030-01-01T00:00:00.000Z","signingCertificate":"cert","signature":"sig"}}`,
	ocpp16.ActionTriggerMessage:             `{"requestedMessage":"StatusNotification","connectorId":1}`,
	ocpp16.ActionUnlockConnector:            `{"connectorId":1}`,
	ocpp16.ActionUpdateFirmware:             `{"location":"https://example.com/fw.bin","retrieveDate":"2030-01-01T00:00:00.000Z"}`,
}

func TestDefaultRepliesValidate(t *testing.T) {
	t.Parallel()
	sch := loadSchemas(t)
	r := newResponder(t, nil)
	cp, conn := r.dial(t, "CP-DEF", nil)

	for _, action := range ocpp16.CentralSystemActions {
		t.Run(action, func(t *testing.T) {
			payload, ok := validRequests[action]
			if !ok {
				t.Fatalf("no request payload for %s in this test", action)
			}
			sch.validate(t, action, []byte(payload))
			f, err := conn.call(t.Context(), action, payload)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != ocpp.CallResult {
				t.Fatalf("reply %+v, want a CALLRESULT", f)
			}
			sch.validate(t, action+"Response", f.Payload)

			rc := <-cp.Calls()
			if rc.Action != action || rc.ID != f.ID || rc.Reply.Type != ocpp.CallResult {
				t.Errorf("Calls() reported %s %s %v, want %s %s CALLRESULT", rc.Action, rc.ID, rc.Reply.Type, action, f.ID)
			}
		})
	}
}

func TestIncomingCalls(t *testing.T) {
	t.Parallel()
	sch := loadSchemas(t)
	r := newResponder(t, nil)
	cp, conn := r.dial(t, "CP-IN", &Options{Handlers: map[string]HandlerFunc{
		ocpp16.ActionReset: func(context.Context, json.RawMessage) (any, error) {
			return ocpp16.ResetResponse{Status: ocpp16.ResetStatusRejected}, nil
		},
	}})
	On(cp, func(_ context.Context, req ocpp16.UnlockConnectorRequest) (ocpp16.UnlockConnectorResponse, error) {
		if req.ConnectorId == 9 {
			return ocpp16.UnlockConnectorResponse{}, ocpp.NewError(ocpp.PropertyConstraintViolation, "no connector 9")
		}
		return ocpp16.UnlockConnectorResponse{Status: ocpp16.UnlockStatusUnlockFailed}, nil
	})
	cp.Handle(ocpp16.ActionClearCache, func(context.Context, json.RawMessage) (any, error) {
		return nil, errors.New("secret internal failure")
	})
	then := make(chan struct{})
	cp.Handle(ocpp16.ActionTriggerMessage, func(context.Context, json.RawMessage) (any, error) {
		return ReplyThen(ocpp16.TriggerMessageResponse{Status: ocpp16.TriggerMessageStatusAccepted}, func() { close(then) }), nil
	})

	tests := []struct {
		name     string
		action   string
		payload  string
		wantCode ocpp.ErrorCode // "" for a CALLRESULT
		want     string         // CALLRESULT payload
	}{
		{name: "handler", action: ocpp16.ActionReset, payload: `{"type":"Hard"}`, want: `{"status":"Rejected"}`},
		{name: "typed handler", action: ocpp16.ActionUnlockConnector, payload: `{"connectorId":1}`, want: `{"status":"UnlockFailed"}`},
		{name: "typed handler error", action: ocpp16.ActionUnlockConnector, payload: `{"connectorId":9}`, wantCode: ocpp.PropertyConstraintViolation},
		{name: "handler internal error", action: ocpp16.ActionClearCache, payload: `{}`, wantCode: ocpp.InternalError},
		{name: "reply then", action: ocpp16.ActionTriggerMessage, payload: `{"requestedMessage":"Heartbeat"}`, want: `{"status":"Accepted"}`},
		{name: "unknown action", action: "Teleport", payload: `{}`, wantCode: ocpp.NotImplemented},
		{name: "charge point action", action: ocpp16.ActionBootNotification, payload: `{"chargePointVendor":"x","chargePointModel":"y"}`, wantCode: ocpp.NotSupported},
		{name: "invalid enum", action: ocpp16.ActionReset, payload: `{"type":"Sometimes"}`, wantCode: ocpp.PropertyConstraintViolation},
		{name: "missing field", action: ocpp16.ActionRemoteStopTransaction, payload: `{}`, wantCode: ocpp.OccurenceConstraintViolation},
		{name: "wrong type", action: ocpp16.ActionRemoteStopTransaction, payload: `{"transactionId":"x"}`, wantCode: ocpp.TypeConstraintViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := conn.call(t.Context(), tt.action, tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantCode != "" {
				if f.Type != ocpp.CallError || f.ErrorCode != tt.wantCode {
					t.Fatalf("reply %+v, want CALLERROR %s", f, tt.wantCode)
				}
				if strings.Contains(f.ErrorDescription, "secret") {
					t.Errorf("internal error text on the wire: %q", f.ErrorDescription)
				}
			} else {
				if f.Type != ocpp.CallResult || string(f.Payload) != tt.want {
					t.Fatalf("reply %+v (%s), want CALLRESULT %s", f, f.Payload, tt.want)
				}
				sch.validate(t, tt.action+"Response", f.Payload)
			}
			if rc := <-cp.Calls(); rc.ID != f.ID {
				t.Errorf("Calls() reported %s, want %s", rc.ID, f.ID)
			}
		})
	}
	<-then // ReplyThen ran
}

func TestCallRaw(t *testing.T) {
	t.Parallel()
	r := newResponder(t, nil)
	cp, _ := r.dial(t, "CP-RAW", nil)

	tests := []struct {
		name     string
		frame    string
		wantType ocpp.MessageType
		wantCode ocpp.ErrorCode
	}{
		{name: "valid", frame: `[2,"raw-1","Heartbeat",{}]`, wantType: ocpp.CallResult},
		{name: "bad payload", frame: `[2,"raw-2","Authorize",{"idTag":"this idTag is far too long"}]`, wantType: ocpp.CallError, wantCode: ocpp.PropertyConstraintViolation},
		{name: "payload not an object", frame: `[2,"raw-3","Heartbeat",42]`, wantType: ocpp.CallError, wantCode: ocpp.FormationViolation},
		{name: "unknown action", frame: `[2,"raw-4","Teleport",{}]`, wantType: ocpp.CallError, wantCode: ocpp.NotImplemented},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := cp.CallRaw(t.Context(), []byte(tt.frame))
			if err != nil {
				t.Fatalf("CallRaw: %v", err)
			}
			want, _ := ocpp.DecodeFrame([]byte(tt.frame))
			if f.ID != want.ID || f.Type != tt.wantType || f.ErrorCode != tt.wantCode {
				t.Errorf("reply %+v, want type %d id %s code %q", f, tt.wantType, want.ID, tt.wantCode)
			}
		})
	}

	t.Run("no id", func(t *testing.T) {
		if _, err := cp.CallRaw(t.Context(), []byte(`[2]`)); err == nil {
			t.Error("CallRaw of a frame without id succeeded")
		}
	})
	t.Run("send raw", func(t *testing.T) {
		if err := cp.SendRaw(t.Context(), []byte(`[3,"nobody-waits",{}]`)); err != nil {
			t.Errorf("SendRaw: %v", err)
		}
		// The connection is still usable.
		if _, err := cp.Heartbeat(t.Context()); err != nil {
			t.Errorf("Heartbeat after SendRaw: %v", err)
		}
	})
}

func TestSession(t *testing.T) {
	t.Parallel()
	sch := loadSchemas(t)
	r := newResponder(t, nil)
	cp, conn := r.dial(t, "CP-SES", nil)
	ctx := t.Context()

	s, err := cp.StartSession(ctx, 2, "RFID-9", 10_000)
	if err != nil {
		t.Fatal(err)
	}
	if s.TransactionID != 42 || s.IDTagInfo.Status != ocpp16.AuthorizationStatusAccepted {
		t.Fatalf("session %+v, want transaction 42 accepted", s)
	}
	sch.validate(t, ocpp16.ActionStartTransaction, conn.nextCall(t).Payload)

	for i, e := range []float64{10_020, 10_060, 10_110} {
		if err := s.Meter(ctx, Reading{EnergyWh: e, PowerW: 11_000, Voltages: []float64{229.5, 231, 230.2}, SoC: 20 + float64(i)}); err != nil {
			t.Fatalf("Meter: %v", err)
		}
		f := conn.nextCall(t)
		sch.validate(t, ocpp16.ActionMeterValues, f.Payload)
		var mv ocpp16.MeterValuesRequest
		if err := json.Unmarshal(f.Payload, &mv); err != nil {
			t.Fatal(err)
		}
		if mv.TransactionId == nil || *mv.TransactionId != 42 || mv.ConnectorId != 2 {
			t.Errorf("meter values for connector %d transaction %v, want 2 and 42", mv.ConnectorId, mv.TransactionId)
		}
		got := map[string]string{}
		for _, sv := range mv.MeterValue[0].SampledValue {
			got[string(sv.Measurand)+"/"+string(sv.Phase)] = sv.Value
		}
		want := map[string]string{
			"Energy.Active.Import.Register/": strconv.FormatFloat(e, 'f', 0, 64),
			"Power.Active.Import/":           "11000.0",
			"Current.Import/L1":              "16.0",
			"Voltage/L2-N":                   "231.0",
			"SoC/":                           strconv.Itoa(20+i) + ".0",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	}
	if err := s.Meter(ctx, Reading{EnergyWh: 9_000}); err == nil {
		t.Error("Meter accepted a decreasing energy register")
	}

	if _, err := s.Stop(ctx, ocpp16.ReasonRemote); err != nil {
		t.Fatal(err)
	}
	f := conn.nextCall(t)
	sch.validate(t, ocpp16.ActionStopTransaction, f.Payload)
	var stop ocpp16.StopTransactionRequest
	if err := json.Unmarshal(f.Payload, &stop); err != nil {
		t.Fatal(err)
	}
	if stop.MeterStop != 10_110 || stop.TransactionId != 42 || stop.Reason != ocpp16.ReasonRemote || stop.IdTag != "RFID-9" {
		t.Errorf("stop %+v, want meterStop 10110, transaction 42, reason Remote, idTag RFID-9", stop)
	}
	if !s.Stopped() {
		t.Error("Stopped() = false after Stop")
	}
}

func TestHandshake(t *testing.T) {
	t.Parallel()
	t.Run("basic auth and identity", func(t *testing.T) {
		t.Parallel()
		r := newResponder(t, nil)
		cp, conn := r.dial(t, "CP 7/ü", &Options{Password: "s3cret"})
		if conn.identity != "CP 7/ü" {
			t.Errorf("identity %q, want %q", conn.identity, "CP 7/ü")
		}
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte("CP 7/ü:s3cret"))
		if got := conn.request.Header.Get("Authorization"); got != want {
			t.Errorf("Authorization %q, want %q", got, want)
		}
		if cp.Subprotocol() != "ocpp1.6" || cp.Identity() != "CP 7/ü" {
			t.Errorf("subprotocol %q identity %q", cp.Subprotocol(), cp.Identity())
		}
	})
	t.Run("no subprotocol selected", func(t *testing.T) {
		t.Parallel()
		r := newResponder(t, func(r *responder) { r.noSubprotocol = true })
		if _, err := Dial(t.Context(), r.URL(), "CP-1", nil); err == nil {
			t.Error("Dial succeeded although the server selected no subprotocol")
		}
	})
}

func TestClosedByCentralSystem(t *testing.T) {
	t.Parallel()
	held := make(chan struct{})
	r := newResponder(t, func(r *responder) {
		r.reply = func(c *responderConn, f ocpp.Frame) ocpp.Frame {
			close(held)
			c.ws.Close(websocket.StatusPolicyViolation, "go away")
			return okReply(c, f)
		}
	})
	cp, _ := r.dial(t, "CP-BYE", nil)
	_, err := cp.Heartbeat(t.Context())
	<-held
	if !errors.Is(err, ErrClosed) {
		t.Errorf("Heartbeat on a closed connection: %v, want ErrClosed", err)
	}
	<-cp.Done()
	if got := websocket.CloseStatus(cp.Err()); got != websocket.StatusPolicyViolation {
		t.Errorf("close status %v (%v), want PolicyViolation", got, cp.Err())
	}
	if _, err := cp.Heartbeat(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("call after close: %v, want ErrClosed", err)
	}
	if err := cp.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, ok := <-cp.Calls(); ok {
		t.Error("Calls() not closed after the connection ended")
	}
}

// TestCanceledCallKeepsTheConnection: a caller that gives up while its CALL
// is still being written does not take the connection along (websocket
// closes a connection when a write's context ends mid-frame): the next
// call on it goes through. A simulator stopping while a MeterValues went
// out used to lose the connection its final TransactionEvent needed.
func TestCanceledCallKeepsTheConnection(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"ocpp1.6"}})
		if err != nil {
			return
		}
		ws.SetReadLimit(-1)
		<-release // not reading yet: the big frame's write blocks
		for {
			_, data, err := ws.Read(r.Context())
			if err != nil {
				return
			}
			f, err := ocpp.DecodeFrame(data)
			if err != nil || f.Type != ocpp.Call || len(data) > 1<<20 {
				continue // the abandoned call gets no answer
			}
			out, _ := ocpp.NewCallResult(f.ID, json.RawMessage(`{"status":"Accepted"}`)).MarshalJSON()
			if err := ws.Write(r.Context(), websocket.MessageText, out); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	cp, err := Dial(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/ocpp", "CP-CANCEL", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Close() })

	// The big frame's write fills the socket's buffers and blocks; the
	// caller gives up while it is under way, then the server reads again.
	ctx, cancel := context.WithCancel(t.Context())
	abandoned := make(chan error, 1)
	go func() {
		big := map[string]string{"vendorId": "ocppkit", "data": strings.Repeat("x", 16<<20)}
		_, err := cp.CallJSON(ctx, ocpp16.ActionDataTransfer, big)
		abandoned <- err
	}()
	time.Sleep(2 * time.Second)
	cancel()
	time.Sleep(100 * time.Millisecond)
	close(release)
	if err := <-abandoned; err == nil {
		t.Fatal("the abandoned call returned no error")
	}
	res, err := cp.CallJSON(t.Context(), ocpp16.ActionDataTransfer, map[string]string{"vendorId": "ocppkit"})
	if err != nil {
		t.Fatalf("the next call on the connection: %v", err)
	}
	if string(res) != `{"status":"Accepted"}` {
		t.Errorf("reply %s", res)
	}
}
