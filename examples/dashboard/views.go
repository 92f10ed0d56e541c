package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
)

// The views pages and API share. They read the library's tables through
// its models and scopes (store.Active, store.Power, …), as a host
// application does for its own UI.
//
// The rules every view keeps:
//   - per connector: each connector shows its own status, its own active
//     session and that session's power and energy; the charge point adds
//     them up (site power) beside;
//   - offline means offline: a charge point without a socket shows no live
//     value (no status taken as current, no power, no ticking duration);
//     its active sessions are "interrupted?" — their end is unknown until
//     the station reports — with the time it was last seen.

// connectorView is one connector (≥ 1) of a charge point.
type connectorView struct {
	ConnectorID int `json:"connector_id"`
	// Status, ErrorCode and Info are the last StatusNotification; current
	// only while Live.
	Status    string     `json:"status"`
	ErrorCode string     `json:"error_code"`
	Info      string     `json:"info"`
	StatusAt  *time.Time `json:"status_at"`
	// Live: the charge point is online, so the status and power are
	// current.
	Live bool `json:"live"`
	// Session is the connector's active session, if any.
	Session *sessionView `json:"session"`
	// PowerW is the latest Power.Active.Import of Session (W); null
	// offline, without a session or without a reading.
	PowerW   *float64 `json:"power_w"`
	CanStart bool     `json:"can_start"` // online and Available
	CanStop  bool     `json:"can_stop"`  // online with an active session
}

// chargePointView is a charge point as the cards, the charge point pages
// and GET /api/charge_points/{id} show it.
type chargePointView struct {
	*store.ChargePoint
	Online bool `json:"online"`
	// LastSeenAt is the latest sign of life: heartbeat, connection,
	// status notification or meter reading.
	LastSeenAt *time.Time `json:"last_seen_at"`
	// StationStatus is connector 0's status (the charge point as a whole).
	StationStatus string          `json:"station_status"`
	Connectors    []connectorView `json:"connectors"`
	// SitePowerW is the sum of the connectors' power (W); null offline.
	SitePowerW *float64 `json:"site_power_w"`
	// SessionEnergy is the energy of the active sessions so far (kWh).
	SessionEnergy float64 `json:"session_energy"`
	// ActiveSessions counts the active sessions; Interrupted those of
	// them whose end is unknown because the charge point is offline.
	ActiveSessions int `json:"active_sessions"`
	Interrupted    int `json:"interrupted_sessions"`
	// Available: some connector can start (CanStart).
	Available bool `json:"available"`
}

// Badge is the card's status: Offline when not connected, else the
// charge point's aggregate status.
func (v *chargePointView) Badge() string {
	if !v.Online {
		return "Offline"
	}
	return cmp.Or(v.Status, "Unknown")
}

// Connector returns the view of connector n, or nil.
func (v *chargePointView) Connector(n int) *connectorView {
	for i := range v.Connectors {
		if v.Connectors[i].ConnectorID == n {
			return &v.Connectors[i]
		}
	}
	return nil
}

// sessionView is a charging session with its charge point's identity.
type sessionView struct {
	*store.ChargingSession
	ChargePointIdentifier string `json:"charge_point_identifier"`
	// EnergyConsumed is the session's, rounded to the Wh (kWh).
	EnergyConsumed float64 `json:"energy_consumed"`
	// State is "active", "interrupted" (active, but its charge point is
	// offline: its end is unknown) or "completed".
	State string `json:"state"`
	// DurationSeconds: so far while active, until the last sign of life
	// while interrupted.
	DurationSeconds int64 `json:"duration_seconds"`
	// LastSeenAt, while interrupted: when the charge point was last seen.
	LastSeenAt *time.Time `json:"last_seen_at,omitempty"`
}

const (
	stateActive      = "active"
	stateInterrupted = "interrupted"
	stateCompleted   = "completed"
)

// newSessionView describes s of charge point cp (s.ChargePoint when nil).
func newSessionView(s *store.ChargingSession, cp *store.ChargePoint) *sessionView {
	if cp == nil {
		cp = s.ChargePoint
	}
	v := &sessionView{ChargingSession: s, EnergyConsumed: roundWh(s.EnergyConsumed), State: stateCompleted}
	if cp != nil {
		v.ChargePointIdentifier = cp.Identifier
	}
	d := s.Duration()
	switch {
	case !s.IsActive():
	case cp != nil && !cp.Connected:
		v.State = stateInterrupted
		seen := latest(s.StartedAt, s.EnergyUpdatedAt, cp.LastHeartbeatAt, cp.ConnectedAt)
		v.LastSeenAt = &seen
		d = max(seen.Sub(s.StartedAt), 0)
	default:
		v.State = stateActive
	}
	v.DurationSeconds = int64(d / time.Second)
	return v
}

// MarshalJSON encodes the session as the store does (store.ChargingSession
// has its own MarshalJSON, which embedding would otherwise promote over
// this view's fields) with the view's fields added.
func (v sessionView) MarshalJSON() ([]byte, error) {
	return mergeJSON(v.ChargingSession, struct {
		ChargePointIdentifier string     `json:"charge_point_identifier"`
		EnergyConsumed        float64    `json:"energy_consumed"`
		State                 string     `json:"state"`
		DurationSeconds       int64      `json:"duration_seconds"`
		LastSeenAt            *time.Time `json:"last_seen_at,omitempty"`
	}{v.ChargePointIdentifier, v.EnergyConsumed, v.State, v.DurationSeconds, v.LastSeenAt})
}

// MarshalJSON encodes the charge point as the store does with the view's
// fields added, whatever methods store.ChargePoint gains.
func (v chargePointView) MarshalJSON() ([]byte, error) {
	return mergeJSON(v.ChargePoint, struct {
		Online         bool            `json:"online"`
		LastSeenAt     *time.Time      `json:"last_seen_at"`
		StationStatus  string          `json:"station_status"`
		Connectors     []connectorView `json:"connectors"`
		SitePowerW     *float64        `json:"site_power_w"`
		SessionEnergy  float64         `json:"session_energy"`
		ActiveSessions int             `json:"active_sessions"`
		Interrupted    int             `json:"interrupted_sessions"`
		Available      bool            `json:"available"`
	}{v.Online, v.LastSeenAt, v.StationStatus, v.Connectors, v.SitePowerW, v.SessionEnergy, v.ActiveSessions, v.Interrupted, v.Available})
}

// mergeJSON encodes base and extra, two objects, as one; extra's keys come
// last and win in decoders that keep the last duplicate.
func mergeJSON(base, extra any) ([]byte, error) {
	b, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	e, err := json.Marshal(extra)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" || string(b) == "{}" {
		return e, nil
	}
	if len(b) < 2 || b[0] != '{' || len(e) < 2 || e[0] != '{' {
		return nil, errors.New("dashboard: mergeJSON wants two objects")
	}
	if string(e) == "{}" {
		return b, nil
	}
	return append(append(b[:len(b)-1:len(b)-1], ','), e[1:]...), nil
}

// Ticking reports whether the duration runs live (an active session of an
// online charge point).
func (v *sessionView) Ticking() bool { return v.State == stateActive }

// DurationText formats DurationSeconds.
func (v *sessionView) DurationText() string {
	return dur(time.Duration(v.DurationSeconds) * time.Second)
}

// latest returns the latest of t and the non-nil ts.
func latest(t time.Time, ts ...*time.Time) time.Time {
	for _, x := range ts {
		if x != nil && x.After(t) {
			t = *x
		}
	}
	return t
}

// stats are the dashboard's counters, as GET /api/stats returns them. Only
// what is live counts: connectors and sessions of online charge points.
type stats struct {
	ChargePoints       int     `json:"charge_points"`
	Online             int     `json:"online"`
	ConnectorsCharging int     `json:"connectors_charging"`
	ConnectorsFree     int     `json:"connectors_available"`
	ActiveSessions     int     `json:"active_sessions"`      // on online charge points
	Interrupted        int     `json:"interrupted_sessions"` // active, charge point offline
	PowerKW            float64 `json:"power_kw"`             // sum of the online connectors' power
	EnergyToday        float64 `json:"energy_today"`         // kWh of sessions since the operator's midnight
}

func statsOf(views []chargePointView) stats {
	var st stats
	var watts float64
	for i := range views {
		v := &views[i]
		st.ChargePoints++
		st.Interrupted += v.Interrupted
		if !v.Online {
			continue
		}
		st.Online++
		st.ActiveSessions += v.ActiveSessions
		for _, c := range v.Connectors {
			switch c.Status {
			case "Charging":
				st.ConnectorsCharging++
			case "Occupied": // 2.0.1: charging when it has a session
				if c.Session != nil {
					st.ConnectorsCharging++
				}
			case "Available":
				st.ConnectorsFree++
			}
		}
		if v.SitePowerW != nil {
			watts += *v.SitePowerW
		}
	}
	st.PowerKW = roundWh(watts / 1000)
	return st
}

// stats computes the counters; "today" starts at midnight in loc.
func (s *server) stats(ctx context.Context, loc *time.Location) (stats, []chargePointView, error) {
	views, err := s.chargePointViews(ctx)
	if err != nil {
		return stats{}, nil, err
	}
	st := statsOf(views)
	energy, err := s.csms.Store.EnergyToday(ctx, startOfDay(time.Now(), loc))
	st.EnergyToday = roundWh(energy)
	return st, views, err
}

// lookup finds a charge point by identity or, failing that, by database id:
// /charge_points/CP-001 and /charge_points/7 both work (an identity that
// looks like a number wins over the id).
func (s *server) lookup(ctx context.Context, key string) (*store.ChargePoint, error) {
	cp, err := s.csms.Store.ChargePointByIdentifier(ctx, key)
	if !errors.Is(err, store.ErrNotFound) {
		return cp, err
	}
	if id, perr := strconv.ParseUint(key, 10, 64); perr == nil && id > 0 {
		cp, err = s.csms.Store.ChargePointByID(ctx, uint(id))
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFoundError{"charge point", key}
	}
	return cp, err
}

// chargePointViews returns every charge point with its connectors and
// active sessions, in four queries plus one per active session (its
// latest power).
func (s *server) chargePointViews(ctx context.Context) ([]chargePointView, error) {
	cps, err := s.csms.Store.ListChargePoints(ctx)
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx)
	var conns []store.Connector
	if err := db.Order("charge_point_id, evse_id, connector_id").Find(&conns).Error; err != nil {
		return nil, err
	}
	var active []store.ChargingSession
	if err := db.Scopes(store.Active).Order("evse_id, started_at").Find(&active).Error; err != nil {
		return nil, err
	}
	connsOf := make(map[uint][]store.Connector)
	for _, c := range conns {
		connsOf[c.ChargePointID] = append(connsOf[c.ChargePointID], c)
	}
	activeOf := make(map[uint][]store.ChargingSession)
	for _, a := range active {
		activeOf[a.ChargePointID] = append(activeOf[a.ChargePointID], a)
	}
	power, err := s.latestPower(ctx, active)
	if err != nil {
		return nil, err
	}
	views := make([]chargePointView, len(cps))
	for i := range cps {
		views[i] = buildView(&cps[i], connsOf[cps[i].ID], activeOf[cps[i].ID], power)
	}
	return views, nil
}

// chargePointView returns one charge point's view.
func (s *server) chargePointView(ctx context.Context, cp *store.ChargePoint) (chargePointView, error) {
	conns, err := s.csms.Store.Connectors(ctx, cp.ID)
	if err != nil {
		return chargePointView{}, err
	}
	var active []store.ChargingSession
	err = s.db.WithContext(ctx).Scopes(store.Active, store.ForChargePoint(cp.ID)).Order("evse_id, started_at").Find(&active).Error
	if err != nil {
		return chargePointView{}, err
	}
	power, err := s.latestPower(ctx, active)
	if err != nil {
		return chargePointView{}, err
	}
	return buildView(cp, conns, active, power), nil
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

// buildView assembles a charge point's view from its rows: conns as
// reported, active sessions ordered by connector then start, and the
// sessions' latest power.
func buildView(cp *store.ChargePoint, conns []store.Connector, active []store.ChargingSession, power map[uint]float64) chargePointView {
	v := chargePointView{ChargePoint: cp, Online: cp.Connected}
	seen := latest(time.Time{}, cp.LastHeartbeatAt, cp.ConnectedAt)
	byID := make(map[int]connectorView)
	for _, c := range conns {
		at := c.StatusAt
		seen = latest(seen, &at)
		switch {
		case c.EVSEID == 0:
			v.StationStatus = c.Status
			continue
		case c.ConnectorID == 0 && byID[c.EVSEID].StatusAt != nil:
			continue // a 2.0.1 EVSE as a whole: its connector's row says more
		}
		// The dashboard's "connector" is the outlet: the 1.6 connector,
		// the 2.0.1 EVSE.
		byID[c.EVSEID] = connectorView{ConnectorID: c.EVSEID, Status: c.Status, ErrorCode: c.ErrorCode, Info: c.Info, StatusAt: &at}
	}
	var site float64
	hasPower := false
	for i := range active { // by connector then start: the latest wins, as a station runs one
		sess := &active[i]
		seen = latest(seen, &sess.StartedAt, sess.EnergyUpdatedAt)
		c := byID[sess.EVSEID] // a connector that never reported a status still gets its row
		c.ConnectorID = sess.EVSEID
		c.Session = newSessionView(sess, cp)
		c.PowerW = nil
		if p, ok := power[sess.ID]; ok && v.Online {
			c.PowerW = &p
		}
		byID[sess.EVSEID] = c
	}
	v.Connectors = make([]connectorView, 0, len(byID))
	for _, c := range byID {
		c.Live = v.Online
		c.CanStart = v.Online && c.Status == "Available" && c.Session == nil
		c.CanStop = v.Online && c.Session != nil
		v.Available = v.Available || c.CanStart
		if c.Session != nil {
			v.ActiveSessions++
			v.SessionEnergy += c.Session.EnergyConsumed
			if !v.Online {
				v.Interrupted++
			}
		}
		if c.PowerW != nil {
			site += *c.PowerW
			hasPower = true
		}
		v.Connectors = append(v.Connectors, c)
	}
	slices.SortFunc(v.Connectors, func(a, b connectorView) int { return cmp.Compare(a.ConnectorID, b.ConnectorID) })
	v.SessionEnergy = roundWh(v.SessionEnergy)
	if v.Online && (hasPower || v.ActiveSessions == 0) {
		v.SitePowerW = &site
	}
	if !seen.IsZero() {
		if now := time.Now(); seen.After(now) { // a station clock ahead of ours
			seen = now
		}
		v.LastSeenAt = &seen
	}
	// A charge point that has not reported its connectors yet can still
	// be started on connector 1 when its own status is Available.
	if len(v.Connectors) == 0 && v.Online && cp.Status == "Available" {
		v.Connectors = append(v.Connectors, connectorView{ConnectorID: 1, Status: "Available", Live: true, CanStart: true})
		v.Available = true
	}
	return v
}

// connectorAvailable reports whether a remote start on connector n (0: the
// charge point picks) can work, and why not.
func connectorAvailable(v *chargePointView, n int) (bool, string) {
	if !v.Online {
		return false, "charge point " + v.Identifier + " is not connected"
	}
	if n == 0 {
		if !v.Available {
			return false, "charge point " + v.Identifier + " has no available connector (" + orUnknown(v.Status) + ")"
		}
		return true, ""
	}
	c := v.Connector(n)
	if c == nil {
		return false, "charge point " + v.Identifier + " has no connector " + strconv.Itoa(n)
	}
	if !c.CanStart {
		why := orUnknown(c.Status)
		if c.Session != nil {
			why = "session #" + strconv.FormatUint(uint64(c.Session.ID), 10) + " is active"
		}
		return false, "connector " + strconv.Itoa(n) + " of " + v.Identifier + " is not available (" + why + ")"
	}
	return true, ""
}

func orUnknown(s string) string {
	if s == "" {
		return "status unknown"
	}
	return s
}

// sessionFilter selects sessions for the sessions page, its CSV export and
// the dashboard's active sessions.
type sessionFilter struct {
	ChargePointID uint
	IDTag         string
	From, To      time.Time // started in [From, To); zero: unbounded
	Status        string    // "", "active" (includes interrupted) or "completed"
}

func (f sessionFilter) scopes() []func(*gorm.DB) *gorm.DB {
	var sc []func(*gorm.DB) *gorm.DB
	if f.ChargePointID != 0 {
		sc = append(sc, store.ForChargePoint(f.ChargePointID))
	}
	if f.IDTag != "" {
		tag := f.IDTag
		sc = append(sc, func(db *gorm.DB) *gorm.DB { return db.Where("id_tag = ?", tag) })
	}
	if !f.From.IsZero() {
		from := f.From.UTC()
		sc = append(sc, func(db *gorm.DB) *gorm.DB { return db.Where("started_at >= ?", from) })
	}
	if !f.To.IsZero() {
		to := f.To.UTC()
		sc = append(sc, func(db *gorm.DB) *gorm.DB { return db.Where("started_at < ?", to) })
	}
	switch f.Status {
	case stateActive:
		sc = append(sc, store.Active)
	case stateCompleted:
		sc = append(sc, store.Completed)
	}
	return sc
}

// findSessions returns page (from 1) of the sessions matching f, newest
// first, perPage a page (≤ 0: all), and how many match.
func (s *server) findSessions(ctx context.Context, f sessionFilter, page, perPage int) ([]*sessionView, int64, error) {
	db := s.db.WithContext(ctx)
	var total int64
	if err := db.Model(&store.ChargingSession{}).Scopes(f.scopes()...).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []store.ChargingSession
	q := db.Preload("ChargePoint").Scopes(f.scopes()...).Order("started_at DESC, id DESC")
	if perPage > 0 {
		q = q.Limit(perPage).Offset((max(page, 1) - 1) * perPage)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	out := make([]*sessionView, len(rows))
	for i := range rows {
		out[i] = newSessionView(&rows[i], nil)
	}
	return out, total, nil
}

// meterPoint is one sampled value in GET …/meter_values.
type meterPoint struct {
	ConnectorID int       `json:"connector_id"`
	Measurand   string    `json:"measurand"`
	Timestamp   time.Time `json:"timestamp"`
	Value       float64   `json:"value"`
	Unit        string    `json:"unit"`
	Phase       string    `json:"phase,omitempty"`
	Context     string    `json:"context,omitempty"`
	SessionID   *uint     `json:"session_id"`
}

// maxChartRows bounds one meter values answer.
const maxChartRows = 50_000

// groupedMeterValues returns the meter values matching scopes, oldest first,
// grouped by measurand for charting. Each point carries its measurand too,
// the shape of the live meter_values events.
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
			ConnectorID: mv.EVSEID, Measurand: mv.Measurand, Timestamp: mv.Timestamp, Value: mv.Value, Unit: mv.Unit,
			Phase: mv.Phase, Context: mv.Context, SessionID: mv.ChargingSessionID,
		})
	}
	return groups, nil
}
