package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Tables of the local authorization list.
const (
	LocalListsTable       = "ocpp_local_lists"
	LocalListEntriesTable = "ocpp_local_list_entries"
)

// LocalList is the version of a charge point's local authorization list:
// the one of the last accepted SendLocalList, or the one the charge point
// reported in GetLocalListVersion (-1: it does not support a list).
type LocalList struct {
	ID            uint         `gorm:"primaryKey" json:"id"`
	ChargePointID uint         `gorm:"not null;uniqueIndex:idx_ocpp_local_lists_charge_point" json:"charge_point_id"`
	Version       int          `gorm:"not null;default:0" json:"version"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ChargePoint   *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (LocalList) TableName() string { return LocalListsTable }

// LocalListEntry is one id tag of a charge point's local authorization list.
type LocalListEntry struct {
	ID            uint         `gorm:"primaryKey" json:"id"`
	ChargePointID uint         `gorm:"not null;uniqueIndex:idx_ocpp_local_list_entries_tag,priority:1" json:"charge_point_id"`
	IDTag         string       `gorm:"column:id_tag;size:36;not null;uniqueIndex:idx_ocpp_local_list_entries_tag,priority:2" json:"id_tag"`
	Status        string       `gorm:"size:20;not null" json:"status"` // OCPP AuthorizationStatus
	ExpiryDate    *time.Time   `json:"expiry_date"`
	ParentIDTag   string       `gorm:"column:parent_id_tag;size:36" json:"parent_id_tag"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ChargePoint   *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (LocalListEntry) TableName() string { return LocalListEntriesTable }

// LocalListUpdate is the content of an accepted SendLocalList.
type LocalListUpdate struct {
	Version int
	// Full replaces the whole list with Entries (updateType Full);
	// otherwise Entries are merged into it (Differential).
	Full bool
	// Entries are the list's id tags. In a differential update an entry
	// with an empty Status (no idTagInfo) removes the tag.
	Entries []LocalListEntry
}

// ApplyLocalList records an accepted SendLocalList in one transaction: the
// version, and the entries (a Full update replaces them all, a
// Differential one upserts and removes).
func (s *Store) ApplyLocalList(ctx context.Context, chargePointID uint, u LocalListUpdate) error {
	now := dbTime(time.Now())
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := upsertLocalListVersion(tx, chargePointID, u.Version, now); err != nil {
			return err
		}
		if u.Full {
			if err := tx.Where("charge_point_id = ?", chargePointID).Delete(&LocalListEntry{}).Error; err != nil {
				return err
			}
		}
		var remove []string
		rows := make([]LocalListEntry, 0, len(u.Entries))
		for _, e := range u.Entries {
			if e.Status == "" {
				remove = append(remove, e.IDTag)
				continue
			}
			rows = append(rows, LocalListEntry{
				ChargePointID: chargePointID,
				IDTag:         e.IDTag,
				Status:        e.Status,
				ExpiryDate:    dbTimePtr(e.ExpiryDate),
				ParentIDTag:   e.ParentIDTag,
				CreatedAt:     now,
				UpdatedAt:     now,
			})
		}
		if len(remove) > 0 {
			if err := tx.Where("charge_point_id = ? AND id_tag IN ?", chargePointID, remove).Delete(&LocalListEntry{}).Error; err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "charge_point_id"}, {Name: "id_tag"}},
			DoUpdates: clause.AssignmentColumns([]string{"status", "expiry_date", "parent_id_tag", "updated_at"}),
		}).CreateInBatches(rows, 500).Error
	})
	return wrap(err, "apply local list version %d to charge point %d", u.Version, chargePointID)
}

// SetLocalListVersion records the list version a charge point reported
// (GetLocalListVersion), leaving the entries as they are.
func (s *Store) SetLocalListVersion(ctx context.Context, chargePointID uint, version int) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		return upsertLocalListVersion(tx, chargePointID, version, dbTime(time.Now()))
	})
	return wrap(err, "set local list version of charge point %d", chargePointID)
}

func upsertLocalListVersion(tx *gorm.DB, chargePointID uint, version int, now time.Time) error {
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "charge_point_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"version", "updated_at"}),
	}).Create(&LocalList{ChargePointID: chargePointID, Version: version, CreatedAt: now, UpdatedAt: now}).Error
}

// LocalListVersion returns the recorded local list version of a charge
// point; ErrNotFound when none is known.
func (s *Store) LocalListVersion(ctx context.Context, chargePointID uint) (int, error) {
	var l LocalList
	if err := take(s.ctx(ctx).Where("charge_point_id = ?", chargePointID), &l); err != nil {
		return 0, wrap(err, "local list version of charge point %d", chargePointID)
	}
	return l.Version, nil
}

// LocalListEntries returns the local authorization list of a charge point,
// ordered by id tag.
func (s *Store) LocalListEntries(ctx context.Context, chargePointID uint) ([]LocalListEntry, error) {
	var es []LocalListEntry
	if err := s.ctx(ctx).Where("charge_point_id = ?", chargePointID).Order("id_tag").Find(&es).Error; err != nil {
		return nil, wrap(err, "local list of charge point %d", chargePointID)
	}
	return es, nil
}
