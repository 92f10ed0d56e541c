package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// DiagnosticsStatusNotification records the upload status in the status
// history (store.StatusReports, kind diagnostics), keeps the latest in the
// charge point's metadata (diagnostics_status, diagnostics_status_at) and
// publishes it on charge_point_<id>_reports.
func (d *Defaults) DiagnosticsStatusNotification(ctx context.Context, c *Call, req ocpp16.DiagnosticsStatusNotificationRequest) (ocpp16.DiagnosticsStatusNotificationResponse, error) {
	err := d.recordReport(ctx, c, store.ReportDiagnostics, string(req.Status), nil)
	return ocpp16.DiagnosticsStatusNotificationResponse{}, err
}
