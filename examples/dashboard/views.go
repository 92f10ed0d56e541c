package main

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
)

// The queries pages and API share. They read the library's tables through
// its models and scopes (store.Connected, store.Active, store.Power, …):
// what a host application does for its own UI.

// chargePointView is a charge point as the cards, the charge point page and
// GET /api/charge_points/{id} show it.
type chargePointView struct {
	*store.ChargePoint
	Connectors     []store.Connector `json:"connectors"`
	CurrentSession *sessionView      `json:"current_session"`
	// PowerW is the latest Power.Active.Import of the current session (W).
	PowerW *float64 `json:"power_w"`
	// Available: connected with a connector Available, so Start can work.
	Available bool `json:"available"`
	// CanStop: connected with an active session.
	CanStop bool `json:"can_stop"`
	// StartConnector is the connector the card's Start button uses.
	StartConnector int `json:"-"`
}

// sessionView is a charging session with its charge point's identity.
type sessionView struct {
	*store.ChargingSession
	ChargePointIdentifier string `json:"charge_point_identifier"`
	DurationSeconds       int64  `json:"duration_seconds"`
}

func newSessionView(s *store.ChargingSession, identifier string) *sessionView {
	if identifier == "" && s.ChargePoint != nil {
		identifier = s.ChargePoint.Identifier
	}
	return &sessionView{ChargingSession: s, ChargePointIdentifier: identifier, DurationSeconds: int64(s.Duration() / time.Second)}
}

// stats are the dashboard's counters, as GET /api/stats returns them.
type stats struct {
	TotalChargePoints int64   `json:"total_charge_points"`
	Connected         int64   `json:"connected"`
	Available         int64   `json:"available"`
	Charging          int64   `json:"charging"`
	ActiveSessions    int64   `json:"active_sessions"`
	TotalEnergyToday  float64 `json:"total_energy_today"` // kWh of today's sessions
}

func (s *server) stats(ctx context.Context) (stats, error) {
	var st stats
	db := s.db.WithContext(ctx)
	cps := func() *gorm.DB { return db.Model(&store.ChargePoint{}) }
	err := errors.Join(
		cps().Count(&st.TotalChargePoints).Error,
		cps().Scopes(store.Connected).Count(&st.Connected).Error,
		cps().Scopes(store.Available).Count(&st.Available).Error,
		cps().Scopes(store.Charging).Count(&st.Charging).Error,
		db.Model(&store.ChargingSession{}).Scopes(store.Active).Count(&st.ActiveSessions).Error,
	)
	if err != nil {
		return st, err
	}
	y, m, d := time.Now().Date()
	st.TotalEnergyToday, err = s.csms.Store.EnergyToday(ctx, time.Date(y, m, d, 0, 0, 0, 0, time.Local))
	return st, err
}

// lookup finds a charge point by identity or, failing that, by database id:
// /charge_points/CP-001 and /charge_points/7 both work.
func (s *server) lookup(ctx context.Context, key string) (*store.ChargePoint, error) {
	cp, err := s.csms.Store.ChargePointByIdentifier(ctx, key)
	if !errors.Is(err, store.ErrNotFound) {
		return cp, err
	}
	id, perr := strconv.ParseUint(key, 10, 64)
	if perr != nil || id == 0 {
		return nil, err
	}
	return s.csms.Store.ChargePointByID(ctx, uint(id))
}

// chargePointViews returns every charge point with its connectors and
// current session, in four queries whatever their number.
func (s *server) chargePointViews(ctx context.Context) ([]chargePointView, error) {
	cps, err := s.csms.Store.ListChargePoints(ctx)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var conns []store.Connector
	if err := db.Order("charge_point_id, connector_id").Find(&conns).Error; err != nil {
		return nil, err
	}
	var active []store.ChargingSession
	if err := db.Scopes(store.Active).Order("started_at").Find(&active).Error; err != nil {
		return nil, err
	}
	byCP := make(map[uint][]store.Connector)
	for _, c := range conns {
		byCP[c.ChargePointID] = append(byCP[c.ChargePointID], c)
	}
	current := make(map[uint]*store.ChargingSession)
	for i := range active { // ordered by start: the latest wins, as in CurrentSession
		current[active[i].ChargePointID] = &active[i]
	}
	power, err := s.latestPower(ctx, active)
	if err != nil {
		return nil, err
	}
	views := make([]chargePointView, len(cps))
	for i := range cps {
		views[i] = buildView(&cps[i], byCP[cps[i].ID], current[cps[i].ID], power)
	}
	return views, nil
}

// chargePointView returns one charge point's view.
func (s *server) chargePointView(ctx context.Context, cp *store.ChargePoint) (chargePointView, error) {
	conns, err := s.csms.Store.Connectors(ctx, cp.ID)
	if err != nil {
		return chargePointView{}, err
	}
	sess, err := cp.CurrentSession(ctx, s.db)
	if errors.Is(err, store.ErrNotFound) {
		sess, err = nil, nil
	}
	if err != nil {
		return chargePointView{}, err
	}
	var active []store.ChargingSession
	if sess != nil {
		active = append(active, *sess)
	}
	power, err := s.latestPower(ctx, active)
	if err != nil {
		return chargePointView{}, err
	}
	return buildView(cp, conns, sess, power), nil
}

// latestPower returns the latest Power.Active.Import (W, without phase) of
// each session.
func (s *server) latestPower(ctx context.Context, sessions []store.ChargingSession) (map[uint]float64, error) {
	power := make(map[uint]float64, len(sessions))
	for _, sess := range sessions {
		var mv []store.MeterValue
		err := s.db.WithContext(ctx).Scopes(store.ForSession(sess.ID), store.Power, store.Recent).
			Where("phase = ?", "").Limit(1).Find(&mv).Error
		if err != nil {
			return nil, err
		}
		if len(mv) == 1 {
			power[sess.ID] = toWatts(mv[0].Value, mv[0].Unit)
		}
	}
	return power, nil
}

func toWatts(v float64, unit string) float64 {
	if unit == "kW" {
		return v * 1000
	}
	return v
}

func buildView(cp *store.ChargePoint, conns []store.Connector, sess *store.ChargingSession, power map[uint]float64) chargePointView {
	v := chargePointView{ChargePoint: cp, Connectors: conns}
	if v.Connectors == nil {
		v.Connectors = []store.Connector{}
	}
	if sess != nil {
		v.CurrentSession = newSessionView(sess, cp.Identifier)
		if p, ok := power[sess.ID]; ok {
			v.PowerW = &p
		}
	}
	v.StartConnector, v.Available = startConnector(cp, conns)
	v.CanStop = cp.Connected && sess != nil
	return v
}

// startConnector picks the connector a remote start should use: the first
// Available one. A charge point that has not reported its connectors yet
// counts as available on connector 1 when its own status is Available.
func startConnector(cp *store.ChargePoint, conns []store.Connector) (int, bool) {
	if !cp.Connected {
		return 1, false
	}
	known := false
	for _, c := range conns {
		if c.ConnectorID < 1 {
			continue
		}
		known = true
		if c.Status == "Available" {
			return c.ConnectorID, true
		}
	}
	if !known {
		return 1, cp.Status == "Available"
	}
	return 1, false
}

// connectorAvailable reports whether a remote start on connector n (0: any)
// can work, and why not.
func connectorAvailable(cp *store.ChargePoint, conns []store.Connector, n int) (bool, string) {
	if !cp.Connected {
		return false, "charge point " + cp.Identifier + " is not connected"
	}
	if n == 0 {
		if _, ok := startConnector(cp, conns); !ok {
			return false, "charge point " + cp.Identifier + " is not available (" + orUnknown(cp.Status) + ")"
		}
		return true, ""
	}
	for _, c := range conns {
		if c.ConnectorID == n {
			if c.Status != "Available" {
				return false, "connector " + strconv.Itoa(n) + " of " + cp.Identifier + " is not available (" + orUnknown(c.Status) + ")"
			}
			return true, ""
		}
	}
	if cp.Status != "Available" {
		return false, "charge point " + cp.Identifier + " is not available (" + orUnknown(cp.Status) + ")"
	}
	return true, ""
}

func orUnknown(s string) string {
	if s == "" {
		return "status unknown"
	}
	return s
}

// sessions returns the sessions matching scope, newest first, with their
// charge points.
func (s *server) sessions(ctx context.Context, limit int, scopes ...func(*gorm.DB) *gorm.DB) ([]*sessionView, error) {
	var rows []store.ChargingSession
	q := s.db.WithContext(ctx).Preload("ChargePoint").Scopes(scopes...).Order("started_at DESC, id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*sessionView, len(rows))
	for i := range rows {
		out[i] = newSessionView(&rows[i], "")
	}
	return out, nil
}

// meterPoint is one sampled value in GET …/meter_values.
type meterPoint struct {
	ConnectorID int       `json:"connector_id"`
	Timestamp   time.Time `json:"timestamp"`
	Value       float64   `json:"value"`
	Unit        string    `json:"unit"`
	Phase       string    `json:"phase,omitempty"`
	Context     string    `json:"context,omitempty"`
	SessionID   *uint     `json:"session_id,omitempty"`
}

// maxChartRows bounds one meter values answer.
const maxChartRows = 50_000

// groupedMeterValues returns the meter values matching scopes, oldest first,
// grouped by measurand for charting.
func (s *server) groupedMeterValues(ctx context.Context, scopes ...func(*gorm.DB) *gorm.DB) (map[string][]meterPoint, error) {
	var rows []store.MeterValue
	err := s.db.WithContext(ctx).Scopes(scopes...).
		Order("timestamp, id").Limit(maxChartRows).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	groups := make(map[string][]meterPoint)
	for _, mv := range rows {
		groups[mv.Measurand] = append(groups[mv.Measurand], meterPoint{
			ConnectorID: mv.ConnectorID, Timestamp: mv.Timestamp, Value: mv.Value, Unit: mv.Unit,
			Phase: mv.Phase, Context: mv.Context, SessionID: mv.ChargingSessionID,
		})
	}
	return groups, nil
}
