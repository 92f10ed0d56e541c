package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// PublishFirmwareStatusNotification records the status of a firmware
// publication (a local controller serving firmware to other stations) in
// the status history, kind publish_firmware, and publishes it on
// charge_point_<id>_reports; the locations it publishes at are on
// charge_point_<id>_notifications.
func (v *Defaults201) PublishFirmwareStatusNotification(ctx context.Context, c *Call, req ocpp201.PublishFirmwareStatusNotificationRequest) (ocpp201.PublishFirmwareStatusNotificationResponse, error) {
	if err := v.d.recordReport(ctx, c, store.ReportPublishFirmware, string(req.Status), req.RequestId); err != nil {
		return ocpp201.PublishFirmwareStatusNotificationResponse{}, err
	}
	if len(req.Location) > 0 {
		v.notify(c, req)
	}
	return ocpp201.PublishFirmwareStatusNotificationResponse{}, nil
}
