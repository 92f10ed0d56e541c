package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// StatusReportsTable holds the status history of firmware updates,
// diagnostics and log uploads.
const StatusReportsTable = "ocpp_status_reports"

// Kinds of status reports: the notification they come from.
const (
	ReportFirmware       = "firmware"        // FirmwareStatusNotification
	ReportDiagnostics    = "diagnostics"     // DiagnosticsStatusNotification
	ReportSignedFirmware = "signed_firmware" // SignedFirmwareStatusNotification
	ReportLog            = "log"             // LogStatusNotification

	ReportPublishFirmware = "publish_firmware" // 2.0.1 PublishFirmwareStatusNotification
)

// StatusReport is one status notification of a firmware update (plain or
// signed), a diagnostics upload or a log upload.
type StatusReport struct {
	ID            uint         `gorm:"primaryKey" json:"id"`
	ChargePointID uint         `gorm:"not null;index:idx_ocpp_status_reports_kind,priority:1" json:"charge_point_id"`
	Kind          string       `gorm:"size:20;not null;index:idx_ocpp_status_reports_kind,priority:2" json:"kind"` // ReportFirmware, …
	Status        string       `gorm:"size:50;not null" json:"status"`
	RequestID     *int         `json:"request_id"` // requestId of the security extension's notifications
	ReceivedAt    time.Time    `gorm:"not null;index:idx_ocpp_status_reports_kind,priority:3" json:"received_at"`
	CreatedAt     time.Time    `json:"created_at"`
	ChargePoint   *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (StatusReport) TableName() string { return StatusReportsTable }

// RecordStatusReport appends r to the history (ReceivedAt defaults to now)
// and sets its ID. In the same transaction it keeps the latest status of
// the kind in the charge point's metadata: <kind>_status and
// <kind>_status_at (RFC 3339), e.g. firmware_status.
func (s *Store) RecordStatusReport(ctx context.Context, r *StatusReport) error {
	now := dbTime(time.Now())
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = now
	}
	r.ReceivedAt, r.CreatedAt = dbTime(r.ReceivedAt), now
	err := s.write(ctx, func(tx *gorm.DB) error {
		var cp ChargePoint
		if err := take(lockRow(tx).Select("id", "metadata"), &cp, r.ChargePointID); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(r).Error; err != nil {
			return err
		}
		if cp.Metadata == nil {
			cp.Metadata = JSONMap{}
		}
		cp.Metadata[r.Kind+"_status"] = r.Status
		cp.Metadata[r.Kind+"_status_at"] = r.ReceivedAt.Format(time.RFC3339Nano)
		return tx.Model(&ChargePoint{}).Where("id = ?", r.ChargePointID).Updates(map[string]any{
			"metadata":   cp.Metadata,
			"updated_at": now,
		}).Error
	})
	return wrap(err, "record %s status of charge point %d", r.Kind, r.ChargePointID)
}

// StatusReports returns the history of one kind of a charge point, newest
// first, at most limit rows (limit ≤ 0: all). An empty kind means every
// kind.
func (s *Store) StatusReports(ctx context.Context, chargePointID uint, kind string, limit int) ([]StatusReport, error) {
	q := s.ctx(ctx).Where("charge_point_id = ?", chargePointID)
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rs []StatusReport
	if err := q.Order("received_at DESC, id DESC").Find(&rs).Error; err != nil {
		return nil, wrap(err, "%s status history of charge point %d", kind, chargePointID)
	}
	return rs, nil
}

// LatestStatusReport returns the newest report of one kind of a charge
// point; ErrNotFound when there is none.
func (s *Store) LatestStatusReport(ctx context.Context, chargePointID uint, kind string) (*StatusReport, error) {
	var r StatusReport
	err := take(s.ctx(ctx).Where("charge_point_id = ? AND kind = ?", chargePointID, kind).Order("received_at DESC, id DESC"), &r)
	if err != nil {
		return nil, wrap(err, "latest %s status of charge point %d", kind, chargePointID)
	}
	return &r, nil
}
