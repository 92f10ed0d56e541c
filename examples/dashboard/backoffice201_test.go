package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// dial201 connects a scripted 2.0.1 station, registered here, that has
// booted and reported EVSE 1..n Available.
func (e *testEnv) dial201(t *testing.T, identity string, n int) (*ocpptest.ChargePoint, uint) {
	t.Helper()
	ctx := t.Context()
	row, err := e.srv.csms.RegisterChargePoint(ctx, identity, "cp-password")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ocpp", identity,
		&ocpptest.Options{Password: "cp-password", Subprotocols: ocpptest.Subprotocols201})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Close() })
	if _, err := cp.V201().BootNotification(ctx, ocpp201.BootNotificationRequest{
		ChargingStation: ocpp201.ChargingStation{VendorName: "ACME", Model: "Station"}, Reason: ocpp201.BootReasonPowerUp,
	}); err != nil {
		t.Fatal(err)
	}
	for evse := 1; evse <= n; evse++ {
		if _, err := cp.V201().StatusNotification(ctx, evse, 1, ocpp201.ConnectorStatusAvailable); err != nil {
			t.Fatal(err)
		}
	}
	return cp, row.ID
}

// TestCommandForms201: a 2.0.1 station's commands tab offers every CSMS
// action of 2.0.1, each with a form built from its request type, sends
// what the form says, and refuses a 1.6 action.
func TestCommandForms201(t *testing.T) {
	e := newTestEnv(t)
	cp, id := e.dial201(t, "CS-201", 2)
	base := "/charge_points/" + strconv.FormatUint(uint64(id), 10) + "/commands"
	var all []string
	for _, g := range commandGroups(cp.Version()) {
		all = append(all, g.Actions...)
	}
	slices.Sort(all)
	if want := slices.Sorted(slices.Values(ocpp201.CSMSActions)); !slices.Equal(all, want) {
		t.Errorf("command menu %v, want every CSMS action of 2.0.1 %v", all, want)
	}
	for _, action := range all {
		code, body := e.get(t, base+"?action="+action)
		if code != http.StatusOK {
			t.Errorf("form of %s = %d", action, code)
			continue
		}
		req, _ := ocpp201.NewRequest(action)
		b, _ := json.Marshal(req)
		var props map[string]any
		_ = json.Unmarshal(b, &props)
		for p := range props {
			if !strings.Contains(body, `name="`+p) && !strings.Contains(body, "<legend>"+p) {
				t.Errorf("form of %s has no field %s", action, p)
			}
		}
	}

	tests := []struct {
		name, action string
		form         url.Values
		code         int
		received     string
	}{
		{"reset", "Reset", url.Values{"type": {"OnIdle"}}, http.StatusOK, `{"type":"OnIdle"}`},
		{"list rows with required groups, two filled", "GetVariables", url.Values{
			"getVariableData.0.component.name": {"OCPPCommCtrlr"}, "getVariableData.0.variable.name": {"HeartbeatInterval"},
			"getVariableData.1.component.name": {"EVSE"}, "getVariableData.1.component.evse.id": {"2"}, "getVariableData.1.variable.name": {"Power"},
		}, http.StatusOK, `{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},{"component":{"evse":{"id":2},"name":"EVSE"},"variable":{"name":"Power"}}]}`},
		{"date and time", "ReserveNow", url.Values{"id": {"3"}, "expiryDateTime": {"2030-05-06T07:08"}, "idToken.idToken": {"T"}, "idToken.type": {"Central"}},
			http.StatusOK, `"expiryDateTime":"2030-05-06T07:08:00.000Z"`},
		{"missing required", "RequestStopTransaction", url.Values{}, http.StatusUnprocessableEntity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := e.post(t, base+"/"+tt.action, tt.form)
			if code != tt.code {
				t.Fatalf("POST %s = %d: %s", tt.action, code, between(body, `<main`, `</main>`))
			}
			if tt.received == "" {
				return
			}
			call := awaitCall(t, cp, tt.action)
			if !strings.Contains(string(call.Payload), tt.received) {
				t.Errorf("station received %s, want %s", call.Payload, tt.received)
			}
		})
	}
	if code, _, _ := e.post(t, base+"/RemoteStartTransaction", nil); code != http.StatusNotFound {
		t.Errorf("a 1.6 command on a 2.0.1 station = %d, want 404", code)
	}
}

// TestRemoteStartStop201: the Start and Stop buttons' API sends
// RequestStartTransaction to a 2.0.1 station (for the EVSE asked) and
// RequestStopTransaction with the station's transaction id.
func TestRemoteStartStop201(t *testing.T) {
	e := newTestEnv(t)
	cp, id := e.dial201(t, "CS-201", 2)
	path := "/api/charge_points/" + strconv.FormatUint(uint64(id), 10)
	var out map[string]any
	if code := e.do(t, "POST", path+"/remote_start", `{"connector_id":2,"id_tag":"RFID-201"}`, &out); code != http.StatusAccepted {
		t.Fatalf("remote_start = %d %v", code, out)
	}
	call := awaitCall(t, cp, "RequestStartTransaction")
	var start ocpp201.RequestStartTransactionRequest
	if err := json.Unmarshal(call.Payload, &start); err != nil || start.EvseId == nil || *start.EvseId != 2 ||
		start.IdToken.IdToken != "RFID-201" || start.RemoteStartId <= 0 {
		t.Fatalf("RequestStartTransaction %s", call.Payload)
	}
	if _, err := cp.V201().StartTransaction(t.Context(), ocpptest.TransactionOptions{
		EVSEID: 2, TransactionID: "TX-201", RemoteStartID: &start.RemoteStartId, MeterStartWh: 1000,
		IDToken: ocpp201.IdToken{IdToken: "RFID-201", Type: ocpp201.IdTokenTypeCentral},
	}); err != nil {
		t.Fatal(err)
	}
	if code := e.do(t, "POST", path+"/remote_stop", `{"connector_id":2}`, &out); code != http.StatusAccepted {
		t.Fatalf("remote_stop = %d %v", code, out)
	}
	if out["connector_id"] != float64(2) {
		t.Errorf("remote_stop answered %v, want connector 2", out)
	}
	call = awaitCall(t, cp, "RequestStopTransaction")
	if string(call.Payload) != `{"transactionId":"TX-201"}` {
		t.Errorf("RequestStopTransaction %s, want the station's transaction id", call.Payload)
	}
}

// TestPages201: every page of a 2.0.1 station answers, shows its version,
// the station's transaction id and its EVSEs as connectors; the device
// model replaces the configuration keys; the session CSV names the
// station's transaction and EVSE.
func TestPages201(t *testing.T) {
	e := newTestEnv(t)
	cs, id := e.dial201(t, "CS-201", 2)
	tx, err := cs.V201().StartTransaction(t.Context(), ocpptest.TransactionOptions{EVSEID: 2, TransactionID: "TX-PAGES",
		IDToken: ocpp201.IdToken{IdToken: "DASHBOARD", Type: ocpp201.IdTokenTypeCentral}, MeterStartWh: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.End(t.Context(), 4000, ocpp201.ReasonLocal); err != nil {
		t.Fatal(err)
	}
	cp := strconv.FormatUint(uint64(id), 10)
	tests := []struct {
		name, path string
		code       int
		want       []string
	}{
		{"dashboard", "/", http.StatusOK, []string{`data-identity="CS-201"`, "OCPP 2.0.1"}},
		{"card", "/charge_points/CS-201/card", http.StatusOK, []string{`data-connector="2"`}},
		{"charge point", "/charge_points/" + cp, http.StatusOK, []string{"OCPP 2.0.1", `data-connector="1"`, `data-connector="2"`, `nav`, `/device_model"`}},
		{"charge points", "/charge_points", http.StatusOK, []string{`data-field="ocpp-version">2.0.1`}},
		{"sessions", "/sessions?cp=" + cp, http.StatusOK, []string{"CS-201"}},
		{"settings", "/charge_points/" + cp + "/edit", http.StatusOK, []string{"Rotate password"}},
		{"commands", "/charge_points/" + cp + "/commands", http.StatusOK, []string{"OCPP 2.0.1", `action=RequestStartTransaction`, `name="type"`}},
		{"device model", "/charge_points/" + cp + "/device_model", http.StatusOK, []string{"Device model", "GetBaseReport"}},
		{"no configuration keys tab", "/charge_points/" + cp, http.StatusOK, []string{`Device model</a>`}},
		{"reservations", "/charge_points/" + cp + "/reservations", http.StatusOK, []string{"Reserve a connector"}},
		{"charging profiles", "/charge_points/" + cp + "/profiles", http.StatusOK, []string{"ChargingStationMaxProfile"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.get(t, tt.path)
			if code != tt.code {
				t.Fatalf("GET %s = %d", tt.path, code)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
		})
	}
	if _, body := e.get(t, "/charge_points/"+cp); strings.Contains(body, `/configuration"`) {
		t.Error("a 2.0.1 station's page links to 1.6 configuration keys")
	}
	var list struct {
		Sessions []struct {
			ID uint `json:"id"`
		} `json:"sessions"`
	}
	if code := e.do(t, "GET", "/api/sessions?cp="+cp, "", &list); code != http.StatusOK || len(list.Sessions) != 1 {
		t.Fatalf("GET /api/sessions = %d, %d sessions", code, len(list.Sessions))
	}
	if _, body := e.get(t, "/sessions/"+strconv.FormatUint(uint64(list.Sessions[0].ID), 10)); !strings.Contains(body, "Transaction TX-PAGES") || !strings.Contains(body, "connector 2") {
		t.Errorf("session page lacks the station's transaction id or EVSE:\n%s", between(body, "<main", "</main>"))
	}
	if _, csv := e.get(t, "/sessions.csv?cp="+cp); !strings.Contains(csv, ",TX-PAGES,CS-201,2,") {
		t.Errorf("CSV export:\n%s", csv)
	}
}
