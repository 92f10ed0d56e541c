package store

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// StartSession is the content of a StartTransaction.
type StartSession struct {
	ChargePointID uint
	ConnectorID   int
	IDTag         string
	MeterStart    int       // Wh
	StartedAt     time.Time // the station's timestamp
	ReservationID *int
}

// StopSession is the content of a StopTransaction.
type StopSession struct {
	ChargePointID uint
	TransactionID int
	MeterStop     int       // Wh
	StoppedAt     time.Time // the station's timestamp
	Reason        string
	IDTag         string // optional; recorded only for unmatched sessions
	// MeterValues (transactionData) are written in StopSession's own
	// transaction, linked to the session, only when this call closes it (a
	// repeated StopTransaction writes them once). ChargePointID,
	// ChargingSessionID and TransactionID are filled in.
	MeterValues []MeterValue
}

// maxTransactionIDAttempts bounds retries on a transaction id collision; with
// 2^31 ids, needing more than one attempt is already rare.
const maxTransactionIDAttempts = 10

// newTransactionID returns a random positive 31-bit integer.
func newTransactionID() int { return int(rand.Int32N(math.MaxInt32)) + 1 }

// StartSession records a StartTransaction and returns its session, in one
// transaction.
//
// It is idempotent: a repeat with the same charge point, connector, id tag,
// StartedAt and MeterStart returns the existing session (same TransactionID)
// with created=false. Otherwise a session with a new random TransactionID is
// created (unique across the system by the database's unique index, so
// several nodes never hand out the same id); a running session left on the
// same connector is closed first (Completed, StopReason "Other", StoppedAt =
// the new StartedAt), keeping one active session per connector.
//
// The new session's Status is its connector's last status when that is
// Preparing, Charging, SuspendedEV or SuspendedEVSE, else Charging; from
// then on UpdateConnectorStatus keeps it in step with the connector.
func (s *Store) StartSession(ctx context.Context, in StartSession) (sess *ChargingSession, created bool, err error) {
	startedAt := dbTime(in.StartedAt)
	err = s.write(ctx, func(tx *gorm.DB) error {
		// Serialise transaction messages of one charge point (PostgreSQL).
		var cp ChargePoint
		if err := take(lockRow(tx).Select("id"), &cp, in.ChargePointID); err != nil {
			return err
		}
		var existing ChargingSession
		err := take(tx.Where("charge_point_id = ? AND connector_id = ? AND id_tag = ? AND started_at = ? AND meter_start = ? AND unmatched = ? AND station_transaction_id = ''",
			in.ChargePointID, in.ConnectorID, in.IDTag, startedAt, in.MeterStart, false).
			Order("id"), &existing)
		if err == nil {
			sess = &existing
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		now := dbTime(time.Now())
		// The session starts in its connector's status when that is one a
		// session follows (Preparing, SuspendedEV …), else Charging.
		var connStatus []string
		if err := tx.Model(&Connector{}).Where("charge_point_id = ? AND evse_id = ? AND connector_id = ?", in.ChargePointID, in.ConnectorID, in.ConnectorID).
			Limit(1).Pluck("status", &connStatus).Error; err != nil {
			return err
		}
		status := SessionCharging
		if len(connStatus) == 1 {
			if st, ok := sessionStatusOf(connStatus[0]); ok && st != SessionFinishing {
				status = st
			}
		}
		err = tx.Model(&ChargingSession{}).
			Where("charge_point_id = ? AND evse_id = ? AND status IN ?", in.ChargePointID, in.ConnectorID, RunningSessionStatuses).
			Updates(map[string]any{
				"status":      SessionCompleted,
				"stop_reason": "Other",
				"stopped_at":  startedAt,
				"updated_at":  now,
			}).Error
		if err != nil {
			return err
		}
		for range maxTransactionIDAttempts {
			ns := &ChargingSession{
				ChargePointID: in.ChargePointID,
				EVSEID:        in.ConnectorID, // 1.6: the outlet is the connector
				ConnectorID:   in.ConnectorID,
				TransactionID: newTransactionID(),
				IDTag:         in.IDTag,
				Status:        status,
				StartedAt:     startedAt,
				MeterStart:    in.MeterStart,
				ReservationID: in.ReservationID,
				CreatedAt:     now,
				UpdatedAt:     now,
			}
			res := tx.Clauses(clause.OnConflict{
				Columns:     []clause.Column{{Name: "transaction_id"}},
				TargetWhere: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "unmatched = false"}}},
				DoNothing:   true,
			}).Omit(clause.Associations).Create(ns)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				sess, created = ns, true
				return nil
			}
		}
		return errors.New("no free transaction id")
	})
	if err != nil {
		return nil, false, wrap(err, "start session on charge point %d connector %d", in.ChargePointID, in.ConnectorID)
	}
	return sess, created, nil
}

// StopSession records a StopTransaction and returns the closed session.
//
// It sets MeterStop, StoppedAt, StopReason, Status Completed and
// EnergyConsumed = (MeterStop − MeterStart)/1000 kWh (never negative). It is
// idempotent: a session already Completed is returned unchanged.
//
// A TransactionID this charge point has no session for is still recorded (so
// the reply can acknowledge it): a Completed session with Unmatched=true, the
// reported TransactionID, StartedAt=StoppedAt and MeterStart=MeterStop; a
// repeat returns that same row.
func (s *Store) StopSession(ctx context.Context, in StopSession) (*ChargingSession, error) {
	stoppedAt := dbTime(in.StoppedAt)
	var sess ChargingSession
	err := s.write(ctx, func(tx *gorm.DB) error {
		var cp ChargePoint
		if err := take(lockRow(tx).Select("id"), &cp, in.ChargePointID); err != nil {
			return err
		}
		err := take(tx.Where("charge_point_id = ? AND transaction_id = ?", in.ChargePointID, in.TransactionID).
			Order("unmatched, id"), &sess)
		now := dbTime(time.Now())
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			meterStop := in.MeterStop
			sess = ChargingSession{
				ChargePointID: in.ChargePointID,
				TransactionID: in.TransactionID,
				IDTag:         in.IDTag,
				Status:        SessionCompleted,
				StartedAt:     stoppedAt,
				StoppedAt:     &stoppedAt,
				MeterStart:    in.MeterStop,
				MeterStop:     &meterStop,
				StopReason:    in.Reason,
				Unmatched:     true,
				CreatedAt:     now,
				UpdatedAt:     now,
			}
			if err := tx.Omit(clause.Associations).Create(&sess).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		case sess.Status == SessionCompleted && sess.MeterStop != nil:
			return nil // already stopped: nothing twice
		default:
			// Active, or closed by a newer StartTransaction on the connector
			// (then MeterStop is still unknown and this stop completes it).
			meterStop := in.MeterStop
			energy := float64(max(in.MeterStop-sess.MeterStart, 0)) / 1000
			updates := map[string]any{
				"status":          SessionCompleted,
				"meter_stop":      meterStop,
				"energy_consumed": energy,
				"stop_reason":     in.Reason,
				"updated_at":      now,
			}
			if sess.IsActive() || sess.StoppedAt == nil {
				updates["stopped_at"] = stoppedAt
				sess.StoppedAt = &stoppedAt
				sess.StopReason = in.Reason
			} else {
				delete(updates, "stop_reason") // keep the stop recorded by the newer start
			}
			if err := tx.Model(&ChargingSession{}).Where("id = ?", sess.ID).Updates(updates).Error; err != nil {
				return err
			}
			sess.Status, sess.MeterStop, sess.EnergyConsumed, sess.UpdatedAt = SessionCompleted, &meterStop, energy, now
		}
		if len(in.MeterValues) == 0 {
			return nil
		}
		rows := make([]MeterValue, len(in.MeterValues))
		txID := in.TransactionID
		for i, mv := range in.MeterValues {
			mv.ChargePointID = in.ChargePointID
			mv.ChargingSessionID = &sess.ID
			mv.TransactionID = &txID
			rows[i] = normalizeMeterValue(mv, now)
		}
		// A reading the charge point also sent in a MeterValues is kept once.
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Omit(clause.Associations).CreateInBatches(rows, meterInsertChunk).Error
	})
	if err != nil {
		return nil, wrap(err, "stop transaction %d of charge point %d", in.TransactionID, in.ChargePointID)
	}
	return &sess, nil
}

// SessionByTransactionID returns the session of a charge point with the given
// transaction id (a matched session if there is one, else an unmatched one).
func (s *Store) SessionByTransactionID(ctx context.Context, chargePointID uint, transactionID int) (*ChargingSession, error) {
	var sess ChargingSession
	err := take(s.ctx(ctx).Where("charge_point_id = ? AND transaction_id = ?", chargePointID, transactionID).
		Order("unmatched, id"), &sess)
	if err != nil {
		return nil, wrap(err, "transaction %d of charge point %d", transactionID, chargePointID)
	}
	return &sess, nil
}

// SessionByID returns the session with database id id.
func (s *Store) SessionByID(ctx context.Context, id uint) (*ChargingSession, error) {
	var sess ChargingSession
	if err := take(s.ctx(ctx), &sess, id); err != nil {
		return nil, wrap(err, "session %d", id)
	}
	return &sess, nil
}

// ActiveSession returns the active session on an outlet of a charge point:
// the connector of a 1.6 charge point, the EVSE of a 2.0.1 one (evseID is
// the sessions' EVSEID).
func (s *Store) ActiveSession(ctx context.Context, chargePointID uint, evseID int) (*ChargingSession, error) {
	var sess ChargingSession
	err := take(s.ctx(ctx).Scopes(Active).
		Where("charge_point_id = ? AND evse_id = ?", chargePointID, evseID).
		Order("started_at DESC, id DESC"), &sess)
	if err != nil {
		return nil, wrap(err, "active session of charge point %d evse %d", chargePointID, evseID)
	}
	return &sess, nil
}

// CurrentSession returns the charge point's most recently started active
// session, or an error wrapping ErrNotFound.
func (cp *ChargePoint) CurrentSession(ctx context.Context, db *gorm.DB) (*ChargingSession, error) {
	var sess ChargingSession
	err := take(db.WithContext(ctx).Scopes(Active).Where("charge_point_id = ?", cp.ID).
		Order("started_at DESC, id DESC"), &sess)
	if err != nil {
		return nil, wrap(err, "current session of charge point %d", cp.ID)
	}
	return &sess, nil
}

// EnergyToday returns the kWh of the sessions that started at or after since,
// stopped at or after since, or are still active. It is an approximation: a
// session that spans since counts with all its energy, not only the part
// after since.
func (s *Store) EnergyToday(ctx context.Context, since time.Time) (float64, error) {
	var total *float64
	t := dbTime(since)
	err := s.ctx(ctx).Model(&ChargingSession{}).
		Where("started_at >= ? OR stopped_at >= ? OR status IN ?", t, t, RunningSessionStatuses).
		Select("SUM(energy_consumed)").Scan(&total).Error
	if err != nil {
		return 0, wrap(err, "energy since %s", since.Format(time.RFC3339))
	}
	if total == nil {
		return 0, nil
	}
	return *total, nil
}
