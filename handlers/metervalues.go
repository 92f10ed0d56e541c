package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// MeterValues stores every sampled value, linked to its charging session
// (by transactionId, or the connector's active session when the charge
// point sends none), and publishes each on charge_point_<id>_meter_values.
// Rows of many charge points are written in shared transactions by the
// MeterWriter (group commit); the reply waits for this message's commit.
// The session's energy consumed is kept current in the same transaction.
func (d *Defaults) MeterValues(ctx context.Context, c *Call, req ocpp16.MeterValuesRequest) (ocpp16.MeterValuesResponse, error) {
	cpID := c.ChargePoint.ID
	ref, found, err := d.sessionFor(ctx, cpID, req.ConnectorId, req.TransactionId)
	if err != nil {
		return ocpp16.MeterValuesResponse{}, err
	}
	var sessID *uint
	if found {
		sessID = &ref.id
	}
	rows, err := meterRows(cpID, req.ConnectorId, sessID, req.TransactionId, req.MeterValue, d.now())
	if err != nil {
		return ocpp16.MeterValuesResponse{}, err
	}
	if err := d.meter.Write(ctx, rows); err != nil {
		return ocpp16.MeterValuesResponse{}, err
	}
	d.publishMeterValues(cpID, rows)
	return ocpp16.MeterValuesResponse{}, nil
}

// sessionFor finds the session a MeterValues belongs to: by transactionId
// when given, else the connector's active session. The cache answers first;
// the database on a miss (after a restart or on another node's session).
func (d *Defaults) sessionFor(ctx context.Context, cpID uint, connectorID int, txID *int) (sessionRef, bool, error) {
	if txID != nil {
		if ref, ok := d.sessions.get(cpID, *txID); ok {
			return ref, true, nil
		}
		s, err := d.store.SessionByTransactionID(ctx, cpID, *txID)
		if errors.Is(err, store.ErrNotFound) {
			return sessionRef{}, false, nil
		}
		if err != nil {
			return sessionRef{}, false, err
		}
		ref := refOf(s)
		if s.IsActive() {
			d.sessions.put(cpID, ref)
		}
		return ref, true, nil
	}
	if connectorID <= 0 {
		return sessionRef{}, false, nil
	}
	if ref, ok := d.sessions.onConnector(cpID, connectorID); ok {
		return ref, true, nil
	}
	return sessionRef{}, false, nil
}

// meterRows turns OCPP meter values into rows, applying the spec's defaults
// (measurand Energy.Active.Import.Register, unit Wh, context Sample.Periodic,
// location Outlet, format Raw). A value that is not a decimal is refused
// with PropertyConstraintViolation, except SignedData, which is kept as
// given with Value 0.
func meterRows(cpID uint, connectorID int, sessID *uint, txID *int, values []ocpp16.MeterValue, now time.Time) ([]store.MeterValue, error) {
	n := 0
	for _, mv := range values {
		n += len(mv.SampledValue)
	}
	rows := make([]store.MeterValue, 0, n)
	for i, mv := range values {
		ts := mv.Timestamp.UTC()
		if mv.Timestamp.IsZero() {
			ts = now.UTC()
		}
		for j, sv := range mv.SampledValue {
			row := store.MeterValue{
				ChargePointID:     cpID,
				ChargingSessionID: sessID,
				ConnectorID:       connectorID,
				TransactionID:     txID,
				Measurand:         orDefault(string(sv.Measurand), string(ocpp16.MeasurandEnergyActiveImportRegister)),
				RawValue:          sv.Value,
				Unit:              orDefault(string(sv.Unit), string(ocpp16.UnitOfMeasureWh)),
				Phase:             string(sv.Phase),
				Context:           orDefault(string(sv.Context), string(ocpp16.ReadingContextSamplePeriodic)),
				Location:          orDefault(string(sv.Location), string(ocpp16.LocationOutlet)),
				Format:            orDefault(string(sv.Format), string(ocpp16.ValueFormatRaw)),
				Timestamp:         ts,
			}
			if row.Format != string(ocpp16.ValueFormatSignedData) {
				v, err := parseDecimal(sv.Value)
				if err != nil {
					return nil, ocpp.NewError(ocpp.PropertyConstraintViolation,
						"meterValue[%d].sampledValue[%d].value: %q is not a decimal", i, j, sv.Value)
				}
				row.Value = v
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// parseDecimal reads a 1.6 sampled value in Raw format: a decimal number,
// optionally with an exponent. strconv.ParseFloat alone would also take
// "NaN", "Inf" and hexadecimal or underscored numbers: a NaN stored as NULL
// fails SQLite's NOT NULL value column, and stored on PostgreSQL it turns
// the session's energy into NaN.
func parseDecimal(s string) (float64, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return 0, fmt.Errorf("%q is not a decimal", s)
		}
	}
	// ParseFloat checks where the characters stand, and refuses what
	// overflows float64 (it would be ±Inf).
	return strconv.ParseFloat(s, 64)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
