package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// NotifyChargingLimit publishes the external charging limit the station
// reports (its source, whether it is grid critical, the schedules) on
// charge_point_<id>_notifications.
func (v *Defaults201) NotifyChargingLimit(ctx context.Context, c *Call, req ocpp201.NotifyChargingLimitRequest) (ocpp201.NotifyChargingLimitResponse, error) {
	v.notify(c, req)
	return ocpp201.NotifyChargingLimitResponse{}, nil
}
