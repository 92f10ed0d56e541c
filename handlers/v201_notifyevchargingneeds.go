package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// NotifyEVChargingNeeds publishes the charging needs an ISO 15118 vehicle
// announced on charge_point_<id>_notifications and answers Rejected: the
// library computes no charging profile for it, so the station goes on with
// its own (a host that does answers Accepted or Processing and sends
// SetChargingProfile).
func (v *Defaults201) NotifyEVChargingNeeds(ctx context.Context, c *Call, req ocpp201.NotifyEVChargingNeedsRequest) (ocpp201.NotifyEVChargingNeedsResponse, error) {
	v.notify(c, req)
	return ocpp201.NotifyEVChargingNeedsResponse{Status: ocpp201.NotifyEVChargingNeedsStatusRejected}, nil
}
