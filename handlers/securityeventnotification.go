package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// SecurityEventNotification stores the security event (security extension)
// and publishes it on charge_point_<id>_security_events. Events the
// whitepaper marks critical are also logged at Warn.
func (d *Defaults) SecurityEventNotification(ctx context.Context, c *Call, req ocpp16.SecurityEventNotificationRequest) (ocpp16.SecurityEventNotificationResponse, error) {
	e := &store.SecurityEvent{
		ChargePointID: c.ChargePoint.ID,
		Type:          req.Type,
		TechInfo:      req.TechInfo,
		Timestamp:     req.Timestamp.UTC(),
		ReceivedAt:    d.now().UTC(),
	}
	if req.Timestamp.IsZero() {
		e.Timestamp = e.ReceivedAt
	}
	if err := d.store.RecordSecurityEvent(ctx, e); err != nil {
		return ocpp16.SecurityEventNotificationResponse{}, err
	}
	if criticalSecurityEvents[req.Type] {
		c.Logger.Warn("critical security event", "type", req.Type, "tech_info", req.TechInfo)
	}
	d.Publish(c.ChargePoint.ID, broadcast.KindSecurityEvents, broadcast.SecurityEvent{Type: e.Type, TechInfo: e.TechInfo, Timestamp: e.Timestamp})
	return ocpp16.SecurityEventNotificationResponse{}, nil
}

// criticalSecurityEvents are the security events of the OCPP 1.6 security
// whitepaper (appendix 1) marked critical.
var criticalSecurityEvents = map[string]bool{
	"FirmwareUpdated":                     true,
	"FailedToAuthenticateAtCentralSystem": true,
	"CentralSystemFailedToAuthenticate":   true,
	"SettingSystemTime":                   true,
	"StartupOfTheDevice":                  true,
	"ResetOrReboot":                       true,
	"SecurityLogWasCleared":               true,
	"ReconfigurationOfSecurityParameters": true,
	"MemoryExhaustion":                    true,
	"AttemptedReplayAttacks":              true,
	"TamperDetectionActivated":            true,
}
