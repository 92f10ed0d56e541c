package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// SecurityEventsTable holds the security events charge points report.
const SecurityEventsTable = "ocpp_security_events"

// SecurityEvent is one SecurityEventNotification (security extension).
// Type is the event type as sent (e.g. "FirmwareUpdated",
// "InvalidCentralSystemCertificate"; vendors add their own).
type SecurityEvent struct {
	ID            uint         `gorm:"primaryKey" json:"id"`
	ChargePointID uint         `gorm:"not null;index:idx_ocpp_security_events_charge_point,priority:1" json:"charge_point_id"`
	Type          string       `gorm:"size:50;not null" json:"type"`
	TechInfo      string       `gorm:"size:255" json:"tech_info"`
	Timestamp     time.Time    `gorm:"not null;index:idx_ocpp_security_events_charge_point,priority:2" json:"timestamp"` // the station's
	ReceivedAt    time.Time    `gorm:"not null" json:"received_at"`
	CreatedAt     time.Time    `json:"created_at"`
	ChargePoint   *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (SecurityEvent) TableName() string { return SecurityEventsTable }

// RecordSecurityEvent stores e (ReceivedAt defaults to now; Timestamp to
// ReceivedAt) and sets its ID.
func (s *Store) RecordSecurityEvent(ctx context.Context, e *SecurityEvent) error {
	now := dbTime(time.Now())
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = now
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = e.ReceivedAt
	}
	e.ReceivedAt, e.Timestamp, e.CreatedAt = dbTime(e.ReceivedAt), dbTime(e.Timestamp), now
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB { return tx.Create(e) })
	return wrap(err, "record security event %q of charge point %d", e.Type, e.ChargePointID)
}

// SecurityEvents returns the security events of a charge point, newest
// first, at most limit (limit ≤ 0: all).
func (s *Store) SecurityEvents(ctx context.Context, chargePointID uint, limit int) ([]SecurityEvent, error) {
	q := s.ctx(ctx).Where("charge_point_id = ?", chargePointID).Order("timestamp DESC, id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var es []SecurityEvent
	if err := q.Find(&es).Error; err != nil {
		return nil, wrap(err, "security events of charge point %d", chargePointID)
	}
	return es, nil
}
