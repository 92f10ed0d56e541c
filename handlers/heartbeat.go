package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// Heartbeat answers with the current time. The charge point's last
// heartbeat time is written by a batcher, one statement for all charge
// points per DefaultsConfig.HeartbeatFlush, so heartbeats cost no write each.
func (d *Defaults) Heartbeat(ctx context.Context, c *Call, req ocpp16.HeartbeatRequest) (ocpp16.HeartbeatResponse, error) {
	now := d.now().UTC()
	d.heartbeats.touchCall(c, now)
	return ocpp16.HeartbeatResponse{CurrentTime: ocpp16.NewDateTime(now)}, nil
}
