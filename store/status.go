package store

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ConnectorStatus is the content of a StatusNotification (of either
// version), or of a 2.0.1 NotifyEvent reporting an AvailabilityState.
//
// EVSEID is the outlet number and ConnectorID the protocol's connector
// number, as for Connector. A ConnectorStatus with EVSEID 0 and a
// ConnectorID > 0 is in 1.6's numbering and stands for EVSEID =
// ConnectorID (2.0.1 connectors always belong to an EVSE ≥ 1), so 1.6
// callers set ConnectorID alone; 0 and 0 is the charge point as a whole.
type ConnectorStatus struct {
	EVSEID                    int
	ConnectorID               int
	Status, ErrorCode, Info   string
	VendorID, VendorErrorCode string
	Timestamp                 time.Time // the station's timestamp; zero: now
	// ReceiveTime says the station sent no timestamp, so Timestamp (or
	// now) is the receive time. The fact is recorded in the metadata key
	// connector_<n>_timestamp_source = "received", removed again by the
	// next status with a station timestamp.
	ReceiveTime bool
}

// statusRank orders connector statuses for AggregateStatus: the higher the
// rank, the more it says about the charge point as a whole.
var statusRank = map[string]int{
	"Available":     0,
	"Unavailable":   2,
	"Reserved":      3,
	"Preparing":     4,
	"Occupied":      4, // OCPP 2.0.1: a vehicle is plugged in
	"Finishing":     5,
	"SuspendedEV":   6,
	"SuspendedEVSE": 7,
	"Faulted":       8,
	"Charging":      9,
}

func rank(status string) int {
	if r, ok := statusRank[status]; ok {
		return r
	}
	return 1 // an unknown (vendor) status: above Available, below anything known
}

// AggregateStatus derives a charge point's status from its connectors'
// statuses (connector id → status; connector 0 is the charge point itself).
// The rule, deterministic and independent of the order of notifications:
//
//  1. Connector 0 Faulted or Unavailable: that status (the whole charge point
//     is down, whatever its connectors last said).
//  2. No connector ≥ 1 known: connector 0's status ("" if unknown either).
//  3. Otherwise the most telling status of the connectors ≥ 1, in the order
//     Charging > Faulted > SuspendedEVSE > SuspendedEV > Finishing > Preparing
//     > Reserved > Unavailable > (unknown vendor status) > Available.
//     So Charging if any connector charges, Available only when all are
//     Available, and a single-connector charge point takes its connector's
//     status. The occupied states (Preparing, SuspendedEV, SuspendedEVSE,
//     Finishing) win over Available.
func AggregateStatus(connectors map[int]string) string {
	c0, has0 := connectors[0]
	if has0 && (c0 == "Faulted" || c0 == "Unavailable") {
		return c0
	}
	best, found := "", false
	for id, st := range connectors {
		if id == 0 {
			continue
		}
		if !found || rank(st) > rank(best) || (rank(st) == rank(best) && st < best) {
			best, found = st, true
		}
	}
	if !found {
		return c0
	}
	return best
}

// UpdateConnectorStatus records a StatusNotification in one transaction: it
// upserts the connector's row, sets the metadata keys connector_<n>_status,
// connector_<n>_error_code and connector_<n>_updated_at (RFC 3339, UTC) of the
// charge point, n being the outlet number (EVSEID), and recomputes the charge
// point's Status with AggregateStatus over all its connectors. A running
// session on the outlet takes the status when it is one a session follows
// (Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing: 1.6's; a
// 2.0.1 connector's Occupied is not, its sessions follow their
// TransactionEvents). It returns the updated charge point.
func (s *Store) UpdateConnectorStatus(ctx context.Context, id uint, st ConnectorStatus) (*ChargePoint, error) {
	if st.EVSEID == 0 && st.ConnectorID > 0 {
		st.EVSEID = st.ConnectorID // 1.6's numbering
	}
	now := dbTime(time.Now())
	at := now
	if !st.Timestamp.IsZero() {
		at = st.Timestamp
	}
	at = dbTime(at)
	var cp ChargePoint
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := take(lockRow(tx), &cp, id); err != nil {
			return err
		}
		conn := Connector{
			ChargePointID:   id,
			EVSEID:          st.EVSEID,
			ConnectorID:     st.ConnectorID,
			Status:          st.Status,
			ErrorCode:       st.ErrorCode,
			Info:            st.Info,
			VendorID:        st.VendorID,
			VendorErrorCode: st.VendorErrorCode,
			StatusAt:        at,
			CreatedAt:       now,
			UpdatedAt:       now,
		}
		err := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "charge_point_id"}, {Name: "evse_id"}, {Name: "connector_id"}},
			DoUpdates: clause.AssignmentColumns([]string{
				"status", "error_code", "info", "vendor_id", "vendor_error_code", "status_at", "updated_at",
			}),
		}).Omit(clause.Associations).Create(&conn).Error
		if err != nil {
			return err
		}
		var rows []Connector
		if err := tx.Select("evse_id", "connector_id", "status").Where("charge_point_id = ?", id).Find(&rows).Error; err != nil {
			return err
		}
		// AggregateStatus takes 0 for the station and any other key for a
		// connector: every connector row of an EVSE counts.
		statuses := make(map[int]string, len(rows))
		for i, r := range rows {
			if r.EVSEID == 0 && r.ConnectorID == 0 {
				statuses[0] = r.Status
				continue
			}
			statuses[i+1] = r.Status
		}
		if cp.Metadata == nil {
			cp.Metadata = JSONMap{}
		}
		key := "connector_" + strconv.Itoa(st.EVSEID) + "_"
		cp.Metadata[key+"status"] = st.Status
		cp.Metadata[key+"error_code"] = st.ErrorCode
		cp.Metadata[key+"updated_at"] = at.Format(time.RFC3339Nano)
		if st.ReceiveTime || st.Timestamp.IsZero() {
			cp.Metadata[key+"timestamp_source"] = "received"
		} else {
			delete(cp.Metadata, key+"timestamp_source")
		}
		cp.Status = AggregateStatus(statuses)
		cp.UpdatedAt = now
		if sessionStatus, ok := sessionStatusOf(st.Status); ok && st.ConnectorID > 0 {
			err := tx.Model(&ChargingSession{}).
				Where("charge_point_id = ? AND evse_id = ? AND status IN ? AND status <> ?", id, st.EVSEID, RunningSessionStatuses, sessionStatus).
				Updates(map[string]any{"status": sessionStatus, "updated_at": now}).Error
			if err != nil {
				return err
			}
		}
		return tx.Model(&ChargePoint{}).Where("id = ?", id).Updates(map[string]any{
			"status":     cp.Status,
			"metadata":   cp.Metadata,
			"updated_at": now,
		}).Error
	})
	if err != nil {
		return nil, wrap(err, "update status of charge point %d evse %d connector %d", id, st.EVSEID, st.ConnectorID)
	}
	return &cp, nil
}

// Connectors returns the connectors of a charge point ordered by EVSE and
// connector id (on 1.6, by connector id).
func (s *Store) Connectors(ctx context.Context, chargePointID uint) ([]Connector, error) {
	var cs []Connector
	err := s.ctx(ctx).Scopes(ForChargePoint(chargePointID)).Order("evse_id, connector_id").Find(&cs).Error
	if err != nil {
		return nil, wrap(err, "connectors of %d", chargePointID)
	}
	return cs, nil
}
