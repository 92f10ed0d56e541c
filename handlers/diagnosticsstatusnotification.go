package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/v16"
)

// DiagnosticsStatusNotification records the upload status in the charge
// point's metadata (diagnostics_status, diagnostics_status_at).
func (d *Defaults) DiagnosticsStatusNotification(ctx context.Context, c *Call, req v16.DiagnosticsStatusNotificationRequest) (v16.DiagnosticsStatusNotificationResponse, error) {
	err := d.store.SetMetadata(ctx, c.ChargePoint.ID, map[string]any{
		"diagnostics_status":    string(req.Status),
		"diagnostics_status_at": d.now().UTC().Format(timeLayout),
	})
	return v16.DiagnosticsStatusNotificationResponse{}, err
}
