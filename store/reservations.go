package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ReservationsTable holds the reservations made with ReserveNow.
const ReservationsTable = "ocpp_reservations"

// Reservation statuses.
const (
	ReservationActive    = "Active"    // accepted by the charge point, not yet used
	ReservationUsed      = "Used"      // consumed by a StartTransaction with its reservationId
	ReservationCancelled = "Cancelled" // cancelled with CancelReservation
	ReservationExpired   = "Expired"   // its expiry date passed before it was used
)

// Reservation is a ReserveNow the charge point accepted. ReservationID is
// the OCPP reservationId, unique per charge point (a ReserveNow with the id
// of an existing reservation replaces it, as OCPP 1.6 §5.13 says).
type Reservation struct {
	ID            uint         `gorm:"primaryKey" json:"id"`
	ChargePointID uint         `gorm:"not null;uniqueIndex:idx_ocpp_reservations_charge_point_reservation,priority:1;index:idx_ocpp_reservations_status,priority:2" json:"charge_point_id"`
	ReservationID int          `gorm:"not null;uniqueIndex:idx_ocpp_reservations_charge_point_reservation,priority:2" json:"reservation_id"`
	ConnectorID   int          `gorm:"not null" json:"connector_id"`
	IDTag         string       `gorm:"column:id_tag;size:36;not null" json:"id_tag"`
	ParentIDTag   string       `gorm:"column:parent_id_tag;size:36" json:"parent_id_tag"`
	ExpiryDate    time.Time    `gorm:"not null;index:idx_ocpp_reservations_expiry" json:"expiry_date"`
	Status        string       `gorm:"size:20;not null;default:Active;index:idx_ocpp_reservations_status,priority:1" json:"status"`
	SessionID     *uint        `json:"session_id"` // the charging session that used it
	UsedAt        *time.Time   `json:"used_at"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ChargePoint   *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`

	// EVSEID is the outlet reserved (0: any), as for Connector: 1.6's
	// connectorId, 2.0.1's evseId. A 2.0.1 reservation has ConnectorID 0.
	// SaveReservation takes EVSEID 0 with a ConnectorID > 0 for 1.6's
	// numbering.
	EVSEID int `gorm:"column:evse_id;not null;default:0" json:"evse_id"`
}

// TableName implements gorm's schema.Tabler.
func (Reservation) TableName() string { return ReservationsTable }

// IsActive reports whether the reservation is Active and not expired at now.
func (r *Reservation) IsActive(now time.Time) bool {
	return r.Status == ReservationActive && now.Before(r.ExpiryDate)
}

// SaveReservation records an accepted ReserveNow: it creates the
// reservation r.ReservationID of r.ChargePointID, or replaces the one with
// that id (whatever its status), as Active.
func (s *Store) SaveReservation(ctx context.Context, r Reservation) (*Reservation, error) {
	now := dbTime(time.Now())
	if r.EVSEID == 0 && r.ConnectorID > 0 {
		r.EVSEID = r.ConnectorID // 1.6's numbering
	}
	row := Reservation{
		ChargePointID: r.ChargePointID,
		ReservationID: r.ReservationID,
		EVSEID:        r.EVSEID,
		ConnectorID:   r.ConnectorID,
		IDTag:         r.IDTag,
		ParentIDTag:   r.ParentIDTag,
		ExpiryDate:    dbTime(r.ExpiryDate),
		Status:        ReservationActive,
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		err := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "charge_point_id"}, {Name: "reservation_id"}},
			DoUpdates: clause.Assignments(map[string]any{
				"connector_id":  row.ConnectorID,
				"evse_id":       row.EVSEID,
				"id_tag":        row.IDTag,
				"parent_id_tag": row.ParentIDTag,
				"expiry_date":   row.ExpiryDate,
				"status":        ReservationActive,
				"session_id":    nil,
				"used_at":       nil,
				"updated_at":    now,
			}),
		}).Create(&row).Error
		if err != nil {
			return err
		}
		return take(tx.Where("charge_point_id = ? AND reservation_id = ?", r.ChargePointID, r.ReservationID), &row)
	})
	if err != nil {
		return nil, wrap(err, "save reservation %d of charge point %d", r.ReservationID, r.ChargePointID)
	}
	return &row, nil
}

// UseReservation marks the reservation reservationID of a charge point as
// Used by the charging session sessionID (a StartTransaction carrying its
// reservationId). It is idempotent: a retry for the same session returns
// the reservation unchanged, with changed=false. A reservation that is not
// Active (cancelled, expired, used by another session) is returned
// unchanged too: the session started anyway, the charge point decided.
// ErrNotFound when there is no such reservation.
func (s *Store) UseReservation(ctx context.Context, chargePointID uint, reservationID int, sessionID uint, at time.Time) (r *Reservation, changed bool, err error) {
	r = &Reservation{}
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := take(lockRow(tx).Where("charge_point_id = ? AND reservation_id = ?", chargePointID, reservationID), r); err != nil {
			return err
		}
		if r.Status != ReservationActive {
			return nil
		}
		t := dbTime(at)
		r.Status, r.SessionID, r.UsedAt, r.UpdatedAt = ReservationUsed, &sessionID, &t, dbTime(time.Now())
		changed = true
		return tx.Model(&Reservation{}).Where("id = ?", r.ID).Updates(map[string]any{
			"status": r.Status, "session_id": sessionID, "used_at": t, "updated_at": r.UpdatedAt,
		}).Error
	})
	if err != nil {
		return nil, false, wrap(err, "use reservation %d of charge point %d", reservationID, chargePointID)
	}
	return r, changed, nil
}

// CancelReservation marks an Active reservation Cancelled (an accepted
// CancelReservation) and returns it. A reservation in another status is
// returned unchanged. ErrNotFound when there is no such reservation.
func (s *Store) CancelReservation(ctx context.Context, chargePointID uint, reservationID int) (*Reservation, error) {
	return s.EndReservation(ctx, chargePointID, reservationID, ReservationCancelled)
}

// EndReservation marks an Active reservation with status (Cancelled or
// Expired: a 2.0.1 ReservationStatusUpdate tells that the station removed
// it or that it expired) and returns it. A reservation in another status
// is returned unchanged. ErrNotFound when there is no such reservation.
func (s *Store) EndReservation(ctx context.Context, chargePointID uint, reservationID int, status string) (*Reservation, error) {
	var r Reservation
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := take(lockRow(tx).Where("charge_point_id = ? AND reservation_id = ?", chargePointID, reservationID), &r); err != nil {
			return err
		}
		if r.Status != ReservationActive {
			return nil
		}
		r.Status, r.UpdatedAt = status, dbTime(time.Now())
		return tx.Model(&Reservation{}).Where("id = ?", r.ID).Updates(map[string]any{"status": r.Status, "updated_at": r.UpdatedAt}).Error
	})
	if err != nil {
		return nil, wrap(err, "end reservation %d of charge point %d", reservationID, chargePointID)
	}
	return &r, nil
}

// ExpireReservations marks every Active reservation whose expiry date is at
// or before now as Expired, and returns them (with their new status). The
// remote client calls it periodically; Reservations calls it lazily.
func (s *Store) ExpireReservations(ctx context.Context, now time.Time) ([]Reservation, error) {
	var rs []Reservation
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := lockRow(tx).Where("status = ? AND expiry_date <= ?", ReservationActive, dbTime(now)).Order("id").Find(&rs).Error; err != nil {
			return err
		}
		if len(rs) == 0 {
			return nil
		}
		ids := make([]uint, len(rs))
		upd := dbTime(time.Now())
		for i := range rs {
			ids[i] = rs[i].ID
			rs[i].Status, rs[i].UpdatedAt = ReservationExpired, upd
		}
		return tx.Model(&Reservation{}).Where("id IN ? AND status = ?", ids, ReservationActive).
			Updates(map[string]any{"status": ReservationExpired, "updated_at": upd}).Error
	})
	if err != nil {
		return nil, wrap(err, "expire reservations")
	}
	return rs, nil
}

// Reservations returns the reservations of a charge point, newest first,
// after marking those past their expiry at now as Expired. activeOnly
// restricts the result to Active ones.
func (s *Store) Reservations(ctx context.Context, chargePointID uint, now time.Time, activeOnly bool) ([]Reservation, error) {
	t := dbTime(now)
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&Reservation{}).
			Where("charge_point_id = ? AND status = ? AND expiry_date <= ?", chargePointID, ReservationActive, t).
			Updates(map[string]any{"status": ReservationExpired, "updated_at": dbTime(time.Now())})
	})
	if err != nil {
		return nil, wrap(err, "expire reservations of charge point %d", chargePointID)
	}
	q := s.ctx(ctx).Where("charge_point_id = ?", chargePointID)
	if activeOnly {
		q = q.Where("status = ?", ReservationActive)
	}
	var rs []Reservation
	if err := q.Order("id DESC").Find(&rs).Error; err != nil {
		return nil, wrap(err, "reservations of charge point %d", chargePointID)
	}
	return rs, nil
}

// ReservationByID returns the reservation reservationID (the OCPP id) of a
// charge point.
func (s *Store) ReservationByID(ctx context.Context, chargePointID uint, reservationID int) (*Reservation, error) {
	var r Reservation
	err := take(s.ctx(ctx).Where("charge_point_id = ? AND reservation_id = ?", chargePointID, reservationID), &r)
	if err != nil {
		return nil, wrap(err, "reservation %d of charge point %d", reservationID, chargePointID)
	}
	return &r, nil
}
