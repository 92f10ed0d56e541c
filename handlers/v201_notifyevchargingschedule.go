package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// NotifyEVChargingSchedule publishes the schedule an ISO 15118 vehicle
// negotiated on charge_point_<id>_notifications and accepts it: the
// library imposes no schedule of its own.
func (v *Defaults201) NotifyEVChargingSchedule(ctx context.Context, c *Call, req ocpp201.NotifyEVChargingScheduleRequest) (ocpp201.NotifyEVChargingScheduleResponse, error) {
	v.notify(c, req)
	return ocpp201.NotifyEVChargingScheduleResponse{Status: ocpp201.GenericStatusAccepted}, nil
}
