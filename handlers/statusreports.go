package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/store"
)

// recordReport stores a firmware, diagnostics or log status notification
// in the status history (with the latest status of its kind in the charge
// point's metadata: <kind>_status, <kind>_status_at) and publishes it on
// charge_point_<id>_reports.
func (d *Defaults) recordReport(ctx context.Context, c *Call, kind, status string, requestID *int) error {
	r := &store.StatusReport{
		ChargePointID: c.ChargePoint.ID,
		Kind:          kind,
		Status:        status,
		RequestID:     requestID,
		ReceivedAt:    d.now().UTC(),
	}
	if err := d.store.RecordStatusReport(ctx, r); err != nil {
		return err
	}
	d.Publish(c.ChargePoint.ID, broadcast.KindReports, broadcast.ReportEvent{Kind: kind, Status: status, RequestID: requestID, Timestamp: r.ReceivedAt})
	return nil
}
