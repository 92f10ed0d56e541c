package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Energy totals. A session's energy is spread over time by its energy
// register: the energy delivered after an instant t is the session's
// EnergyConsumed minus what its register had counted at t (its last
// Energy.Active.Import.Register reading at or before t, whole-meter, in Wh
// or kWh; the session's MeterStart when there is none). Sessions that
// stopped at or before t add nothing; sessions that started at or after t
// add all their energy. The same SQL runs on SQLite and PostgreSQL.
//
// The scopes narrow the sessions counted, e.g. ForChargePoint(id).

// registerBeforeSQL is the energy in kWh a session's register had counted
// at the parameter: its last whole-meter energy reading at or before it,
// less MeterStart (NULL without such a reading).
const registerBeforeSQL = `(SELECT (MAX(CASE WHEN LOWER(mv.unit) = 'kwh' THEN mv.value * 1000 ELSE mv.value END) - ` + ChargingSessionsTable + `.meter_start) / 1000.0
	FROM ` + MeterValuesTable + ` mv
	WHERE mv.charging_session_id = ` + ChargingSessionsTable + `.id
	AND mv.measurand = '` + MeasurandEnergy + `'
	AND (mv.phase IS NULL OR mv.phase = '')
	AND (mv.format IS NULL OR mv.format <> 'SignedData')
	AND LOWER(mv.unit) IN ('wh', 'kwh')
	AND mv.timestamp <= ?)`

// EnergySince returns the kWh delivered at or after since (see above),
// rounded to whole Wh.
func (s *Store) EnergySince(ctx context.Context, since time.Time, scopes ...func(*gorm.DB) *gorm.DB) (float64, error) {
	t := dbTime(since)
	var rows []struct {
		EnergyConsumed float64
		Spans          bool     // started before since
		BeforeKWh      *float64 `gorm:"column:before_kwh"` // counted at since, for a session that spans it
	}
	err := s.ctx(ctx).Model(&ChargingSession{}).Scopes(scopes...).
		Where(ChargingSessionsTable+".stopped_at IS NULL OR "+ChargingSessionsTable+".stopped_at > ?", t).
		Select(ChargingSessionsTable+".energy_consumed AS energy_consumed, "+
			ChargingSessionsTable+".started_at < ? AS spans, "+
			"CASE WHEN "+ChargingSessionsTable+".started_at < ? THEN "+registerBeforeSQL+" END AS before_kwh", t, t, t).
		Scan(&rows).Error
	if err != nil {
		return 0, wrap(err, "energy since %s", since.Format(time.RFC3339))
	}
	total := 0.0
	for _, r := range rows {
		e := r.EnergyConsumed
		if r.Spans && r.BeforeKWh != nil {
			e -= min(max(*r.BeforeKWh, 0), e)
		}
		total += e
	}
	return RoundKWh(total), nil
}

// EnergyBetween returns the kWh delivered in [from, to), rounded to whole
// Wh: EnergySince(from) − EnergySince(to).
func (s *Store) EnergyBetween(ctx context.Context, from, to time.Time, scopes ...func(*gorm.DB) *gorm.DB) (float64, error) {
	a, err := s.EnergySince(ctx, from, scopes...)
	if err != nil {
		return 0, err
	}
	b, err := s.EnergySince(ctx, to, scopes...)
	if err != nil {
		return 0, err
	}
	return RoundKWh(max(a-b, 0)), nil
}

// EnergyTotal is the energy delivered in a period [Start, End).
type EnergyTotal struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	KWh   float64   `json:"kwh"` // rounded to whole Wh
}

// EnergyByDay returns the energy delivered on each calendar day in loc
// (nil: UTC) from the day of from up to the day of to, both included, the
// oldest first. Days follow loc's calendar, so a day with a daylight saving
// change is 23 or 25 hours long. It runs one query per day boundary.
func (s *Store) EnergyByDay(ctx context.Context, from, to time.Time, loc *time.Location, scopes ...func(*gorm.DB) *gorm.DB) ([]EnergyTotal, error) {
	if loc == nil {
		loc = time.UTC
	}
	from, to = from.In(loc), to.In(loc)
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	last := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
	if last.Before(day) {
		return nil, fmt.Errorf("store: energy by day: %s is before %s", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	var out []EnergyTotal
	since, err := s.EnergySince(ctx, day, scopes...)
	if err != nil {
		return nil, err
	}
	for !day.After(last) {
		next := day.AddDate(0, 0, 1)
		after, err := s.EnergySince(ctx, next, scopes...)
		if err != nil {
			return nil, err
		}
		out = append(out, EnergyTotal{Start: day, End: next, KWh: RoundKWh(max(since-after, 0))})
		day, since = next, after
	}
	return out, nil
}
