package handlers

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// MeterValues stores every sampled value of the EVSE (evseId 0: the
// station's main meter) and publishes each on
// charge_point_<id>_meter_values with evse_id, as for 1.6. Values of an EVSE
// with a running session the handlers know are linked to it (2.0.1 sends a
// transaction's own values in TransactionEvent). Rows are group-committed;
// the reply waits for this message's commit.
func (v *Defaults201) MeterValues(ctx context.Context, c *Call, req ocpp201.MeterValuesRequest) (ocpp201.MeterValuesResponse, error) {
	cpID := c.ChargePoint.ID
	var sessID *uint
	var txID *int
	if req.EvseId > 0 {
		if ref, ok := v.sessions.onEVSE(cpID, req.EvseId); ok {
			sessID, txID = &ref.id, &ref.transactionID
		}
	}
	rows := meterRows201(cpID, req.EvseId, 0, sessID, txID, req.MeterValue, v.d.now())
	if err := v.d.meter.Write(ctx, rows); err != nil {
		return ocpp201.MeterValuesResponse{}, err
	}
	v.d.publishMeterValues(cpID, rows)
	return ocpp201.MeterValuesResponse{}, nil
}

// meterRows201 turns 2.0.1 meter values into rows with the spec's defaults
// (measurand Energy.Active.Import.Register, context Sample.Periodic,
// location Outlet, unit Wh, multiplier 0). Value is the number scaled by
// 10^multiplier, RawValue the number as sent, and a signedMeterValue is kept
// in SignedData as received.
func meterRows201(cpID uint, evseID, connectorID int, sessID *uint, txID *int, values []ocpp201.MeterValue, now time.Time) []store.MeterValue {
	n := 0
	for _, mv := range values {
		n += len(mv.SampledValue)
	}
	rows := make([]store.MeterValue, 0, n)
	for _, mv := range values {
		ts := mv.Timestamp.UTC()
		if mv.Timestamp.IsZero() {
			ts = now.UTC()
		}
		for _, sv := range mv.SampledValue {
			row := store.MeterValue{
				ChargePointID:     cpID,
				ChargingSessionID: sessID,
				TransactionID:     txID,
				EVSEID:            evseID,
				ConnectorID:       connectorID,
				Measurand:         orDefault(string(sv.Measurand), string(ocpp201.MeasurandEnergyActiveImportRegister)),
				Value:             sv.Value,
				RawValue:          strconv.FormatFloat(sv.Value, 'f', -1, 64),
				Unit:              "Wh",
				Phase:             string(sv.Phase),
				Context:           orDefault(string(sv.Context), string(ocpp201.ReadingContextSamplePeriodic)),
				Location:          orDefault(string(sv.Location), string(ocpp201.LocationOutlet)),
				Timestamp:         ts,
			}
			if u := sv.UnitOfMeasure; u != nil {
				row.Unit = orDefault(u.Unit, "Wh")
				if u.Multiplier != nil && *u.Multiplier != 0 {
					row.Value = sv.Value * math.Pow10(*u.Multiplier)
				}
			}
			if sv.SignedMeterValue != nil {
				if raw, err := json.Marshal(sv.SignedMeterValue); err == nil {
					row.SignedData = string(raw)
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// publishMeterValues publishes stored rows on charge_point_<id>_meter_values.
func (d *Defaults) publishMeterValues(cpID uint, rows []store.MeterValue) {
	for i := range rows {
		r := &rows[i]
		evse := r.EVSEID
		if evse == 0 {
			evse = r.ConnectorID // 1.6's numbering
		}
		d.Publish(cpID, broadcast.KindMeterValues, broadcast.MeterValueEvent{
			ConnectorID: r.ConnectorID,
			EVSEID:      evse,
			Measurand:   r.Measurand,
			Value:       r.Value,
			Unit:        r.Unit,
			Phase:       r.Phase,
			Context:     r.Context,
			Location:    r.Location,
			Timestamp:   r.Timestamp,
			SessionID:   r.ChargingSessionID,
		})
	}
}
