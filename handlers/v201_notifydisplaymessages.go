package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// NotifyDisplayMessages publishes the display messages the station reports
// (the answer to GetDisplayMessages) on charge_point_<id>_notifications.
func (v *Defaults201) NotifyDisplayMessages(ctx context.Context, c *Call, req ocpp201.NotifyDisplayMessagesRequest) (ocpp201.NotifyDisplayMessagesResponse, error) {
	v.notify(c, req)
	return ocpp201.NotifyDisplayMessagesResponse{}, nil
}
