package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// TransactionEventsTable holds the OCPP 2.0.1 TransactionEvents received.
const TransactionEventsTable = "ocpp_transaction_events"

// The kinds of a 2.0.1 TransactionEvent (TransactionEventEnumType).
const (
	TransactionStarted = "Started"
	TransactionUpdated = "Updated"
	TransactionEnded   = "Ended"
)

// DefaultStoppedReason is the stop reason of a 2.0.1 transaction whose
// Ended event gives none: OCPP 2.0.1 lets the station omit stoppedReason
// only when it is Local.
const DefaultStoppedReason = "Local"

// TransactionEvent is one OCPP 2.0.1 TransactionEvent a charge point sent,
// recorded once: its session, seqNo and timestamp are unique together, so a
// retry of an event whose reply was lost is recognised and changes nothing.
// The events of a session in seqNo order are its history (triggerReason
// says why each was sent; gaps in seqNo are events still to come from an
// offline station).
type TransactionEvent struct {
	ID                uint             `gorm:"primaryKey" json:"id"`
	ChargePointID     uint             `gorm:"not null" json:"charge_point_id"`
	ChargingSessionID uint             `gorm:"not null;uniqueIndex:idx_ocpp_transaction_events_event,priority:1" json:"charging_session_id"`
	SeqNo             int              `gorm:"not null;uniqueIndex:idx_ocpp_transaction_events_event,priority:2" json:"seq_no"`
	EventType         string           `gorm:"size:10;not null" json:"event_type"` // TransactionStarted, TransactionUpdated, TransactionEnded
	TriggerReason     string           `gorm:"size:30;not null;default:''" json:"trigger_reason"`
	Timestamp         time.Time        `gorm:"not null;uniqueIndex:idx_ocpp_transaction_events_event,priority:3" json:"timestamp"` // the station's
	Offline           bool             `gorm:"not null;default:false" json:"offline"`
	ChargingState     string           `gorm:"size:20;not null;default:''" json:"charging_state"`
	ReceivedAt        time.Time        `gorm:"not null" json:"received_at"`
	ChargePoint       *ChargePoint     `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
	ChargingSession   *ChargingSession `gorm:"constraint:OnDelete:CASCADE" json:"charging_session,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (TransactionEvent) TableName() string { return TransactionEventsTable }

// TransactionUpdate is the content of an OCPP 2.0.1 TransactionEvent, for
// RecordTransactionEvent.
type TransactionUpdate struct {
	ChargePointID uint
	TransactionID string    // the station's transactionId
	EventType     string    // TransactionStarted, TransactionUpdated or TransactionEnded
	SeqNo         int       //
	Timestamp     time.Time // the station's
	TriggerReason string    //
	Offline       bool      //
	EVSEID        int       // evse.id; 0 when the event names none
	ConnectorID   int       // evse.connectorId; 0 when the event names none
	ChargingState string    // transactionInfo.chargingState; "" when absent
	StoppedReason string    // transactionInfo.stoppedReason; "" when absent
	IDTag         string    // idToken.idToken; "" when absent
	IDTokenType   string    // idToken.type
	RemoteStartID *int      //
	ReservationID *int      //
	// MeterValues are written linked to the session; ChargePointID,
	// ChargingSessionID and TransactionID are filled in, and EVSEID and
	// ConnectorID when zero.
	MeterValues []MeterValue
	ReceivedAt  time.Time // by default now
}

// TransactionResult is what RecordTransactionEvent did.
type TransactionResult struct {
	Session   *ChargingSession // the session after the event
	Created   bool             // the event created the session (a Started, or the first event heard of it)
	Stopped   bool             // the event ended a running session
	Duplicate bool             // the event was recorded before: nothing changed
	// MeterValues are the rows written, normalised (IDs not set).
	MeterValues []MeterValue
}

// statusOfChargingState returns the Status a running 2.0.1 session takes
// for a transactionInfo.chargingState, in the vocabulary of 1.6's
// connector statuses that sessions of both versions share: Charging,
// SuspendedEV and SuspendedEVSE as they are, EVConnected and Idle (a
// vehicle plugged in, or a token presented, not yet charging) Preparing.
// ok is false for an empty or unknown state: the status stays.
func statusOfChargingState(chargingState string) (status string, ok bool) {
	switch chargingState {
	case "Charging":
		return SessionCharging, true
	case "SuspendedEV":
		return SessionSuspendedEV, true
	case "SuspendedEVSE":
		return SessionSuspendedEVSE, true
	case "EVConnected", "Idle":
		return SessionPreparing, true
	}
	return "", false
}

// RecordTransactionEvent records an OCPP 2.0.1 TransactionEvent in one
// transaction, driving the same ocpp_charging_sessions rows as 1.6's
// StartTransaction and StopTransaction:
//
//   - The session is the charge point's with StationTransactionID
//     in.TransactionID. The first event heard of a transaction creates it,
//     whatever its kind: an Updated or Ended of a transaction whose Started
//     never came (the station was offline, the message was lost) is
//     recorded all the same, never refused, so the station never retries it
//     forever. A Started on an EVSE whose earlier session is still running
//     closes that one first (Completed, StopReason "Other"), keeping one
//     running session per EVSE.
//   - The event is recorded in ocpp_transaction_events. An event already
//     recorded (same session, seqNo and timestamp: a retry) changes
//     nothing and returns Duplicate.
//   - State follows seqNo, not arrival: the EVSE, connector, id token and
//     charging state of an event are taken unless a later event (higher
//     seqNo) has already set them (the charging state gives the running
//     session's Status in the vocabulary 1.6 sessions share: Charging,
//     SuspendedEV, SuspendedEVSE, Preparing for EVConnected and Idle), so events that arrive late and out of
//     order (an offline station's backlog) never roll a session back. An
//     Ended closes the session whenever it arrives: Completed, StoppedAt =
//     its timestamp, StopReason its stoppedReason (DefaultStoppedReason when
//     absent). The offline flag of any event marks the session Offline.
//   - Meter values are written whatever the order. Energy is computed from
//     the energy register readings (Energy.Active.Import.Register, no
//     phase, in Wh or kWh): MeterStart is the earliest reading by its
//     timestamp, MeterStop (once ended) the latest, EnergyConsumed the
//     difference in kWh; a reading that arrives late moves them when it is
//     earlier or later than those known.
func (s *Store) RecordTransactionEvent(ctx context.Context, in TransactionUpdate) (*TransactionResult, error) {
	ts, now := dbTime(in.Timestamp), dbTime(time.Now())
	received := now
	if !in.ReceivedAt.IsZero() {
		received = dbTime(in.ReceivedAt)
	}
	var res TransactionResult
	err := s.write(ctx, func(tx *gorm.DB) error {
		res = TransactionResult{}
		var cp ChargePoint
		if err := take(lockRow(tx).Select("id"), &cp, in.ChargePointID); err != nil {
			return err
		}
		var sess ChargingSession
		err := take(tx.Where("charge_point_id = ? AND station_transaction_id = ?", in.ChargePointID, in.TransactionID), &sess)
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if err := createTransactionSession(tx, &sess, in, ts, now); err != nil {
				return err
			}
			res.Created = true
		case err != nil:
			return err
		}
		ev := TransactionEvent{
			ChargePointID:     in.ChargePointID,
			ChargingSessionID: sess.ID,
			SeqNo:             in.SeqNo,
			EventType:         in.EventType,
			TriggerReason:     in.TriggerReason,
			Timestamp:         ts,
			Offline:           in.Offline,
			ChargingState:     in.ChargingState,
			ReceivedAt:        received,
		}
		r := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "charging_session_id"}, {Name: "seq_no"}, {Name: "timestamp"}},
			DoNothing: true,
		}).Omit(clause.Associations).Create(&ev)
		if r.Error != nil {
			return r.Error
		}
		if r.RowsAffected == 0 && !res.Created {
			res.Duplicate, res.Session = true, &sess
			return nil
		}
		wasRunning := sess.IsActive()
		if !res.Created {
			applyTransactionState(&sess, in, ts)
		}
		rows := make([]MeterValue, len(in.MeterValues))
		for i, mv := range in.MeterValues {
			mv.ChargePointID, mv.ChargingSessionID, mv.TransactionID = in.ChargePointID, &sess.ID, &sess.TransactionID
			if mv.EVSEID == 0 && mv.ConnectorID == 0 {
				mv.EVSEID, mv.ConnectorID = sess.EVSEID, sess.ConnectorID
			}
			rows[i] = normalizeMeterValue(mv, now)
		}
		if len(rows) > 0 {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit(clause.Associations).CreateInBatches(rows, meterInsertChunk).Error; err != nil {
				return err
			}
		}
		applyReadings(&sess, rows)
		if in.EventType == TransactionEnded && sess.IsActive() {
			sess.Status, sess.StoppedAt = SessionCompleted, &ts
			sess.StopReason = in.StoppedReason
			if sess.StopReason == "" {
				sess.StopReason = DefaultStoppedReason
			}
			res.Stopped = wasRunning
		}
		if sess.Status == SessionCompleted && sess.MeterStartAt != nil {
			stop := sess.MeterStart + int(math.Round(sess.EnergyConsumed*1000))
			sess.MeterStop = &stop
		}
		sess.UpdatedAt = now
		err = tx.Model(&ChargingSession{}).Where("id = ?", sess.ID).Updates(map[string]any{
			"evse_id":           sess.EVSEID,
			"connector_id":      sess.ConnectorID,
			"id_tag":            sess.IDTag,
			"id_token_type":     sess.IDTokenType,
			"status":            sess.Status,
			"started_at":        sess.StartedAt,
			"stopped_at":        sess.StoppedAt,
			"stop_reason":       sess.StopReason,
			"meter_start":       sess.MeterStart,
			"meter_start_at":    sess.MeterStartAt,
			"meter_stop":        sess.MeterStop,
			"energy_consumed":   sess.EnergyConsumed,
			"energy_updated_at": sess.EnergyUpdatedAt,
			"seq_no":            sess.SeqNo,
			"offline":           sess.Offline,
			"remote_start_id":   sess.RemoteStartID,
			"reservation_id":    sess.ReservationID,
			"updated_at":        now,
		}).Error
		if err != nil {
			return err
		}
		res.Session, res.MeterValues = &sess, rows
		return nil
	})
	if err != nil {
		return nil, wrap(err, "record transaction event %s/%d of %q on charge point %d", in.EventType, in.SeqNo, in.TransactionID, in.ChargePointID)
	}
	return &res, nil
}

// createTransactionSession creates the session of the first event heard of
// a 2.0.1 transaction, with a new unique integer TransactionID.
func createTransactionSession(tx *gorm.DB, sess *ChargingSession, in TransactionUpdate, ts, now time.Time) error {
	if in.EventType == TransactionStarted && in.EVSEID > 0 {
		err := tx.Model(&ChargingSession{}).
			Where("charge_point_id = ? AND evse_id = ? AND status IN ? AND started_at <= ?", in.ChargePointID, in.EVSEID, RunningSessionStatuses, ts).
			Updates(map[string]any{"status": SessionCompleted, "stop_reason": "Other", "stopped_at": ts, "updated_at": now}).Error
		if err != nil {
			return err
		}
	}
	status, ok := statusOfChargingState(in.ChargingState)
	if !ok {
		status = SessionCharging // as a 1.6 session whose connector says nothing more
	}
	for range maxTransactionIDAttempts {
		*sess = ChargingSession{
			ChargePointID:        in.ChargePointID,
			EVSEID:               in.EVSEID,
			ConnectorID:          in.ConnectorID,
			TransactionID:        newTransactionID(),
			StationTransactionID: in.TransactionID,
			IDTag:                in.IDTag,
			IDTokenType:          in.IDTokenType,
			Status:               status,
			StartedAt:            ts,
			SeqNo:                in.SeqNo,
			Offline:              in.Offline,
			RemoteStartID:        in.RemoteStartID,
			ReservationID:        in.ReservationID,
			CreatedAt:            now,
			UpdatedAt:            now,
		}
		r := tx.Clauses(clause.OnConflict{
			Columns:     []clause.Column{{Name: "transaction_id"}},
			TargetWhere: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "unmatched = false"}}},
			DoNothing:   true,
		}).Omit(clause.Associations).Create(sess)
		if r.Error != nil {
			return r.Error
		}
		if r.RowsAffected == 1 {
			return nil
		}
	}
	return errors.New("no free transaction id")
}

// applyTransactionState applies an event to a session that existed before
// it: what a later event has not already set.
func applyTransactionState(sess *ChargingSession, in TransactionUpdate, ts time.Time) {
	newer := in.SeqNo >= sess.SeqNo
	if in.EventType == TransactionStarted && ts.Before(sess.StartedAt) {
		sess.StartedAt = ts // the Started of a session first heard of by a later event
	}
	if in.EVSEID > 0 && (newer || sess.EVSEID == 0) {
		sess.EVSEID = in.EVSEID
		if in.ConnectorID > 0 || sess.ConnectorID == 0 {
			sess.ConnectorID = in.ConnectorID
		}
	}
	if in.IDTag != "" && (newer || sess.IDTag == "") {
		sess.IDTag, sess.IDTokenType = in.IDTag, in.IDTokenType
	}
	if in.RemoteStartID != nil && sess.RemoteStartID == nil {
		sess.RemoteStartID = in.RemoteStartID
	}
	if in.ReservationID != nil && sess.ReservationID == nil {
		sess.ReservationID = in.ReservationID
	}
	if in.Offline {
		sess.Offline = true
	}
	if newer {
		sess.SeqNo = in.SeqNo
		if st, ok := statusOfChargingState(in.ChargingState); ok && sess.IsActive() {
			sess.Status = st
		}
	}
}

// applyReadings moves a 2.0.1 session's MeterStart (the earliest energy
// register reading) and its latest reading (MeterStart + EnergyConsumed,
// dated EnergyUpdatedAt) by the readings among rows.
func applyReadings(sess *ChargingSession, rows []MeterValue) {
	startWh, startAt := float64(sess.MeterStart), sess.MeterStartAt
	lastWh, lastAt := startWh+sess.EnergyConsumed*1000, sess.EnergyUpdatedAt
	if startAt == nil {
		lastAt = nil // no reading yet
	}
	moved := false
	for i := range rows {
		wh, ok := energyReading(&rows[i])
		if !ok {
			continue
		}
		at := rows[i].Timestamp
		if startAt == nil || at.Before(*startAt) {
			startWh, startAt, moved = math.Round(wh), &at, true
		}
		if lastAt == nil || !at.Before(*lastAt) {
			lastWh, lastAt, moved = wh, &at, true
		}
	}
	if !moved {
		return
	}
	sess.MeterStart, sess.MeterStartAt = int(startWh), startAt
	sess.EnergyConsumed = max(lastWh-startWh, 0) / 1000
	sess.EnergyUpdatedAt = lastAt
}

// SessionByStationTransactionID returns the session of a charge point with
// the given 2.0.1 transactionId (ChargingSession.StationTransactionID).
func (s *Store) SessionByStationTransactionID(ctx context.Context, chargePointID uint, transactionID string) (*ChargingSession, error) {
	var sess ChargingSession
	err := take(s.ctx(ctx).Where("charge_point_id = ? AND station_transaction_id = ?", chargePointID, transactionID), &sess)
	if err != nil {
		return nil, wrap(err, "transaction %q of charge point %d", transactionID, chargePointID)
	}
	return &sess, nil
}

// TransactionEvents returns the recorded 2.0.1 TransactionEvents of a
// session in seqNo order.
func (s *Store) TransactionEvents(ctx context.Context, sessionID uint) ([]TransactionEvent, error) {
	var evs []TransactionEvent
	err := s.ctx(ctx).Where("charging_session_id = ?", sessionID).Order("seq_no, timestamp, id").Find(&evs).Error
	if err != nil {
		return nil, wrap(err, "transaction events of session %d", sessionID)
	}
	return evs, nil
}

// eventKey identifies a recorded TransactionEvent.
type eventKey struct {
	session uint
	seq     int
	at      int64 // UnixMicro of the timestamp
}

func keyOf(ev *TransactionEvent) eventKey {
	return eventKey{ev.ChargingSessionID, ev.SeqNo, dbTime(ev.Timestamp).UnixMicro()}
}

type scanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

func scanKeys(rows scanner) ([]eventKey, error) {
	var out []eventKey
	for rows.Next() {
		var sess int64
		var seq int64
		var ts any
		if err := rows.Scan(&sess, &seq, &ts); err != nil {
			return nil, err
		}
		t, err := scanTime(ts)
		if err != nil {
			return nil, err
		}
		out = append(out, eventKey{uint(sess), int(seq), dbTime(t).UnixMicro()})
	}
	return out, rows.Err()
}

// scanTime reads a timestamp as a driver returns it: a time.Time, or the
// text SQLite stores when it does not know the column's type.
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t, nil
	case []byte:
		return parseSQLiteTime(string(t))
	case string:
		return parseSQLiteTime(t)
	}
	return time.Time{}, errors.New("store: unexpected timestamp type")
}

func parseSQLiteTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("store: unreadable timestamp " + s)
}

// insertEvents runs an event INSERT … RETURNING charging_session_id,
// seq_no, timestamp in tx (SQLite) and returns the keys of the rows it
// inserted. It runs the statements prepare made once (w.prepared): SQLite
// compiles a multi-row INSERT at a cost that grows with its rows, which
// for a batch's events once took as much CPU as inserting them.
func (w *MeterWriter) insertEvents(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]eventKey, error) {
	var rows *sql.Rows
	var err error
	if st, ok := w.prepared[query]; ok {
		rows, err = tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	} else {
		rows, err = tx.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return scanKeys(rows)
}

// eventStmtSizes are the event counts of the INSERTs claimEvents runs on
// SQLite, in decreasing order (9 parameters per event): a few texts only,
// so their statements are prepared once (w.prepared) instead of compiled
// for every batch's count.
var eventStmtSizes = []int{100, 10, 1}

// eventInsertSQL returns the INSERT of n events on SQLite, RETURNING the
// keys of those it inserted.
func (w *MeterWriter) eventInsertSQL(n int) string {
	if q, ok := w.evSQL[n]; ok {
		return q
	}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO ` + TransactionEventsTable + ` (charge_point_id, charging_session_id, seq_no, event_type,
			trigger_reason, "timestamp", offline, charging_state, received_at) VALUES `)
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for c := range 9 {
			if c > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(w.placeholder(9*i + c + 1))
		}
		sb.WriteByte(')')
	}
	sb.WriteString(` ON CONFLICT (charging_session_id, seq_no, "timestamp") DO NOTHING RETURNING charging_session_id, seq_no, "timestamp"`)
	if w.evSQL == nil {
		w.evSQL = make(map[int]string)
	}
	q := sb.String()
	w.evSQL[n] = q
	return q
}

// claimEvents records the TransactionEvents of reqs in the writer's
// transaction tx on SQLite (on PostgreSQL: sendEvents) and marks dup the
// requests whose event was recorded before (or appears twice in the
// batch): their rows are not written.
func (w *MeterWriter) claimEvents(ctx context.Context, tx *sql.Tx, reqs []*meterRequest, now time.Time) error {
	evs := eventsToClaim(reqs)
	var inserted []eventKey
	args := make([]any, 0, 9*min(len(evs), eventStmtSizes[0]))
	rest := evs
	for _, n := range eventStmtSizes {
		for len(rest) >= n {
			args = args[:0]
			for _, r := range rest[:n] {
				ev := r.event
				args = append(args, int64(ev.ChargePointID), int64(ev.ChargingSessionID), int64(ev.SeqNo), ev.EventType,
					ev.TriggerReason, dbTime(ev.Timestamp), ev.Offline, ev.ChargingState, receivedAt(ev, now))
			}
			ks, err := w.insertEvents(ctx, tx, w.eventInsertSQL(n), args...)
			if err != nil {
				return err
			}
			inserted = append(inserted, ks...)
			rest = rest[n:]
		}
	}
	markClaimed(evs, inserted)
	return nil
}

// eventsToClaim returns the requests of reqs whose event is to be
// inserted: it clears dup on every request, then marks dup each request
// whose event an earlier request of the batch carries.
func eventsToClaim(reqs []*meterRequest) []*meterRequest {
	var evs []*meterRequest
	var seen map[eventKey]bool
	for _, r := range reqs {
		r.dup = false
		if r.event == nil {
			continue
		}
		if seen == nil {
			seen = make(map[eventKey]bool)
		}
		k := keyOf(r.event)
		if seen[k] {
			r.dup = true
			continue
		}
		seen[k] = true
		evs = append(evs, r)
	}
	return evs
}

// markClaimed marks dup the requests of evs whose event is not among the
// keys the INSERTs returned (it was recorded before).
func markClaimed(evs []*meterRequest, inserted []eventKey) {
	fresh := make(map[eventKey]bool, len(inserted))
	for _, k := range inserted {
		fresh[k] = true
	}
	for _, r := range evs {
		if !fresh[keyOf(r.event)] {
			r.dup = true
		}
	}
}

// receivedAt is ev.ReceivedAt for storage, now when it is zero.
func receivedAt(ev *TransactionEvent, now time.Time) time.Time {
	if ev.ReceivedAt.IsZero() {
		return dbTime(now)
	}
	return dbTime(ev.ReceivedAt)
}

// eventInsertArraysSQL inserts events on PostgreSQL from one array per
// column, whatever their count, RETURNING the keys of those it inserted.
const eventInsertArraysSQL = `INSERT INTO ` + TransactionEventsTable + ` (charge_point_id, charging_session_id, seq_no, event_type,
	trigger_reason, "timestamp", offline, charging_state, received_at)
	SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[],
	$7::boolean[], $8::text[], $9::timestamptz[])
	ON CONFLICT (charging_session_id, seq_no, "timestamp") DO NOTHING RETURNING charging_session_id, seq_no, "timestamp"`

// eventArrays returns the events of evs as the parameters of
// eventInsertArraysSQL.
func eventArrays(evs []*meterRequest, now time.Time) []any {
	n := len(evs)
	cp, sess, seq := make([]int64, n), make([]int64, n), make([]int64, n)
	typ, reason, state := make([]string, n), make([]string, n), make([]string, n)
	ts, received := make([]time.Time, n), make([]time.Time, n)
	offline := make([]bool, n)
	for i, r := range evs {
		ev := r.event
		cp[i], sess[i], seq[i] = int64(ev.ChargePointID), int64(ev.ChargingSessionID), int64(ev.SeqNo)
		typ[i], reason[i], state[i] = ev.EventType, ev.TriggerReason, ev.ChargingState
		ts[i], received[i], offline[i] = dbTime(ev.Timestamp), receivedAt(ev, now), ev.Offline
	}
	return []any{cp, sess, seq, typ, reason, ts, offline, state, received}
}
