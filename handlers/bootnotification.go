package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// BootNotification records the charge point's vendor, model, serial numbers
// and firmware, accepts it, and hands out the heartbeat interval.
func (d *Defaults) BootNotification(ctx context.Context, c *Call, req ocpp16.BootNotificationRequest) (ocpp16.BootNotificationResponse, error) {
	now := d.now().UTC()
	err := d.store.RecordBoot(ctx, c.ChargePoint.ID, store.BootInfo{
		Vendor:                req.ChargePointVendor,
		Model:                 req.ChargePointModel,
		SerialNumber:          req.ChargePointSerialNumber,
		ChargeBoxSerialNumber: req.ChargeBoxSerialNumber,
		FirmwareVersion:       req.FirmwareVersion,
		ICCID:                 req.Iccid,
		IMSI:                  req.Imsi,
		MeterType:             req.MeterType,
		MeterSerialNumber:     req.MeterSerialNumber,
		At:                    now,
	})
	if err != nil {
		return ocpp16.BootNotificationResponse{}, err
	}
	d.heartbeats.touch(c.ChargePoint.ID, now)
	d.Publish(c.ChargePoint.ID, broadcast.KindConnection, broadcast.ConnectionEvent{Connected: true, Timestamp: now, Identity: c.Identity})
	return ocpp16.BootNotificationResponse{
		Status:      ocpp16.RegistrationStatusAccepted,
		CurrentTime: ocpp16.NewDateTime(now),
		Interval:    int(d.interval.Seconds()),
	}, nil
}
