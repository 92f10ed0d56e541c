package handlers

import (
	"context"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// booted notes a boot recorded at now: it counts as a heartbeat, and the
// connection is published again.
func (d *Defaults) booted(c *Call, now time.Time) {
	d.heartbeats.touch(c.ChargePoint.ID, now)
	d.Publish(c.ChargePoint.ID, broadcast.KindConnection, broadcast.ConnectionEvent{Connected: true, Timestamp: now, Identity: c.Identity})
}

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
	d.booted(c, now)
	return ocpp16.BootNotificationResponse{
		Status:      ocpp16.RegistrationStatusAccepted,
		CurrentTime: ocpp16.NewDateTime(now),
		Interval:    int(d.interval.Seconds()),
	}, nil
}
