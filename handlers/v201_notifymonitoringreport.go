package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// NotifyMonitoringReport publishes each part of the monitoring report the
// station sends (the answer to GetMonitoringReport) on
// charge_point_<id>_notifications.
func (v *Defaults201) NotifyMonitoringReport(ctx context.Context, c *Call, req ocpp201.NotifyMonitoringReportRequest) (ocpp201.NotifyMonitoringReportResponse, error) {
	v.notify(c, req)
	return ocpp201.NotifyMonitoringReportResponse{}, nil
}
