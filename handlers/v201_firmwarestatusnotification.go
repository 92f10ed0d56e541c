package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// FirmwareStatusNotification records the firmware update status and its
// requestId in the status history (kind firmware, as for 1.6), keeps the
// latest in the metadata and publishes it on charge_point_<id>_reports.
func (v *Defaults201) FirmwareStatusNotification(ctx context.Context, c *Call, req ocpp201.FirmwareStatusNotificationRequest) (ocpp201.FirmwareStatusNotificationResponse, error) {
	err := v.d.recordReport(ctx, c, store.ReportFirmware, string(req.Status), req.RequestId)
	return ocpp201.FirmwareStatusNotificationResponse{}, err
}
