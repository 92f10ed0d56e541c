package main

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
)

// The ceiling of meter persistence on this machine, measured in the same
// run as the meter scenario: how many meter value rows per second the
// database takes from one writer doing nothing else. The writer inserts the
// rows the fleet of the run produces — one session per charge point, four
// readings per message (energy, power, current, voltage: the columns
// ocppkit's MeterWriter fills), messages from the charge points in turn, as
// a fleet waiting for its replies delivers them — into the migrated schema
// (its indexes and foreign keys included), in transactions of
// ceilingTxRows rows: on SQLite as multi-row INSERTs of ceilingStmtRows
// rows prepared once, on PostgreSQL as one INSERT from column arrays
// (ceilingUnnest). ocppkit's MeterWriter does more per row (decoding,
// validation, session energy, idempotence): its rows per second over this
// ceiling is the figure of merit.
//
// Both are measured over the same sizes of the table: the ceiling first
// inserts, untimed, as many rows as the ocppkit run had stored when its
// measurement window opened, then times as many rows as the run stored in
// its window. Inserts get slower as the table and its indexes outgrow the
// page cache (measured on SQLite: 41k rows/s into the first 200k rows,
// 35k from 200k to 500k, 29k past a million), so a ceiling timed on a
// younger table than the run's flattered the database, not the writer.
//
// The same rows from a single charge point go in far faster (printed
// beside it): each index then grows at one end, while a fleet's rows land
// on a page per charge point. No writer can take a fleet's rows at that
// rate, so it is context, not the ceiling.

const (
	ceilingStmtRows = 500
	ceilingTxRows   = 2000
	ceilingColumns  = `charge_point_id, charging_session_id, connector_id, transaction_id, measurand, value,
		raw_value, unit, phase, context, location, format, "timestamp", created_at, evse_id, signed_data`
	ceilingNCols = 16
)

// ceilingUnnest is the ceiling's INSERT on PostgreSQL: a transaction's
// rows as one array per column, the fastest way this program found for one
// writer to insert a batch (as fast as COPY; on the 2-core machine of the
// README, 500-row VALUES measured 32k–41k rows/s and arrays 38k–55k in
// the same hour). ocppkit's writer inserts the same way.
// signed_data stays NULL.
const ceilingUnnest = `INSERT INTO ocpp_meter_values (charge_point_id, charging_session_id, connector_id, transaction_id,
	measurand, value, raw_value, unit, phase, context, location, format, "timestamp", created_at, evse_id)
	SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::double precision[],
	$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::timestamptz[], $15::bigint[])`

// ceilingColumnArrays are the columns of ceilingUnnest.
type ceilingColumnArrays struct {
	cp, sess, conn, tx, evse                               []int64
	measurand, raw, unit, phase, context, location, format []string
	value                                                  []float64
	ts, created                                            []time.Time
}

// add appends rows given as the multi-row INSERT's arguments
// (ceilingNCols per row, in ceilingColumns order).
func (c *ceilingColumnArrays) add(args []any) {
	for r := 0; r+ceilingNCols <= len(args); r += ceilingNCols {
		a := args[r : r+ceilingNCols]
		c.cp = append(c.cp, int64(a[0].(uint)))
		c.sess = append(c.sess, int64(a[1].(uint)))
		c.conn = append(c.conn, int64(a[2].(int)))
		c.tx = append(c.tx, int64(a[3].(int)))
		c.measurand = append(c.measurand, a[4].(string))
		c.value = append(c.value, a[5].(float64))
		c.raw = append(c.raw, a[6].(string))
		c.unit = append(c.unit, a[7].(string))
		c.phase = append(c.phase, a[8].(string))
		c.context = append(c.context, a[9].(string))
		c.location = append(c.location, a[10].(string))
		c.format = append(c.format, a[11].(string))
		c.ts = append(c.ts, a[12].(time.Time))
		c.created = append(c.created, a[13].(time.Time))
		c.evse = append(c.evse, int64(a[14].(int)))
	}
}

func (c *ceilingColumnArrays) args() []any {
	return []any{c.cp, c.sess, c.conn, c.tx, c.measurand, c.value, c.raw, c.unit, c.phase, c.context,
		c.location, c.format, c.ts, c.created, c.evse}
}

func (c *ceilingColumnArrays) reset() { *c = ceilingColumnArrays{} }

// ceilingRun says which rows the ceiling inserts: skip rows untimed, then
// rows timed (both rounded up to whole transactions, at least one timed),
// giving up on the timed part after maxDur.
type ceilingRun struct {
	skip, rows int
	maxDur     time.Duration
}

// measureCeiling measures the ceiling in a fresh database of the run's
// kind, with rows of fleet charge points, and returns rows per second.
func measureCeiling(ctx context.Context, o *options, fleet int, run ceilingRun) (float64, error) {
	dbh, err := prepareDB(ctx, o)
	if err != nil {
		return 0, err
	}
	defer dbh.cleanup()
	var rate float64
	err = dbh.query(func(db *gorm.DB) error {
		if err := store.Migrate(ctx, db); err != nil {
			return err
		}
		sqlDB, err := db.DB()
		if err != nil {
			return err
		}
		pg := dbh.kind == "postgres"
		sessions, err := ceilingSessions(ctx, db, fleet)
		if err != nil {
			return err
		}
		rate, err = insertRows(ctx, sqlDB, pg, sessions, run)
		return err
	})
	return rate, err
}

// ceilingSessions creates fleet charge points with a charging session each.
func ceilingSessions(ctx context.Context, db *gorm.DB, fleet int) ([]store.ChargingSession, error) {
	now := time.Now().UTC()
	cps := make([]store.ChargePoint, fleet)
	for i := range cps {
		cps[i] = store.ChargePoint{Identifier: fmt.Sprintf("ceiling%05d", i), Metadata: store.JSONMap{}}
	}
	if err := db.WithContext(ctx).CreateInBatches(&cps, 500).Error; err != nil {
		return nil, fmt.Errorf("ceiling: charge points: %w", err)
	}
	sessions := make([]store.ChargingSession, fleet)
	for i := range sessions {
		sessions[i] = store.ChargingSession{ChargePointID: cps[i].ID, ConnectorID: 1, EVSEID: 1, TransactionID: i + 1,
			Status: store.SessionCharging, StartedAt: now}
	}
	if err := db.WithContext(ctx).CreateInBatches(&sessions, 500).Error; err != nil {
		return nil, fmt.Errorf("ceiling: sessions: %w", err)
	}
	return sessions, nil
}

func insertRows(ctx context.Context, db *sql.DB, pg bool, sessions []store.ChargingSession, run ceilingRun) (float64, error) {
	var q strings.Builder
	q.WriteString("INSERT INTO ocpp_meter_values (" + ceilingColumns + ") VALUES ")
	for r := range ceilingStmtRows {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range ceilingNCols {
			if c > 0 {
				q.WriteByte(',')
			}
			q.WriteByte('?')
		}
		q.WriteByte(')')
	}
	// SQLite's statement, prepared on the pool before the connection is
	// taken: each transaction's tx.StmtContext then finds it prepared on
	// its connection (a statement prepared on the *sql.Conn itself is
	// prepared anew for every transaction).
	var stmt *sql.Stmt
	if !pg {
		var err error
		if stmt, err = db.PrepareContext(ctx, q.String()); err != nil {
			return 0, fmt.Errorf("ceiling: prepare: %w", err)
		}
		defer stmt.Close()
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	// The readings of gen.go's meterFrame as ocppkit's MeterValues handler
	// stores them: the raw value as sent, the 1.6 defaults for location and
	// format, no phase as an empty phase.
	measurands := [4]struct{ measurand, raw, unit, phase string }{
		{"Energy.Active.Import.Register", "", "Wh", ""},
		{"Power.Active.Import", "7400.5", "W", ""},
		{"Current.Import", "32.1", "A", "L1"},
		{"Voltage", "230.4", "V", "L1-N"},
	}
	args := make([]any, 0, ceilingStmtRows*ceilingNCols)
	var cols ceilingColumnArrays
	start := time.Now().UTC().Truncate(time.Millisecond)
	msg := 0 // messages inserted
	// insert writes transactions until it has written want rows or until
	// is past.
	insert := func(want int, until time.Time) (rows int, err error) {
		for rows < want && time.Now().Before(until) {
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				return rows, err
			}
			var txStmt *sql.Stmt
			if !pg {
				txStmt = tx.StmtContext(ctx, stmt)
			}
			now := time.Now().UTC().Truncate(time.Microsecond)
			for range ceilingTxRows / ceilingStmtRows {
				args = args[:0]
				for range ceilingStmtRows / len(measurands) {
					s := &sessions[msg%len(sessions)]
					// Each charge point samples every 10 ms of its own
					// clock; the rows are stored at the time of the batch.
					ts := start.Add(time.Duration(msg/len(sessions)) * 10 * time.Millisecond)
					energy := 1000 + 37*(msg/len(sessions))
					for _, m := range measurands {
						raw := m.raw
						if raw == "" {
							raw = strconv.Itoa(energy)
						}
						v, _ := strconv.ParseFloat(raw, 64)
						args = append(args, s.ChargePointID, s.ID, 1, s.TransactionID, m.measurand, v,
							raw, m.unit, m.phase, "Sample.Periodic", "Outlet", "Raw", ts, now, 1, nil)
					}
					msg++
				}
				if pg {
					// Collected into column arrays, sent once per
					// transaction below.
					cols.add(args)
					continue
				}
				if _, err := txStmt.ExecContext(ctx, args...); err != nil {
					tx.Rollback()
					return rows, fmt.Errorf("ceiling: insert: %w", err)
				}
			}
			if pg {
				_, err := tx.ExecContext(ctx, ceilingUnnest, cols.args()...)
				cols.reset()
				if err != nil {
					tx.Rollback()
					return rows, fmt.Errorf("ceiling: insert: %w", err)
				}
			}
			if err := tx.Commit(); err != nil {
				return rows, err
			}
			rows += ceilingTxRows
		}
		return rows, nil
	}
	if _, err := insert(run.skip, time.Now().Add(time.Hour)); err != nil {
		return 0, err
	}
	t0 := time.Now()
	rows, err := insert(max(run.rows, 1), t0.Add(run.maxDur))
	if err != nil {
		return 0, err
	}
	return float64(rows) / time.Since(t0).Seconds(), nil
}
