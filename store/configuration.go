package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ConfigurationKeysTable holds the configuration keys of charge points.
const ConfigurationKeysTable = "ocpp_configuration_keys"

// ConfigurationKey is one configuration key of a charge point, as last
// reported by GetConfiguration or changed by an accepted
// ChangeConfiguration. Unknown marks a key the charge point reported in
// unknownKey.
type ConfigurationKey struct {
	ID            uint   `gorm:"primaryKey" json:"id"`
	ChargePointID uint   `gorm:"not null;uniqueIndex:idx_ocpp_configuration_keys_key,priority:1" json:"charge_point_id"`
	Key           string `gorm:"size:50;not null;uniqueIndex:idx_ocpp_configuration_keys_key,priority:2" json:"key"`
	Value         string `gorm:"type:text" json:"value"`
	Readonly      bool   `gorm:"not null;default:false" json:"readonly"`
	Unknown       bool   `gorm:"not null;default:false" json:"unknown"`
	// RebootRequired is set when the last change was answered
	// RebootRequired: the value applies after the next reboot.
	RebootRequired bool         `gorm:"not null;default:false" json:"reboot_required"`
	ReportedAt     *time.Time   `json:"reported_at"` // last GetConfiguration that listed it
	ChangedAt      *time.Time   `json:"changed_at"`  // last accepted ChangeConfiguration
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	ChargePoint    *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (ConfigurationKey) TableName() string { return ConfigurationKeysTable }

// RecordConfiguration stores a GetConfiguration reply received at at: each
// of keys (Key, Value, Readonly) is upserted as known, each of unknown as
// Unknown. Keys not mentioned are left as they are.
func (s *Store) RecordConfiguration(ctx context.Context, chargePointID uint, keys []ConfigurationKey, unknown []string, at time.Time) error {
	t, now := dbTime(at), dbTime(time.Now())
	rows := make([]ConfigurationKey, 0, len(keys)+len(unknown))
	for _, k := range keys {
		rows = append(rows, ConfigurationKey{ChargePointID: chargePointID, Key: k.Key, Value: k.Value, Readonly: k.Readonly, ReportedAt: &t, CreatedAt: now, UpdatedAt: now})
	}
	for _, k := range unknown {
		rows = append(rows, ConfigurationKey{ChargePointID: chargePointID, Key: k, Unknown: true, ReportedAt: &t, CreatedAt: now, UpdatedAt: now})
	}
	if len(rows) == 0 {
		return nil
	}
	// A key listed twice in one reply would make one upsert statement touch
	// a row twice (PostgreSQL refuses): the last one wins.
	seen := make(map[string]int, len(rows))
	uniq := rows[:0]
	for _, r := range rows {
		if i, ok := seen[r.Key]; ok {
			uniq[i] = r
			continue
		}
		seen[r.Key] = len(uniq)
		uniq = append(uniq, r)
	}
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "charge_point_id"}, {Name: "key"}},
			DoUpdates: clause.AssignmentColumns([]string{"value", "readonly", "unknown", "reboot_required", "reported_at", "updated_at"}),
		}).CreateInBatches(uniq, 500)
	})
	return wrap(err, "record configuration of charge point %d", chargePointID)
}

// SetConfigurationValue records an accepted ChangeConfiguration of key
// (rebootRequired: it was answered RebootRequired).
func (s *Store) SetConfigurationValue(ctx context.Context, chargePointID uint, key, value string, rebootRequired bool, at time.Time) error {
	t, now := dbTime(at), dbTime(time.Now())
	row := ConfigurationKey{ChargePointID: chargePointID, Key: key, Value: value, RebootRequired: rebootRequired, ChangedAt: &t, CreatedAt: now, UpdatedAt: now}
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "charge_point_id"}, {Name: "key"}},
			DoUpdates: clause.AssignmentColumns([]string{"value", "unknown", "reboot_required", "changed_at", "updated_at"}),
		}).Create(&row)
	})
	return wrap(err, "set configuration %q of charge point %d", key, chargePointID)
}

// Configuration returns the configuration keys recorded for a charge point,
// ordered by key.
func (s *Store) Configuration(ctx context.Context, chargePointID uint) ([]ConfigurationKey, error) {
	var ks []ConfigurationKey
	if err := s.ctx(ctx).Where("charge_point_id = ?", chargePointID).Order("key").Find(&ks).Error; err != nil {
		return nil, wrap(err, "configuration of charge point %d", chargePointID)
	}
	return ks, nil
}

// ConfigurationValue returns one recorded configuration key of a charge
// point; ErrNotFound when it was never reported or changed.
func (s *Store) ConfigurationValue(ctx context.Context, chargePointID uint, key string) (*ConfigurationKey, error) {
	var k ConfigurationKey
	if err := take(s.ctx(ctx).Where("charge_point_id = ? AND key = ?", chargePointID, key), &k); err != nil {
		return nil, wrap(err, "configuration %q of charge point %d", key, chargePointID)
	}
	return &k, nil
}
