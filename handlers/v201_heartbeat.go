package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// Heartbeat answers with the current time; the last heartbeat time is
// written in batches, as for 1.6.
func (v *Defaults201) Heartbeat(ctx context.Context, c *Call, req ocpp201.HeartbeatRequest) (ocpp201.HeartbeatResponse, error) {
	now := v.d.now().UTC()
	v.d.heartbeats.touchCall(c, now)
	return ocpp201.HeartbeatResponse{CurrentTime: ocpp201.NewDateTime(now)}, nil
}
