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

func readmeAPI(mux *http.ServeMux, csms *ocppkit.CSMS, requireOperator func(http.Handler) http.Handler) {
	// doc:begin readme-api

	mux.Handle("/api/charge_points/", requireOperator(csms.Remote.HTTPHandler())) // behind your sign-in
	// doc:end
}
