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
// database takes from one writer doing nothing else, in transactions of
// ceilingTxRows rows written as multi-row INSERTs of ceilingStmtRows rows
// (prepared once), into the migrated schema (its indexes and foreign keys
// included). ocppkit's MeterWriter does more per row (decoding, validation,
// session energy, idempotence): its rows per second over this ceiling is
// the figure of merit.

const (
	ceilingStmtRows = 500
	ceilingTxRows   = 2000
	ceilingColumns  = "charge_point_id, connector_id, measurand, value, raw_value, unit, phase, context, timestamp, created_at"
	ceilingNCols    = 10
)

// measureCeiling measures the ceiling for dur in a fresh database of the
// run's kind and returns rows per second.
func measureCeiling(ctx context.Context, o *options, dur time.Duration) (float64, error) {
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
		cp := store.ChargePoint{Identifier: "ceiling", Metadata: store.JSONMap{}}
		if err := db.WithContext(ctx).Create(&cp).Error; err != nil {
			return err
		}
		sqlDB, err := db.DB()
		if err != nil {
			return err
		}
		rate, err = insertRows(ctx, sqlDB, dbh.kind == "postgres", cp.ID, dur)
		return err
	})
	return rate, err
}

func insertRows(ctx context.Context, db *sql.DB, pg bool, cpID uint, dur time.Duration) (float64, error) {
	var q strings.Builder
	q.WriteString("INSERT INTO ocpp_meter_values (" + ceilingColumns + ") VALUES ")
	n := 0
	for r := range ceilingStmtRows {
		if r > 0 {
			q.WriteByte(',')
		}
		q.WriteByte('(')
		for c := range ceilingNCols {
			if c > 0 {
				q.WriteByte(',')
			}
			n++
			if pg {
				q.WriteString("$" + strconv.Itoa(n))
			} else {
				q.WriteByte('?')
			}
		}
		q.WriteByte(')')
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	stmt, err := conn.PrepareContext(ctx, q.String())
	if err != nil {
		return 0, fmt.Errorf("ceiling: prepare: %w", err)
	}
	defer stmt.Close()
	measurands := [4][3]string{
		{"Energy.Active.Import.Register", "Wh", ""},
		{"Power.Active.Import", "W", ""},
		{"Current.Import", "A", "L1"},
		{"Voltage", "V", "L1-N"},
	}
	args := make([]any, 0, ceilingStmtRows*ceilingNCols)
	ts := time.Now().UTC().Truncate(time.Millisecond)
	rows := 0
	start := time.Now()
	end := start.Add(dur)
	for time.Now().Before(end) {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		txStmt := tx.StmtContext(ctx, stmt)
		for range ceilingTxRows / ceilingStmtRows {
			args = args[:0]
			for r := range ceilingStmtRows {
				m := measurands[r%4]
				if r%4 == 0 {
					ts = ts.Add(time.Millisecond)
				}
				var phase any
				if m[2] != "" {
					phase = m[2]
				}
				v := float64(rows + r)
				args = append(args, cpID, 1, m[0], v, strconv.FormatFloat(v, 'f', -1, 64), m[1], phase, "Sample.Periodic", ts, ts)
			}
			if _, err := txStmt.ExecContext(ctx, args...); err != nil {
				tx.Rollback()
				return 0, fmt.Errorf("ceiling: insert: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		rows += ceilingTxRows
	}
	return float64(rows) / time.Since(start).Seconds(), nil
}
