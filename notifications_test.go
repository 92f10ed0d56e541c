package ocppkit_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// TestStatusAndSecurityNotifications sends the charge point's status
// notifications of firmware, diagnostics and logs and a security event
// through a real socket: each is answered (validated against the official
// schema), kept in the history and published.
func TestStatusAndSecurityNotifications(t *testing.T) {
	schemas := schematest.Load(t)
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CP-N", "pw-0123456789abcdef")
	reports := e.subscribe(t, broadcast.ReportsTopic(row.ID))
	security := e.subscribe(t, broadcast.SecurityEventsTopic(row.ID))
	cp := e.dial(t, "CP-N", "pw-0123456789abcdef")
	ctx := context.Background()

	type report struct {
		req    ocpp16.Request
		kind   string
		status string
		reqID  *int
	}
	tests := []report{
		{ocpp16.FirmwareStatusNotificationRequest{Status: ocpp16.FirmwareStatusDownloading}, store.ReportFirmware, "Downloading", nil},
		{ocpp16.FirmwareStatusNotificationRequest{Status: ocpp16.FirmwareStatusInstalled}, store.ReportFirmware, "Installed", nil},
		{ocpp16.DiagnosticsStatusNotificationRequest{Status: ocpp16.DiagnosticsStatusUploaded}, store.ReportDiagnostics, "Uploaded", nil},
		{ocpp16.SignedFirmwareStatusNotificationRequest{Status: ocpp16.SignedFirmwareStatusInvalidSignature, RequestId: ptr(5)}, store.ReportSignedFirmware, "InvalidSignature", ptr(5)},
		{ocpp16.LogStatusNotificationRequest{Status: ocpp16.UploadLogStatusUploaded, RequestId: ptr(4)}, store.ReportLog, "Uploaded", ptr(4)},
	}
	for _, tt := range tests {
		t.Run(tt.req.Action()+" "+tt.status, func(t *testing.T) {
			res, err := cp.CallJSON(ctx, tt.req.Action(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			schemas.MustValidate(t, tt.req.Action(), false, tt.req)
			schemas.MustValidate(t, tt.req.Action(), true, res)
			var ev broadcast.ReportEvent
			json.Unmarshal(next(t, reports).Data, &ev)
			if ev.Kind != tt.kind || ev.Status != tt.status || (tt.reqID != nil) != (ev.RequestID != nil) {
				t.Errorf("event = %+v", ev)
			}
			latest, err := e.csms.Store.LatestStatusReport(ctx, row.ID, tt.kind)
			if err != nil || latest.Status != tt.status {
				t.Errorf("latest %s = %+v, %v", tt.kind, latest, err)
			}
		})
	}
	fw, err := e.csms.Store.StatusReports(ctx, row.ID, store.ReportFirmware, 0)
	if err != nil || len(fw) != 2 {
		t.Fatalf("firmware history = %+v, %v", fw, err)
	}
	cpRow, _ := e.csms.Store.ChargePointByID(ctx, row.ID)
	if cpRow.Metadata["firmware_status"] != "Installed" || cpRow.Metadata["diagnostics_status"] != "Uploaded" {
		t.Errorf("latest statuses in metadata = %v", cpRow.Metadata)
	}

	ts := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	req := ocpp16.SecurityEventNotificationRequest{Type: "InvalidCentralSystemCertificate", Timestamp: ocpp16.NewDateTime(ts), TechInfo: "issuer mismatch"}
	res, err := ocpptest.Call[ocpp16.SecurityEventNotificationResponse](ctx, cp, req)
	if err != nil {
		t.Fatal(err)
	}
	schemas.MustValidate(t, "SecurityEventNotification", true, res)
	var sev broadcast.SecurityEvent
	json.Unmarshal(next(t, security).Data, &sev)
	if sev.Type != req.Type || sev.TechInfo != req.TechInfo || !sev.Timestamp.Equal(ts) {
		t.Errorf("security event = %+v", sev)
	}
	events, err := e.csms.Store.SecurityEvents(ctx, row.ID, 0)
	if err != nil || len(events) != 1 || events[0].Type != req.Type || !events[0].Timestamp.Equal(ts) {
		t.Errorf("stored security events = %+v, %v", events, err)
	}
}

// TestDataTransferToVendorHandlers routes charge points' DataTransfer by
// vendorId to the host's handlers; unknown vendors get UnknownVendorId.
func TestDataTransferToVendorHandlers(t *testing.T) {
	schemas := schematest.Load(t)
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "CP-DT", "pw-0123456789abcdef")
	e.csms.Defaults.HandleVendor("com.acme", handlers.VendorFunc(func(ctx context.Context, c *handlers.Call, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error) {
		if req.MessageId != "ping" {
			return ocpp16.DataTransferResponse{Status: ocpp16.DataTransferStatusUnknownMessageId}, nil
		}
		return ocpp16.DataTransferResponse{Status: ocpp16.DataTransferStatusAccepted, Data: "pong from " + c.Identity}, nil
	}))
	cp := e.dial(t, "CP-DT", "pw-0123456789abcdef")
	tests := []struct {
		name string
		req  ocpp16.DataTransferRequest
		want ocpp16.DataTransferResponse
	}{
		{"known vendor", ocpp16.DataTransferRequest{VendorId: "com.acme", MessageId: "ping", Data: "x"}, ocpp16.DataTransferResponse{Status: ocpp16.DataTransferStatusAccepted, Data: "pong from CP-DT"}},
		{"unknown message", ocpp16.DataTransferRequest{VendorId: "com.acme", MessageId: "other"}, ocpp16.DataTransferResponse{Status: ocpp16.DataTransferStatusUnknownMessageId}},
		{"unknown vendor", ocpp16.DataTransferRequest{VendorId: "org.other"}, ocpp16.DataTransferResponse{Status: ocpp16.DataTransferStatusUnknownVendorId}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cp.DataTransfer(context.Background(), tt.req)
			if err != nil || res != tt.want {
				t.Fatalf("DataTransfer = %+v, %v; want %+v", res, err, tt.want)
			}
			schemas.MustValidate(t, "DataTransfer", true, res)
		})
	}
}
