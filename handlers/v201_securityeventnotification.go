package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// SecurityEventNotification stores the security event (the same table as
// 1.6's) and publishes it on charge_point_<id>_security_events. Events
// OCPP 2.0.1 marks critical are also logged at Warn.
func (v *Defaults201) SecurityEventNotification(ctx context.Context, c *Call, req ocpp201.SecurityEventNotificationRequest) (ocpp201.SecurityEventNotificationResponse, error) {
	err := v.d.recordSecurityEvent(ctx, c, req.Type, req.TechInfo, req.Timestamp.Time)
	return ocpp201.SecurityEventNotificationResponse{}, err
}
