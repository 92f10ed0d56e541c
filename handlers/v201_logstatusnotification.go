package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// LogStatusNotification records the log upload status and its requestId in
// the status history (kind log, as for 1.6's security extension) and
// publishes it on charge_point_<id>_reports.
func (v *Defaults201) LogStatusNotification(ctx context.Context, c *Call, req ocpp201.LogStatusNotificationRequest) (ocpp201.LogStatusNotificationResponse, error) {
	err := v.d.recordReport(ctx, c, store.ReportLog, string(req.Status), req.RequestId)
	return ocpp201.LogStatusNotificationResponse{}, err
}
