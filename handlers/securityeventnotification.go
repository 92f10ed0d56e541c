package handlers

import (
	"context"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// SecurityEventNotification stores the security event (security extension)
// and publishes it on charge_point_<id>_security_events. Events the
// whitepaper marks critical are also logged at Warn.
func (d *Defaults) SecurityEventNotification(ctx context.Context, c *Call, req ocpp16.SecurityEventNotificationRequest) (ocpp16.SecurityEventNotificationResponse, error) {
	err := d.recordSecurityEvent(ctx, c, req.Type, req.TechInfo, req.Timestamp.Time)
	return ocpp16.SecurityEventNotificationResponse{}, err
}

// recordSecurityEvent stores a security event of either version (at: the
// station's time, zero for none), logs a critical one and publishes it.
func (d *Defaults) recordSecurityEvent(ctx context.Context, c *Call, typ, techInfo string, at time.Time) error {
	e := &store.SecurityEvent{
		ChargePointID: c.ChargePoint.ID,
		Type:          typ,
		TechInfo:      techInfo,
		Timestamp:     at.UTC(),
		ReceivedAt:    d.now().UTC(),
	}
	if at.IsZero() {
		e.Timestamp = e.ReceivedAt
	}
	if err := d.store.RecordSecurityEvent(ctx, e); err != nil {
		return err
	}
	if criticalSecurityEvents[typ] {
		c.Logger.Warn("critical security event", "type", typ, "tech_info", techInfo)
	}
	d.Publish(c.ChargePoint.ID, broadcast.KindSecurityEvents, broadcast.SecurityEvent{Type: e.Type, TechInfo: e.TechInfo, Timestamp: e.Timestamp})
	return nil
}

// criticalSecurityEvents are the security events marked critical by the
// OCPP 1.6 security whitepaper (appendix 1) and OCPP 2.0.1 (part 2,
// appendix 1), which share most names.
var criticalSecurityEvents = map[string]bool{
	"FailedToAuthenticateAtCsms":          true, // 2.0.1
	"CsmsFailedToAuthenticate":            true, // 2.0.1
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
