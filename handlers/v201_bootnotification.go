package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// BootNotification records the station's vendor, model, serial number,
// firmware, modem and boot reason (ChargePoint.BootReason), accepts it and
// hands out the heartbeat interval, as for 1.6.
func (v *Defaults201) BootNotification(ctx context.Context, c *Call, req ocpp201.BootNotificationRequest) (ocpp201.BootNotificationResponse, error) {
	d := v.d
	now := d.now().UTC()
	cs := req.ChargingStation
	info := store.BootInfo{
		Vendor:          cs.VendorName,
		Model:           cs.Model,
		SerialNumber:    cs.SerialNumber,
		FirmwareVersion: cs.FirmwareVersion,
		Reason:          string(req.Reason),
		At:              now,
	}
	if cs.Modem != nil {
		info.ICCID, info.IMSI = cs.Modem.Iccid, cs.Modem.Imsi
	}
	if err := d.store.RecordBoot(ctx, c.ChargePoint.ID, info); err != nil {
		return ocpp201.BootNotificationResponse{}, err
	}
	d.booted(c, now)
	return ocpp201.BootNotificationResponse{
		Status:      ocpp201.RegistrationStatusAccepted,
		CurrentTime: ocpp201.NewDateTime(now),
		Interval:    int(d.interval.Seconds()),
	}, nil
}
