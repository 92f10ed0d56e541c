package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// SignedFirmwareStatusNotification records the status of a signed firmware
// update (security extension) in the status history, keeps it as
// signed_firmware_status in the charge point's metadata and publishes it on
// charge_point_<id>_reports.
func (d *Defaults) SignedFirmwareStatusNotification(ctx context.Context, c *Call, req ocpp16.SignedFirmwareStatusNotificationRequest) (ocpp16.SignedFirmwareStatusNotificationResponse, error) {
	err := d.recordReport(ctx, c, store.ReportSignedFirmware, string(req.Status), req.RequestId)
	return ocpp16.SignedFirmwareStatusNotificationResponse{}, err
}
