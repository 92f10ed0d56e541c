package handlers

import (
	"context"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/v16"
)

const timeLayout = time.RFC3339Nano

// FirmwareStatusNotification records the firmware update status in the
// charge point's metadata (firmware_status, firmware_status_at).
func (d *Defaults) FirmwareStatusNotification(ctx context.Context, c *Call, req v16.FirmwareStatusNotificationRequest) (v16.FirmwareStatusNotificationResponse, error) {
	err := d.store.SetMetadata(ctx, c.ChargePoint.ID, map[string]any{
		"firmware_status":    string(req.Status),
		"firmware_status_at": d.now().UTC().Format(timeLayout),
	})
	return v16.FirmwareStatusNotificationResponse{}, err
}
