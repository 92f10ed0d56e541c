package docs

// The Go of docs/real-time-monitoring.md, section by section. TestGuideRuns
// (run_test.go) runs these functions against a CSMS and a simulated charge
// point.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// doc:begin app

// App is the host application: its own database handle and mux, and the
// CSMS mounted on it.
type App struct {
	DB   *gorm.DB
	CSMS *ocppkit.CSMS
	Mux  *http.ServeMux
}

// doc:end

// doc:begin polling

func printFleet(ctx context.Context, w io.Writer, db *gorm.DB) error {
	db = db.WithContext(ctx)
	var connected, available, charging []store.ChargePoint
	if err := errors.Join(
		db.Scopes(store.Connected).Find(&connected).Error, // holding a socket now
		db.Scopes(store.Available).Find(&available).Error, // connected and status Available
		db.Scopes(store.Charging).Find(&charging).Error,   // status Charging
	); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d connected, %d available, %d charging\n", len(connected), len(available), len(charging))

	cp, err := store.New(db).ChargePointByIdentifier(ctx, "CP001")
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintln(w, "CP001 has never connected")
		return nil
	} else if err != nil {
		return err
	}
	fmt.Fprintln(w, cp.IsConnected(), cp.IsAvailable()) // true true
	fmt.Fprintln(w, cp.Status)                          // Available, Preparing, Charging …
	fmt.Fprintln(w, cp.Vendor, cp.Model)                // from its BootNotification
	if cp.LastHeartbeatAt != nil {
		fmt.Fprintln(w, "last heartbeat", cp.LastHeartbeatAt.Format(time.RFC3339))
	}
	return nil
}

// doc:end

// doc:begin dashboard-controller

type fleetPage struct {
	Connected, Available, Charging int64
	ChargePoints                   []store.ChargePoint
}

var fleetTemplate = template.Must(template.New("fleet").Parse(`
<p>{{.Connected}} connected · {{.Available}} available · {{.Charging}} charging</p>
<ul>{{range .ChargePoints}}<li id="cp-{{.ID}}">{{.Identifier}}: <span class="status">{{.Status}}</span></li>{{end}}</ul>`))

func (app *App) fleet(w http.ResponseWriter, r *http.Request) {
	// A fresh statement per query: a *gorm.DB chain accumulates conditions.
	cps := func() *gorm.DB { return app.DB.WithContext(r.Context()).Model(&store.ChargePoint{}) }
	var page fleetPage
	if err := errors.Join(
		cps().Scopes(store.Connected).Count(&page.Connected).Error,
		cps().Scopes(store.Available).Count(&page.Available).Error,
		cps().Scopes(store.Charging).Count(&page.Charging).Error,
		cps().Order("identifier").Find(&page.ChargePoints).Error,
	); err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = fleetTemplate.Execute(w, page)
}

// doc:end

// doc:begin sse

// events streams the topics a page asks for (?topic=charge_point_7_status&…)
// as Server-Sent Events, after checking that each names a charge point
// that exists.
func (app *App) events() http.Handler {
	return broadcast.NewSSEHandler(broadcast.SSEConfig{
		Broadcaster: app.CSMS.Broadcaster,
		Authorize: func(r *http.Request, topics []string) error {
			for _, topic := range topics {
				if topic == broadcast.AllChargePointsTopic {
					continue
				}
				id, _, ok := broadcast.ParseTopic(topic)
				if !ok {
					return fmt.Errorf("unknown topic %q", topic)
				}
				if _, err := app.CSMS.Store.ChargePointByID(r.Context(), id); err != nil {
					return fmt.Errorf("no charge point %d", id)
				}
			}
			return nil
		},
	})
}

// doc:end

// doc:begin subscribe-status

// logStatusChanges follows one charge point's connectors until ctx ends.
func logStatusChanges(ctx context.Context, b broadcast.Broadcaster, chargePointID uint, log *slog.Logger) error {
	msgs, err := b.Subscribe(ctx, broadcast.StatusTopic(chargePointID))
	if err != nil {
		return err
	}
	for m := range msgs { // closed when ctx ends
		var ev broadcast.StatusEvent
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			return err
		}
		log.Info("connector status", "connector", ev.ConnectorID, "status", ev.Status, "error_code", ev.ErrorCode)
	}
	return nil
}

// doc:end

// doc:begin connector-status

func printConnectors(ctx context.Context, w io.Writer, st *store.Store, identity string) error {
	cp, err := st.ChargePointByIdentifier(ctx, identity)
	if err != nil {
		return err
	}
	// What the last StatusNotification of connector 1 said, from the
	// charge point's metadata (connector_1_status, _error_code, _updated_at).
	status, errorCode, updatedAt := cp.ConnectorStatus(1)
	fmt.Fprintln(w, status, errorCode, updatedAt.Format(time.RFC3339)) // Charging NoError 2025-…

	// The raw keys, as the metadata JSON holds them.
	for key, value := range cp.Metadata {
		if strings.HasPrefix(key, "connector_") && strings.HasSuffix(key, "_status") {
			fmt.Fprintln(w, key, value) // connector_1_status Charging
		}
	}

	// Every connector as a row of its own (connector 0 is the charge point).
	connectors, err := st.Connectors(ctx, cp.ID)
	if err != nil {
		return err
	}
	for _, c := range connectors {
		fmt.Fprintln(w, c.ConnectorID, c.Status, c.ErrorCode, c.Info, c.StatusAt.Format(time.RFC3339))
	}
	return nil
}

// doc:end

// doc:begin connector-model

// Connector scopes over the library's ocpp_connectors table.
func availableConnectors(db *gorm.DB) *gorm.DB {
	return db.Where("status = ? AND error_code = ?", "Available", "NoError").Where("connector_id > 0")
}

func faultedConnectors(db *gorm.DB) *gorm.DB {
	return db.Where("error_code <> ?", "NoError")
}

// Bay is the host's own table: what the library does not know about a
// connector (where it is, what it costs), joined by charge point and
// connector id.
type Bay struct {
	ID            uint   `gorm:"primaryKey"`
	ChargePointID uint   `gorm:"not null;uniqueIndex:idx_bays_connector,priority:1"`
	ConnectorID   int    `gorm:"not null;uniqueIndex:idx_bays_connector,priority:2"`
	Label         string `gorm:"size:50"`
	LastStatus    string `gorm:"size:50"`
	UpdatedAt     time.Time
	ChargePoint   *store.ChargePoint `gorm:"constraint:OnDelete:CASCADE"`
}

func freeBays(ctx context.Context, db *gorm.DB) ([]store.Connector, error) {
	var free []store.Connector
	err := db.WithContext(ctx).Scopes(availableConnectors).Order("charge_point_id, connector_id").Find(&free).Error
	return free, err
}

// doc:end

// doc:begin override-status

// trackBays keeps the host's bays in step with StatusNotification: the
// library's default handler first (connector row, metadata, charge point
// status, the live event), then the host's own row.
func trackBays(app *App) {
	handlers.On(app.CSMS.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		res, err := app.CSMS.Defaults.StatusNotification(ctx, c, req)
		if err != nil || req.ConnectorId == 0 {
			return res, err
		}
		// store.Write: on SQLite, the write takes its turn with ocppkit's own.
		err = store.Write(ctx, app.DB, func(tx *gorm.DB) error {
			bay := Bay{ChargePointID: c.ChargePoint.ID, ConnectorID: req.ConnectorId}
			return tx.Where(bay).Assign(Bay{LastStatus: string(req.Status)}).FirstOrCreate(&bay).Error
		})
		return res, err // an error answers InternalError: the charge point sends it again
	})
}

// doc:end

// doc:begin override-status-201

// trackBays201 is the same for OCPP 2.0.1 stations, whose
// StatusNotification names an EVSE (the bay) and a connector in it, with
// 2.0.1's statuses (Available, Occupied, Reserved, Unavailable, Faulted).
func trackBays201(app *App) {
	handlers.On(app.CSMS.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp201.StatusNotificationRequest) (ocpp201.StatusNotificationResponse, error) {
		res, err := app.CSMS.Defaults.V201.StatusNotification(ctx, c, req)
		if err != nil {
			return res, err
		}
		err = store.Write(ctx, app.DB, func(tx *gorm.DB) error {
			bay := Bay{ChargePointID: c.ChargePoint.ID, ConnectorID: req.EvseId}
			return tx.Where(bay).Assign(Bay{LastStatus: string(req.ConnectorStatus)}).FirstOrCreate(&bay).Error
		})
		return res, err
	})
}

// doc:end

// doc:begin override-status-by-name

// The same through the registry's string-keyed default, for a handler
// that must not depend on the Defaults it wraps.
func trackBaysByName(app *App) {
	def := app.CSMS.Handlers.Default(ocpp16.ActionStatusNotification)
	handlers.On(app.CSMS.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		slog.InfoContext(ctx, "status", "charge_point", c.Identity, "connector", req.ConnectorId, "status", req.Status)
		return handlers.Invoke[ocpp16.StatusNotificationResponse](ctx, def, c, req)
	})
}

// doc:end

// doc:begin sessions-models

func printSessions(ctx context.Context, w io.Writer, db *gorm.DB, cp *store.ChargePoint) error {
	db = db.WithContext(ctx)
	var active, ofThisOne, recent []store.ChargingSession
	if err := errors.Join(
		db.Scopes(store.Active).Find(&active).Error,
		db.Scopes(store.Active, store.ForChargePoint(cp.ID)).Find(&ofThisOne).Error,
		db.Scopes(store.Completed, store.ForChargePoint(cp.ID)).Order("stopped_at DESC").Limit(10).Find(&recent).Error,
	); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d active, %d here, %d recently completed\n", len(active), len(ofThisOne), len(recent))

	current, err := cp.CurrentSession(ctx, db) // the most recently started active one
	if errors.Is(err, store.ErrNotFound) {
		return nil // not charging
	} else if err != nil {
		return err
	}
	fmt.Fprintln(w, current.ConnectorID) // 1
	fmt.Fprintln(w, current.IDTag)       // RFID12345
	fmt.Fprintln(w, current.StartedAt.Format(time.RFC3339))
	fmt.Fprintln(w, int(current.Duration().Seconds()))      // so far
	fmt.Fprintln(w, store.RoundKWh(current.EnergyConsumed)) // kWh, kept current by the meter values
	fmt.Fprintln(w, current.Status)                         // Charging (the connector's: Preparing, SuspendedEV …)
	fmt.Fprintln(w, current.MeterStart)                     // Wh
	return nil
}

// doc:end

// doc:begin sessions-controller

func (app *App) sessions(w http.ResponseWriter, r *http.Request) {
	db := app.DB.WithContext(r.Context())
	var page struct {
		Active []store.ChargingSession `json:"active"`
		Recent []store.ChargingSession `json:"recent"`
	}
	if err := errors.Join(
		db.Preload("ChargePoint").Scopes(store.Active).Order("started_at").Find(&page.Active).Error,
		db.Preload("ChargePoint").Scopes(store.Completed).Order("stopped_at DESC").Limit(50).Find(&page.Recent).Error,
	); err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, page)
}

func (app *App) session(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	sess, err := app.CSMS.Store.SessionByID(r.Context(), uint(id))
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	var values []store.MeterValue
	if err := app.DB.WithContext(r.Context()).Scopes(store.ForSession(sess.ID)).Order("timestamp").Find(&values).Error; err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]any{"session": sess, "meter_values": values})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// doc:end

// doc:begin subscribe-sessions

// notifySessions calls started and stopped for one charge point's
// sessions until ctx ends.
func notifySessions(ctx context.Context, b broadcast.Broadcaster, chargePointID uint, started, stopped func(broadcast.SessionInfo)) error {
	msgs, err := b.Subscribe(ctx, broadcast.SessionsTopic(chargePointID))
	if err != nil {
		return err
	}
	for m := range msgs {
		var ev broadcast.SessionEvent
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			return err
		}
		switch ev.Event {
		case broadcast.SessionStarted:
			started(ev.Session)
		case broadcast.SessionStopped:
			stopped(ev.Session) // ev.Session.EnergyConsumed: kWh, whole Wh
		}
	}
	return nil
}

// doc:end

// doc:begin meter-models

func printMeterValues(ctx context.Context, w io.Writer, db *gorm.DB, cp *store.ChargePoint) error {
	db = db.WithContext(ctx)
	var latest []store.MeterValue
	if err := db.Scopes(store.ForChargePoint(cp.ID), store.Recent).Limit(10).Find(&latest).Error; err != nil {
		return err
	}
	// The newest reading of one measurand; Limit(1).Find leaves energy empty
	// (ID 0) when there is none, without an error.
	var energy, power store.MeterValue
	if err := errors.Join(
		db.Scopes(store.ForChargePoint(cp.ID), store.Energy, store.Recent).Limit(1).Find(&energy).Error,
		db.Scopes(store.ForChargePoint(cp.ID), store.Power, store.Recent).Limit(1).Find(&power).Error,
	); err != nil {
		return err
	}
	if energy.ID != 0 {
		fmt.Fprintln(w, energy.Value, energy.Unit, energy.Timestamp.Format(time.RFC3339)) // 12345.67 Wh …
	}
	if power.ID != 0 {
		fmt.Fprintln(w, power.Value, power.Unit) // 7200 W
	}

	// A session's values in time order, and one measurand of them.
	if current, err := cp.CurrentSession(ctx, db); err == nil {
		var all, energyOnly []store.MeterValue
		if err := errors.Join(
			db.Scopes(store.ForSession(current.ID)).Order("timestamp").Find(&all).Error,
			db.Scopes(store.ForSession(current.ID), store.Energy).Order("timestamp").Find(&energyOnly).Error,
		); err != nil {
			return err
		}
		fmt.Fprintf(w, "session %d: %d values, %d energy readings\n", current.ID, len(all), len(energyOnly))
	}

	// The other measurand scopes: Current, Voltage, SoC.
	var volts []store.MeterValue
	return db.Scopes(store.ForChargePoint(cp.ID), store.Voltage, store.Recent).Limit(10).Find(&volts).Error
}

// doc:end

// doc:begin meter-api

type point struct {
	Timestamp time.Time `json:"timestamp"`
	Value     float64   `json:"value"`
	Unit      string    `json:"unit"`
}

// meterValues answers GET /api/charge_points/{id}/meter_values: the last
// hour, grouped by measurand, oldest first, for charting.
func (app *App) meterValues(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	var values []store.MeterValue
	err = app.DB.WithContext(r.Context()).
		Scopes(store.ForChargePoint(uint(id)), store.Since(time.Now().Add(-time.Hour))).
		Order("timestamp").Find(&values).Error
	if err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	grouped := map[string][]point{}
	for _, v := range values {
		grouped[v.Measurand] = append(grouped[v.Measurand], point{v.Timestamp, v.Value, v.Unit})
	}
	writeJSON(w, grouped)
}

// doc:end

// doc:begin subscribe-meter-values

// livePower keeps the latest power of every charge point, for a gauge.
type livePower struct {
	mu    sync.Mutex
	watts map[uint]float64
}

func (p *livePower) follow(ctx context.Context, b broadcast.Broadcaster) error {
	msgs, err := b.Subscribe(ctx, broadcast.AllChargePointsTopic)
	if err != nil {
		return err
	}
	for m := range msgs {
		var env broadcast.Envelope
		if err := json.Unmarshal(m.Data, &env); err != nil || env.Kind != broadcast.KindMeterValues {
			continue
		}
		var mv broadcast.MeterValueEvent
		if err := json.Unmarshal(env.Data, &mv); err != nil || mv.Measurand != "Power.Active.Import" {
			continue
		}
		p.mu.Lock()
		p.watts[env.ChargePointID] = mv.Value
		p.mu.Unlock()
	}
	return nil
}

// doc:end

// doc:begin remote

func remoteStartStop(ctx context.Context, csms *ocppkit.CSMS) error {
	// Awaited: the charge point's answer, or why there is none
	// (remote.ErrNotConnected, remote.ErrTimeout, an *ocpp.Error …).
	res, err := csms.Remote.RemoteStartTransaction(ctx, "CP001", 1, "RFID12345")
	if err != nil {
		return err
	}
	if res.Status != ocpp16.RemoteStartStopStatusAccepted {
		return fmt.Errorf("CP001 refused: %s", res.Status)
	}

	// Queued: stored, and sent now or when the charge point next connects;
	// the outcome is published on charge_point_<id>_commands.
	if _, err := csms.Remote.Enqueue(ctx, "CP001", ocpp16.RemoteStartTransactionRequest{IdTag: "RFID12345", ConnectorId: ptr(2)}, nil); err != nil {
		return err
	}

	// Stop: by the session's database id.
	cp, err := csms.Store.ChargePointByIdentifier(ctx, "CP001")
	if err != nil {
		return err
	}
	current, err := cp.CurrentSession(ctx, csms.Store.DB())
	if err != nil {
		return err // store.ErrNotFound: nothing to stop
	}
	_, err = csms.Remote.RemoteStopTransaction(ctx, "CP001", current.ID)
	return err
}

func ptr[T any](v T) *T { return &v }

// doc:end

// doc:begin remote-neutral

// startSession and stopSession work on a charge point of either version:
// RemoteStartTransaction and RemoteStopTransaction on 1.6,
// RequestStartTransaction and RequestStopTransaction (with the station's
// own transaction id) on 2.0.1.
func startSession(ctx context.Context, csms *ocppkit.CSMS, identity string, evse int) error {
	res, err := csms.Remote.StartSession(ctx, identity, remote.StartOptions{EVSEID: evse, IDTag: "RFID12345"})
	if err != nil {
		return err
	}
	if !res.Accepted {
		return fmt.Errorf("%s refused: %s", identity, res.Status)
	}
	return nil // the session opens when the station reports it: charge_point_<id>_sessions
}

func stopSession(ctx context.Context, csms *ocppkit.CSMS, sessionID uint) error {
	res, err := csms.Remote.StopSession(ctx, sessionID) // remote.ErrNoActiveSession once it has ended
	if err == nil && !res.Accepted {
		err = fmt.Errorf("session %d: the station answered %s", sessionID, res.Status)
	}
	return err
}

// doc:end

// doc:begin remote-api

// mountRemoteControl adds POST /api/charge_points/{id}/start and …/stop,
// for signed-in operators only.
func (app *App) mountRemoteControl(requireOperator func(http.Handler) http.Handler) {
	app.Mux.Handle("POST /api/charge_points/{id}/start", requireOperator(http.HandlerFunc(app.remoteStart)))
	app.Mux.Handle("POST /api/charge_points/{id}/stop", requireOperator(http.HandlerFunc(app.remoteStop)))
}

func (app *App) chargePoint(w http.ResponseWriter, r *http.Request) (*store.ChargePoint, bool) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return nil, false
	}
	cp, err := app.CSMS.Store.ChargePointByID(r.Context(), uint(id))
	if err != nil {
		http.NotFound(w, r)
		return nil, false
	}
	return cp, true
}

func (app *App) remoteStart(w http.ResponseWriter, r *http.Request) {
	cp, ok := app.chargePoint(w, r)
	if !ok {
		return
	}
	if !cp.IsAvailable() {
		w.WriteHeader(http.StatusUnprocessableEntity)
		writeJSON(w, map[string]string{"error": "charge point not available"})
		return
	}
	var body struct {
		ConnectorID int    `json:"connector_id"`
		IDTag       string `json:"id_tag"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.IDTag == "" {
		http.Error(w, "want {connector_id, id_tag}", http.StatusBadRequest)
		return
	}
	res, err := app.CSMS.Remote.RemoteStartTransaction(r.Context(), cp.Identifier, body.ConnectorID, body.IDTag)
	app.answer(w, res.Status, err)
}

func (app *App) remoteStop(w http.ResponseWriter, r *http.Request) {
	cp, ok := app.chargePoint(w, r)
	if !ok {
		return
	}
	current, err := cp.CurrentSession(r.Context(), app.DB)
	if err != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
		writeJSON(w, map[string]string{"error": "no active session"})
		return
	}
	res, err := app.CSMS.Remote.RemoteStopTransaction(r.Context(), cp.Identifier, current.ID)
	app.answer(w, res.Status, err)
}

// answer reports the charge point's verdict, or why there is none.
func (app *App) answer(w http.ResponseWriter, status ocpp16.RemoteStartStopStatus, err error) {
	switch {
	case errors.Is(err, remote.ErrNotConnected):
		w.WriteHeader(http.StatusConflict)
	case errors.Is(err, remote.ErrTimeout):
		w.WriteHeader(http.StatusGatewayTimeout)
	case err != nil:
		w.WriteHeader(http.StatusBadGateway)
	}
	if err != nil {
		writeJSON(w, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, map[string]string{"status": string(status)}) // Accepted or Rejected
}

// doc:end

// doc:begin complete-dashboard

type dashboardPage struct {
	Stats struct {
		Total, Connected, Available, Charging, ActiveSessions int64
		EnergyTodayKWh                                        float64
	}
	ChargePoints []store.ChargePoint // each with its active session preloaded
}

var dashboardTemplate = template.Must(template.New("dashboard").Parse(`
<section class="stats">
  <div>{{.Stats.Total}} charge points</div><div>{{.Stats.Connected}} connected</div>
  <div>{{.Stats.Available}} available</div><div>{{.Stats.Charging}} charging</div>
  <div>{{printf "%.1f" .Stats.EnergyTodayKWh}} kWh today</div>
</section>
{{range .ChargePoints}}
<article class="card" data-id="{{.ID}}" data-identifier="{{.Identifier}}">
  <h3>{{.Identifier}} <span class="badge status-{{.Status}}">{{.Status}}</span></h3>
  <p>{{.Vendor}} {{.Model}} · {{if .Connected}}online{{else}}offline{{end}}</p>
  {{with .ChargingSessions}}{{with index . 0}}
  <p class="session">Session {{.ID}}: <span class="energy">{{printf "%.3f" .EnergyConsumed}}</span> kWh · <span class="power"></span></p>
  <form method="post" action="/api/charge_points/{{.ChargePointID}}/stop"><button>Stop charging</button></form>
  {{end}}{{else}}{{if and .Connected (eq .Status "Available")}}
  <form method="post" action="/api/charge_points/{{.ID}}/start"><button>Start charging</button></form>
  {{end}}{{end}}
</article>
{{end}}`))

func (app *App) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cps := func() *gorm.DB { return app.DB.WithContext(ctx).Model(&store.ChargePoint{}) }
	midnight := time.Now().Truncate(24 * time.Hour) // UTC; use your users' zone
	var page dashboardPage
	energy, energyErr := app.CSMS.Store.EnergySince(ctx, midnight)
	page.Stats.EnergyTodayKWh = energy
	if err := errors.Join(energyErr,
		cps().Count(&page.Stats.Total).Error,
		cps().Scopes(store.Connected).Count(&page.Stats.Connected).Error,
		cps().Scopes(store.Available).Count(&page.Stats.Available).Error,
		cps().Scopes(store.Charging).Count(&page.Stats.Charging).Error,
		app.DB.WithContext(ctx).Model(&store.ChargingSession{}).Scopes(store.Active).Count(&page.Stats.ActiveSessions).Error,
		// One query for all the cards' sessions, not one per card.
		cps().Preload("ChargingSessions", store.Active).Order("identifier").Find(&page.ChargePoints).Error,
	); err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = dashboardTemplate.Execute(w, page)
}

// doc:end

// doc:begin charge-point-page

type chargePointPage struct {
	ChargePoint *store.ChargePoint
	Current     *store.ChargingSession // nil when idle
	Recent      []store.ChargingSession
	MeterValues []store.MeterValue
}

func (app *App) chargePointPage(ctx context.Context, id uint) (*chargePointPage, error) {
	cp, err := app.CSMS.Store.ChargePointByID(ctx, id)
	if err != nil {
		return nil, err
	}
	page := &chargePointPage{ChargePoint: cp}
	if current, err := cp.CurrentSession(ctx, app.DB); err == nil {
		page.Current = current
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	db := app.DB.WithContext(ctx)
	return page, errors.Join(
		db.Scopes(store.Completed, store.ForChargePoint(id)).Order("stopped_at DESC").Limit(10).Find(&page.Recent).Error,
		db.Scopes(store.ForChargePoint(id), store.Recent).Limit(20).Find(&page.MeterValues).Error,
	)
}

// doc:end

// doc:begin measurands

func specificMeasurands(ctx context.Context, db *gorm.DB, cp *store.ChargePoint) error {
	db = db.WithContext(ctx).Scopes(store.ForChargePoint(cp.ID))
	var energy, power, soc, temperatures []store.MeterValue
	var voltageL1 store.MeterValue
	return errors.Join(
		db.Scopes(store.Energy, store.Recent).Limit(100).Find(&energy).Error,
		db.Scopes(store.Power, store.Recent).Limit(100).Find(&power).Error,
		db.Scopes(store.SoC, store.Recent).Limit(100).Find(&soc).Error,
		// Per phase: OCPP names voltage phases L1-N … (line to neutral) or L1-L2 ….
		db.Scopes(store.Voltage, store.Recent).Where("phase = ?", "L1-N").Limit(1).Find(&voltageL1).Error,
		// Any measurand by name.
		db.Scopes(store.Recent).Where("measurand = ?", "Temperature").Limit(100).Find(&temperatures).Error,
	)
}

// doc:end

// doc:begin indexing

// migrateApp runs the host's own migrations; an extra index on the
// library's tables is the host's to create and name (app_ prefix: never
// the name of one of ocppkit's own).
func migrateApp(ctx context.Context, db *gorm.DB) error {
	if err := store.Migrate(ctx, db); err != nil { // ocppkit's tables and indexes
		return err
	}
	if err := db.WithContext(ctx).AutoMigrate(&Bay{}); err != nil { // the host's tables
		return err
	}
	return db.WithContext(ctx).Exec(`CREATE INDEX IF NOT EXISTS app_sessions_id_tag_started
		ON ocpp_charging_sessions (id_tag, started_at)`).Error // "sessions of this card"
}

// doc:end

// doc:begin caching

// statusCache answers "how is charge point N?" from memory, for ten
// seconds at most, and forgets an entry as soon as one of its events
// arrives.
type statusCache struct {
	st      *store.Store
	mu      sync.Mutex
	entries map[uint]cachedStatus
}

type cachedStatus struct {
	Status    string                 `json:"status"`
	Connected bool                   `json:"connected"`
	Session   *store.ChargingSession `json:"current_session"`
	expires   time.Time
}

func (c *statusCache) get(ctx context.Context, id uint) (cachedStatus, error) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && time.Now().Before(e.expires) {
		return e, nil
	}
	cp, err := c.st.ChargePointByID(ctx, id)
	if err != nil {
		return cachedStatus{}, err
	}
	e = cachedStatus{Status: cp.Status, Connected: cp.IsConnected(), expires: time.Now().Add(10 * time.Second)}
	if s, err := cp.CurrentSession(ctx, c.st.DB()); err == nil {
		e.Session = s
	}
	c.mu.Lock()
	c.entries[id] = e
	c.mu.Unlock()
	return e, nil
}

// invalidate drops a charge point's entry on each of its events, until
// ctx ends. Run it in a goroutine of its own.
func (c *statusCache) invalidate(ctx context.Context, b broadcast.Broadcaster) error {
	msgs, err := b.Subscribe(ctx, broadcast.AllChargePointsTopic)
	if err != nil {
		return err
	}
	for m := range msgs {
		var env broadcast.Envelope
		if json.Unmarshal(m.Data, &env) == nil && env.Kind != broadcast.KindMeterValues {
			c.mu.Lock()
			delete(c.entries, env.ChargePointID)
			c.mu.Unlock()
		}
	}
	return nil
}

// doc:end

// doc:begin coalesce

// newThrottledCSMS publishes each meter value series (charge point,
// connector, measurand, phase) at most every two seconds, the latest value
// winning; status, session and connection events are not delayed.
func newThrottledCSMS(db *gorm.DB) (*ocppkit.CSMS, func(context.Context) error, error) {
	b := broadcast.Coalesce(broadcast.NewMemory(broadcast.MemoryConfig{}), 2*time.Second)
	csms, err := ocppkit.New(ocppkit.Config{DB: db, Broadcaster: b})
	if err != nil {
		return nil, nil, err
	}
	shutdown := func(ctx context.Context) error {
		err := csms.Shutdown(ctx)             // its last events go into b …
		return errors.Join(err, b.Close(ctx)) // … and b publishes what it holds
	}
	return csms, shutdown, nil
}

// doc:end

// doc:begin ui-auth

// authorizeTopics lets a signed-in user watch the charge points of their
// own sites only. userOf and mayRead are the host's.
func authorizeTopics(userOf func(*http.Request) (userID int64, ok bool), mayRead func(ctx context.Context, userID int64, chargePointID uint) bool) func(*http.Request, []string) error {
	return func(r *http.Request, topics []string) error {
		user, ok := userOf(r)
		if !ok {
			return errors.New("sign in first")
		}
		for _, topic := range topics {
			id, _, ok := broadcast.ParseTopic(topic) // charge_points (all of them) is not a charge point topic
			if !ok || !mayRead(r.Context(), user, id) {
				return fmt.Errorf("topic %q is not yours", topic)
			}
		}
		return nil
	}
}

// doc:end
