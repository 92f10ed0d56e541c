package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// LogStatusNotification records the status of a log upload (GetLog,
// security extension) in the status history, keeps it as log_status in the
// charge point's metadata and publishes it on charge_point_<id>_reports.
func (d *Defaults) LogStatusNotification(ctx context.Context, c *Call, req ocpp16.LogStatusNotificationRequest) (ocpp16.LogStatusNotificationResponse, error) {
	err := d.recordReport(ctx, c, store.ReportLog, string(req.Status), req.RequestId)
	return ocpp16.LogStatusNotificationResponse{}, err
}
