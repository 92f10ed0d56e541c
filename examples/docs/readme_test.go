package docs

// The Go fragments of the README.

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// connectorTable stands for a host's own table in the README.
type connectorTable struct{ updates int }

func (t *connectorTable) Update(context.Context, uint, ocpp16.StatusNotificationRequest) { t.updates++ }

var myConnectorTable = &connectorTable{}

func readmeOverride(csms *ocppkit.CSMS) {
	// doc:begin readme-override

	handlers.On(csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		myConnectorTable.Update(ctx, c.ChargePoint.ID, req)  // your own work…
		return csms.Defaults.StatusNotification(ctx, c, req) // …and the default's, typed
	})
	// doc:end
}

func (t *connectorTable) UpdateEVSE(context.Context, uint, int, string) { t.updates++ }

func readmeOverride201(csms *ocppkit.CSMS) {
	// doc:begin readme-override-201

	handlers.On(csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp201.StatusNotificationRequest) (ocpp201.StatusNotificationResponse, error) {
		myConnectorTable.UpdateEVSE(ctx, c.ChargePoint.ID, req.EvseId, string(req.ConnectorStatus))
		return csms.Defaults.V201.StatusNotification(ctx, c, req)
	})
	// doc:end
}

func readmeOverrideByName(csms *ocppkit.CSMS) {
	// doc:begin readme-override-by-name

	def := csms.Handlers.Default(ocpp16.ActionStatusNotification) // whatever is registered as the default
	handlers.On(csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		myConnectorTable.Update(ctx, c.ChargePoint.ID, req)
		return handlers.Invoke[ocpp16.StatusNotificationResponse](ctx, def, c, req)
	})
	// doc:end
}

func readmeEvents(ctx context.Context, csms *ocppkit.CSMS, cp *store.ChargePoint) error {
	// doc:begin readme-events

	events, err := csms.Broadcaster.Subscribe(ctx, broadcast.StatusTopic(cp.ID))
	if err != nil {
		return err
	}
	for m := range events { // until ctx ends
		var ev broadcast.StatusEvent // {connector_id, status, error_code, info, timestamp}
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			return err
		}
	}
	// doc:end
	return nil
}

func readmeRemote(ctx context.Context, csms *ocppkit.CSMS, session *store.ChargingSession) error {
	// doc:begin readme-remote

	res, err := csms.Remote.RemoteStartTransaction(ctx, "CP-001", 1, "RFID12345")
	// res.Status is the charge point's answer; err is remote.ErrUnknownChargePoint,
	// remote.ErrNotConnected, remote.ErrTimeout, an *ocpp.Error (CALLERROR), …
	stop, err := csms.Remote.RemoteStopTransaction(ctx, "CP-001", session.ID)
	reset, err := remote.Call[ocpp16.ResetResponse](ctx, csms.Remote, "CP-001", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft})
	cmd, err := csms.Remote.Enqueue(ctx, "CP-001", ocpp16.ClearCacheRequest{}, nil) // persisted; sent when it connects
	// doc:end
	_, _, _, _ = res, stop, reset, cmd
	return err
}

func readmeNeutral(ctx context.Context, csms *ocppkit.CSMS, session *store.ChargingSession) error {
	// doc:begin readme-neutral

	start, err := csms.Remote.StartSession(ctx, "CP-001", remote.StartOptions{EVSEID: 1, IDTag: "RFID12345"})
	// RemoteStartTransaction to a 1.6 charge point, RequestStartTransaction to a 2.0.1 one;
	// start.Accepted, start.Status ("Accepted", "Rejected"), start.Response (the typed reply)
	stop, err := csms.Remote.StopSession(ctx, session.ID) // RemoteStopTransaction or RequestStopTransaction
	reset, err := csms.Remote.ResetStation(ctx, "CP-001", false)
	limit, err := csms.Remote.SetChargingLimit(ctx, "CP-001", 1, 16, "A")
	hb, err := csms.Remote.ReadSetting(ctx, "CP-001", "HeartbeatInterval") // or "OCPPCommCtrlr.HeartbeatInterval"
	set, err := csms.Remote.WriteSetting(ctx, "CP-001", "HeartbeatInterval", "300")
	// doc:end
	_, _, _, _, _, _ = start, stop, reset, limit, hb, set
	return err
}

func readmeRemote201(ctx context.Context, csms *ocppkit.CSMS, cs *store.ChargePoint) error {
	// doc:begin readme-remote-201

	res, err := csms.Remote.V201().GetBaseReport(ctx, "CS-002", ocpp201.GetBaseReportRequest{RequestId: 1, ReportBase: ocpp201.ReportBaseFullInventory})
	vars, err := csms.Store.Variables(ctx, cs.ID, store.VariableFilter{Component: "OCPPCommCtrlr"}) // the device model, as NotifyReport filled it
	reset, err := remote.Call[ocpp201.ResetResponse](ctx, csms.Remote, "CS-002", ocpp201.ResetRequest{Type: ocpp201.ResetOnIdle})
	_, err = csms.Remote.Reset(ctx, "CS-002", ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft}) // errors.Is(err, remote.ErrWrongVersion): a 1.6 command
	// doc:end
	_, _, _ = res, vars, reset
	return err
}

func readmeAPI(mux *http.ServeMux, csms *ocppkit.CSMS, requireOperator func(http.Handler) http.Handler) {
	// doc:begin readme-api

	mux.Handle("/api/charge_points/", requireOperator(csms.Remote.HTTPHandler())) // behind your sign-in
	// doc:end
}
