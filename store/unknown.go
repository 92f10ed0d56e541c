package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// UnknownChargePointsTable records the identities that tried to connect but
// are not registered.
const UnknownChargePointsTable = "ocpp_unknown_charge_points"

// UnknownChargePoint is an identity whose WebSocket handshake was refused
// because no charge point of that identity is registered: a new station
// waiting to be adopted, a typo in a charger's configuration, or a scan.
// One row per identity; Attempts counts the refusals recorded.
type UnknownChargePoint struct {
	ID          uint      `gorm:"primaryKey" json:"id"`
	Identifier  string    `gorm:"size:255;not null;uniqueIndex:idx_ocpp_unknown_charge_points_identifier" json:"identifier"`
	RemoteAddr  string    `gorm:"size:255" json:"remote_addr"` // of the latest attempt
	Attempts    int64     `gorm:"not null;default:1" json:"attempts"`
	FirstSeenAt time.Time `gorm:"not null" json:"first_seen_at"`
	LastSeenAt  time.Time `gorm:"not null;index:idx_ocpp_unknown_charge_points_last_seen" json:"last_seen_at"`
}

// TableName implements gorm's schema.Tabler.
func (UnknownChargePoint) TableName() string { return UnknownChargePointsTable }

// RecordUnknownChargePoint records a refused handshake of identifier from
// remoteAddr at at: it creates the identity's row or counts one more
// attempt. With keep > 0 the table is then trimmed to the keep identities
// seen most recently (plus any seen at the same instant as the last kept),
// so its size stays bounded whatever connects.
func (s *Store) RecordUnknownChargePoint(ctx context.Context, identifier, remoteAddr string, at time.Time, keep int) error {
	t := dbTime(at)
	row := UnknownChargePoint{Identifier: identifier, RemoteAddr: remoteAddr, Attempts: 1, FirstSeenAt: t, LastSeenAt: t}
	err := s.ctx(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "identifier"}},
			DoUpdates: clause.Assignments(map[string]any{
				"attempts":     gorm.Expr(UnknownChargePointsTable + ".attempts + 1"),
				"remote_addr":  remoteAddr,
				"last_seen_at": t,
			}),
		}).Create(&row).Error
		if err != nil || keep <= 0 {
			return err
		}
		return tx.Exec(`DELETE FROM `+UnknownChargePointsTable+` WHERE last_seen_at < (SELECT last_seen_at FROM `+
			UnknownChargePointsTable+` ORDER BY last_seen_at DESC LIMIT 1 OFFSET ?)`, keep-1).Error
	})
	return wrap(err, "record unknown charge point %q", identifier)
}

// UnknownChargePoints returns the identities recorded by
// RecordUnknownChargePoint that are still not registered, most recently
// seen first, at most limit of them (limit ≤ 0: all).
func (s *Store) UnknownChargePoints(ctx context.Context, limit int) ([]UnknownChargePoint, error) {
	q := s.ctx(ctx).
		Where("identifier NOT IN (?)", s.ctx(ctx).Model(&ChargePoint{}).Select("identifier")).
		Order("last_seen_at DESC, id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var out []UnknownChargePoint
	if err := q.Find(&out).Error; err != nil {
		return nil, wrap(err, "unknown charge points")
	}
	return out, nil
}

// ForgetUnknownChargePoint deletes the record of identifier (it has been
// registered, or the operator dismissed it). Forgetting an identity that
// was never recorded is not an error.
func (s *Store) ForgetUnknownChargePoint(ctx context.Context, identifier string) error {
	err := s.ctx(ctx).Where("identifier = ?", identifier).Delete(&UnknownChargePoint{}).Error
	return wrap(err, "forget unknown charge point %q", identifier)
}
