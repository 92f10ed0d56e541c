package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// ClearedChargingLimit publishes the message (an external charging limit,
// e.g. from an energy management system, no longer applies) on
// charge_point_<id>_notifications.
func (v *Defaults201) ClearedChargingLimit(ctx context.Context, c *Call, req ocpp201.ClearedChargingLimitRequest) (ocpp201.ClearedChargingLimitResponse, error) {
	v.notify(c, req)
	return ocpp201.ClearedChargingLimitResponse{}, nil
}
