package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// ChargingProfilesTable holds the charging profiles installed on charge
// points.
const ChargingProfilesTable = "ocpp_charging_profiles"

// ChargingProfile is a charging profile a charge point accepted
// (SetChargingProfile, or the chargingProfile of a RemoteStartTransaction).
// ProfileID is the OCPP chargingProfileId, unique per charge point; Profile
// is the profile as sent, in JSON (a ocpp16.ChargingProfile).
type ChargingProfile struct {
	ID            uint         `gorm:"primaryKey" json:"id"`
	ChargePointID uint         `gorm:"not null;uniqueIndex:idx_ocpp_charging_profiles_profile,priority:1;index:idx_ocpp_charging_profiles_connector,priority:1" json:"charge_point_id"`
	ProfileID     int          `gorm:"not null;uniqueIndex:idx_ocpp_charging_profiles_profile,priority:2" json:"profile_id"`
	ConnectorID   int          `gorm:"not null;index:idx_ocpp_charging_profiles_connector,priority:2" json:"connector_id"`
	StackLevel    int          `gorm:"not null" json:"stack_level"`
	Purpose       string       `gorm:"size:30;not null" json:"purpose"` // ChargingProfilePurpose
	Kind          string       `gorm:"size:20" json:"kind"`             // ChargingProfileKind
	TransactionID *int         `json:"transaction_id"`
	Profile       string       `gorm:"type:text;not null" json:"profile"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ChargePoint   *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`

	// EVSEID is the outlet the profile applies to (0: the whole station), as
	// for Connector: 1.6's connectorId, 2.0.1's evseId (a 2.0.1 profile has
	// ConnectorID 0). SaveChargingProfile takes EVSEID 0 with a ConnectorID
	// > 0 for 1.6's numbering.
	EVSEID int `gorm:"column:evse_id;not null;default:0" json:"evse_id"`
}

// TableName implements gorm's schema.Tabler.
func (ChargingProfile) TableName() string { return ChargingProfilesTable }

// SaveChargingProfile records a profile the charge point accepted. As on
// the charge point (OCPP 1.6 §5.16), it replaces the profile with the same
// ProfileID, and the profile of the same connector with the same stack
// level and purpose.
func (s *Store) SaveChargingProfile(ctx context.Context, p ChargingProfile) (*ChargingProfile, error) {
	now := dbTime(time.Now())
	p.ID, p.CreatedAt, p.UpdatedAt, p.ChargePoint = 0, now, now, nil
	if p.EVSEID == 0 && p.ConnectorID > 0 {
		p.EVSEID = p.ConnectorID // 1.6's numbering
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		err := tx.Where("charge_point_id = ? AND (profile_id = ? OR (evse_id = ? AND stack_level = ? AND purpose = ?))",
			p.ChargePointID, p.ProfileID, p.EVSEID, p.StackLevel, p.Purpose).Delete(&ChargingProfile{}).Error
		if err != nil {
			return err
		}
		return tx.Create(&p).Error
	})
	if err != nil {
		return nil, wrap(err, "save charging profile %d of charge point %d", p.ProfileID, p.ChargePointID)
	}
	return &p, nil
}

// ChargingProfileFilter selects profiles as ClearChargingProfile does: by
// ProfileID alone when it is set, otherwise by every criterion that is set
// (none set: every profile of the charge point).
type ChargingProfileFilter struct {
	ProfileID *int
	// ConnectorID selects the profiles of an outlet: their EVSEID (1.6's
	// connectorId, 2.0.1's evseId).
	ConnectorID *int
	Purpose     string
	StackLevel  *int
}

// ClearChargingProfiles deletes the profiles of a charge point that match f
// (an accepted ClearChargingProfile) and returns how many it deleted.
func (s *Store) ClearChargingProfiles(ctx context.Context, chargePointID uint, f ChargingProfileFilter) (int64, error) {
	q := s.ctx(ctx).Where("charge_point_id = ?", chargePointID)
	if f.ProfileID != nil {
		q = q.Where("profile_id = ?", *f.ProfileID)
	} else {
		if f.ConnectorID != nil {
			q = q.Where("evse_id = ?", *f.ConnectorID)
		}
		if f.Purpose != "" {
			q = q.Where("purpose = ?", f.Purpose)
		}
		if f.StackLevel != nil {
			q = q.Where("stack_level = ?", *f.StackLevel)
		}
	}
	res := q.Delete(&ChargingProfile{})
	if res.Error != nil {
		return 0, wrap(res.Error, "clear charging profiles of charge point %d", chargePointID)
	}
	return res.RowsAffected, nil
}

// ChargingProfiles returns the profiles installed on a charge point,
// ordered by connector, purpose and stack level.
func (s *Store) ChargingProfiles(ctx context.Context, chargePointID uint) ([]ChargingProfile, error) {
	var ps []ChargingProfile
	err := s.ctx(ctx).Where("charge_point_id = ?", chargePointID).Order("evse_id, purpose, stack_level, profile_id").Find(&ps).Error
	if err != nil {
		return nil, wrap(err, "charging profiles of charge point %d", chargePointID)
	}
	return ps, nil
}
