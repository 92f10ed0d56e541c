package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// FirmwareStatusNotification records the firmware update status in the
// status history (store.StatusReports, kind firmware), keeps the latest in
// the charge point's metadata (firmware_status, firmware_status_at) and
// publishes it on charge_point_<id>_reports.
func (d *Defaults) FirmwareStatusNotification(ctx context.Context, c *Call, req ocpp16.FirmwareStatusNotificationRequest) (ocpp16.FirmwareStatusNotificationResponse, error) {
	err := d.recordReport(ctx, c, store.ReportFirmware, string(req.Status), nil)
	return ocpp16.FirmwareStatusNotificationResponse{}, err
}
