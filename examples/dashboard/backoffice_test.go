package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
)

// post submits a back office form with HTTP Basic (no CSRF token needed
// without the cookie) and returns the status, the body and the redirect.
func (e *testEnv) post(t *testing.T, path string, form url.Values, cookies ...*http.Cookie) (code int, body, location string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("admin", testPassword)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	body = string(b)
	next := &http.Request{Header: http.Header{}} // the request the redirect leads to
	for _, c := range res.Cookies() {
		next.AddCookie(c)
	}
	if f := takeFlash(httptest.NewRecorder(), next); f != nil {
		body += "\nflash: " + f.Text // what the next page shows
	}
	return res.StatusCode, body, res.Header.Get("Location")
}

// dialWith connects a scripted charge point with identity and password;
// err is the handshake's.
func (e *testEnv) dialWith(t *testing.T, identity, password string) (*ocpptest.ChargePoint, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ocpp", identity, &ocpptest.Options{Password: password})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { cp.Close() })
	_, err = cp.Heartbeat(ctx) // answered after the Connected hook: the charge point is registered online
	return cp, err
}

// TestBackOfficeChargePoints: an unknown station is listed, adopted with a
// generated password shown once, connects with it; passwords are rotated
// and replaced; the charge point is renamed and removed.
func TestBackOfficeChargePoints(t *testing.T) {
	e := newTestEnv(t)
	if _, err := e.dialWith(t, "NEWCOMER", "factory-password-0123"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("unknown station: %v, want refused with 401", err)
	}
	_, page := e.get(t, "/charge_points")
	if !strings.Contains(page, `data-unknown="NEWCOMER"`) || !strings.Contains(page, `/charge_points/new?identity=NEWCOMER`) {
		t.Fatal("the unknown station is not offered for adoption")
	}

	code, body, _ := e.post(t, "/charge_points", url.Values{"identity": {"NEWCOMER"}, "description": {"Bay 4"}, "password_mode": {"generate"}})
	password := html.UnescapeString(between(body, `<code id="secret">`, `</code>`))
	if code != http.StatusOK || len(password) != 40 {
		t.Fatalf("adopt = %d with password %q", code, password)
	}
	if !strings.Contains(body, "-id NEWCOMER -password "+password+" -id-tags DASHBOARD") {
		t.Error("no simulator command line with the password")
	}
	if _, page := e.get(t, "/charge_points"); strings.Contains(page, `data-unknown="NEWCOMER"`) || !strings.Contains(page, "Bay 4") {
		t.Error("the adopted station is still listed as unknown, or its description is missing")
	}
	cp, err := e.dialWith(t, "NEWCOMER", password)
	if err != nil {
		t.Fatalf("adopted station with the password shown: %v", err)
	}

	for _, tt := range []struct {
		name string
		form url.Values
		want int
	}{
		{"duplicate", url.Values{"identity": {"NEWCOMER"}}, http.StatusConflict},
		{"no identity", url.Values{"identity": {""}}, http.StatusUnprocessableEntity},
		{"slash", url.Values{"identity": {"a/b"}}, http.StatusUnprocessableEntity},
		{"short password", url.Values{"identity": {"X-1"}, "password_mode": {"enter"}, "password": {"short"}}, http.StatusUnprocessableEntity},
	} {
		if code, _, _ := e.post(t, "/charge_points", tt.form); code != tt.want {
			t.Errorf("add %s = %d, want %d", tt.name, code, tt.want)
		}
	}

	row, err := e.srv.csms.Store.ChargePointByIdentifier(t.Context(), "NEWCOMER")
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/charge_points/%d", row.ID)
	if code, _, _ := e.post(t, base+"/edit", url.Values{"identity": {"RENAMED"}}); code != http.StatusConflict {
		t.Errorf("rename while online = %d, want 409", code)
	}

	// Rotation: ChangeConfiguration AuthorizationKey, accepted by the
	// scripted charge point; the new password works, the old one not.
	code, body, _ = e.post(t, base+"/rotate_password", nil)
	rotated := html.UnescapeString(between(body, `<code id="secret">`, `</code>`))
	if code != http.StatusOK || len(rotated) != 40 || rotated == password {
		t.Fatalf("rotate = %d, password %q", code, rotated)
	}
	call := awaitCall(t, cp, ocpp16.ActionChangeConfiguration)
	if !strings.Contains(string(call.Payload), `"AuthorizationKey"`) || !strings.Contains(string(call.Payload), rotated) {
		t.Errorf("ChangeConfiguration = %s", call.Payload)
	}
	cp.Close()
	if _, err := e.dialWith(t, "NEWCOMER", password); err == nil {
		t.Error("the old password still works after the rotation")
	}
	cp, err = e.dialWith(t, "NEWCOMER", rotated)
	if err != nil {
		t.Fatalf("the rotated password: %v", err)
	}

	// A new password set out of band.
	code, body, _ = e.post(t, base+"/new_password", nil)
	fresh := html.UnescapeString(between(body, `<code id="secret">`, `</code>`))
	if code != http.StatusOK || len(fresh) != 40 {
		t.Fatalf("new password = %d %q", code, fresh)
	}
	cp.Close()
	if _, err := e.dialWith(t, "NEWCOMER", fresh); err != nil {
		t.Fatalf("the new password: %v", err)
	}

	// Removal closes the connection; the identity is unknown from then on.
	code, _, loc := e.post(t, base+"/delete", nil)
	if code != http.StatusSeeOther || loc != "/charge_points" {
		t.Fatalf("delete = %d to %q", code, loc)
	}
	if _, err := e.srv.csms.Store.ChargePointByIdentifier(t.Context(), "NEWCOMER"); err == nil {
		t.Error("the charge point is still there")
	}
	if _, err := e.dialWith(t, "NEWCOMER", fresh); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("removed charge point dials: %v, want 401", err)
	}

	// Offline, a charge point can be renamed.
	if code, _, _ := e.post(t, fmt.Sprintf("/charge_points/%s/edit", "CP-2"), url.Values{"identity": {"CP-2B"}, "description": {"spare"}}); code != http.StatusSeeOther {
		t.Errorf("rename offline = %d, want 303", code)
	}
	if _, err := e.srv.csms.Store.ChargePointByIdentifier(t.Context(), "CP-2B"); err != nil {
		t.Errorf("renamed charge point: %v", err)
	}
}

// TestBackOfficeIDTags: the id tags page decides what charge points are
// told.
func TestBackOfficeIDTags(t *testing.T) {
	e := newTestEnv(t)
	authorize := func() ocpp16.AuthorizationStatus {
		t.Helper()
		res, err := e.cp.Authorize(t.Context(), "CARD-1")
		if err != nil {
			t.Fatal(err)
		}
		return res.IdTagInfo.Status
	}
	if st := authorize(); st != ocpp16.AuthorizationStatusInvalid {
		t.Fatalf("unknown tag = %s", st)
	}
	code, _, _ := e.post(t, "/id_tags", url.Values{"tag": {"CARD-1"}, "status": {"Accepted"}, "parent": {"FLEET"}, "expiry": {"2030-01-02T03:04"}})
	if code != http.StatusSeeOther {
		t.Fatalf("add = %d", code)
	}
	if st := authorize(); st != ocpp16.AuthorizationStatusAccepted {
		t.Errorf("added tag = %s, want Accepted", st)
	}
	tag, err := e.srv.csms.Store.LookupIDTag(t.Context(), "CARD-1")
	if err != nil || tag.ParentTag != "FLEET" || tag.ExpiryDate == nil || !tag.ExpiryDate.Equal(time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)) {
		t.Fatalf("stored tag = %+v, %v", tag, err)
	}
	if code, body, _ := e.post(t, "/id_tags", url.Values{"tag": {"CARD-1"}, "status": {"Accepted"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "exists already") {
		t.Errorf("duplicate = %d", code)
	}
	if code, _, _ := e.post(t, "/id_tags", url.Values{"tag": {"123456789012345678901"}, "status": {"Accepted"}}); code != http.StatusUnprocessableEntity {
		t.Errorf("too long = %d", code)
	}
	id := fmt.Sprint(tag.ID)
	if code, _, _ := e.post(t, "/id_tags/"+id+"/block", nil); code != http.StatusSeeOther {
		t.Fatalf("block = %d", code)
	}
	if st := authorize(); st != ocpp16.AuthorizationStatusBlocked {
		t.Errorf("blocked tag = %s", st)
	}
	if code, _, _ := e.post(t, "/id_tags/"+id+"/unblock", nil); code != http.StatusSeeOther {
		t.Fatalf("unblock = %d", code)
	}
	if code, _, _ := e.post(t, "/id_tags/"+id+"/edit", url.Values{"status": {"Expired"}, "parent": {""}, "expiry": {""}}); code != http.StatusSeeOther {
		t.Fatalf("edit = %d", code)
	}
	if st := authorize(); st != ocpp16.AuthorizationStatusExpired {
		t.Errorf("edited tag = %s, want Expired", st)
	}
	if code, _, _ := e.post(t, "/id_tags/"+id+"/delete", nil); code != http.StatusSeeOther {
		t.Fatalf("delete = %d", code)
	}
	if st := authorize(); st != ocpp16.AuthorizationStatusInvalid {
		t.Errorf("deleted tag = %s, want Invalid", st)
	}
}

// TestCommandForms: every command of the station's version has a form
// built from its request type, and what the form sends is what the charge
// point receives.
func TestCommandForms(t *testing.T) {
	e := newTestEnv(t)
	base := fmt.Sprintf("/charge_points/%d/commands", e.cpID)
	var all []string
	for _, g := range commandGroups(ocpp.OCPP16) {
		all = append(all, g.Actions...)
	}
	slices.Sort(all)
	if !slices.Equal(all, slices.Sorted(slices.Values(ocpp16.CentralSystemActions))) {
		t.Errorf("command menu %v, want every Central System action %v", all, ocpp16.CentralSystemActions)
	}
	for _, action := range all {
		code, body := e.get(t, base+"?action="+action)
		if code != http.StatusOK {
			t.Errorf("form of %s = %d", action, code)
			continue
		}
		req, _ := ocpp16.NewRequest(action)
		b, _ := json.Marshal(req)
		var props map[string]any
		_ = json.Unmarshal(b, &props)
		for p := range props { // every property of the zero request has its input or group
			if !strings.Contains(body, `name="`+p) && !strings.Contains(body, "<legend>"+p) {
				t.Errorf("form of %s has no field %s", action, p)
			}
		}
	}

	tests := []struct {
		name, action string
		form         url.Values
		code         int
		received     string // part of the payload the charge point receives
		page         string // part of the page
	}{
		{"reset", "Reset", url.Values{"type": {"Soft"}}, http.StatusOK, `{"type":"Soft"}`, "&#34;Accepted&#34;"},
		{"missing required", "ChangeAvailability", url.Values{"connectorId": {"1"}}, http.StatusUnprocessableEntity, "", "type"},
		{"not a number", "UnlockConnector", url.Values{"connectorId": {"one"}}, http.StatusUnprocessableEntity, "", "not a whole number"},
		{"lines", "GetConfiguration", url.Values{"key": {"HeartbeatInterval\nMeterValueSampleInterval\n"}}, http.StatusOK,
			`{"key":["HeartbeatInterval","MeterValueSampleInterval"]}`, "Charge point answered"},
		{"nested and rows", "SetChargingProfile", url.Values{
			"connectorId":                                                              {"1"},
			"csChargingProfiles.chargingProfileId":                                     {"7"},
			"csChargingProfiles.stackLevel":                                            {"2"},
			"csChargingProfiles.chargingProfilePurpose":                                {"TxDefaultProfile"},
			"csChargingProfiles.chargingProfileKind":                                   {"Relative"},
			"csChargingProfiles.chargingSchedule.chargingRateUnit":                     {"A"},
			"csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.startPeriod": {"0"},
			"csChargingProfiles.chargingSchedule.chargingSchedulePeriod.0.limit":       {"16"},
			"csChargingProfiles.chargingSchedule.chargingSchedulePeriod.1.startPeriod": {"3600"},
			"csChargingProfiles.chargingSchedule.chargingSchedulePeriod.1.limit":       {"8.5"},
		}, http.StatusOK, `"chargingSchedulePeriod":[{"startPeriod":0,"limit":16},{"startPeriod":3600,"limit":8.5}]`, "Accepted"},
		{"date and time in the operator's zone (UTC here)", "ReserveNow", url.Values{"connectorId": {"1"}, "expiryDate": {"2030-05-06T07:08"}, "idTag": {"T"}, "reservationId": {"1"}},
			http.StatusOK, `"expiryDate":"2030-05-06T07:08:00.000Z"`, "Accepted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := e.post(t, base+"/"+tt.action, tt.form)
			if code != tt.code || !strings.Contains(body, tt.page) {
				t.Fatalf("POST %s = %d, page contains %q: %v", tt.action, code, tt.page, strings.Contains(body, tt.page))
			}
			if tt.received == "" {
				return
			}
			call := awaitCall(t, e.cp, tt.action)
			if !strings.Contains(string(call.Payload), tt.received) {
				t.Errorf("charge point received %s, want %s", call.Payload, tt.received)
			}
		})
	}
	if code, _, _ := e.post(t, base+"/BootNotification", nil); code != http.StatusNotFound {
		t.Errorf("a charge point's own action as a command = %d, want 404", code)
	}
}

// TestBackOfficeSettingsPages: configuration, reservations and charging
// profiles send their commands and show what the library recorded.
func TestBackOfficeSettingsPages(t *testing.T) {
	e := newTestEnv(t)
	base := fmt.Sprintf("/charge_points/%d", e.cpID)
	ocpptest.On(e.cp, func(_ context.Context, _ ocpp16.GetConfigurationRequest) (ocpp16.GetConfigurationResponse, error) {
		ro := true
		return ocpp16.GetConfigurationResponse{ConfigurationKey: []ocpp16.KeyValue{
			{Key: "HeartbeatInterval", Readonly: false, Value: "300"},
			{Key: "NumberOfConnectors", Readonly: ro, Value: "1"},
		}}, nil
	})
	if code, body, _ := e.post(t, base+"/configuration/refresh", nil); code != http.StatusSeeOther || !strings.Contains(body, "reported 2 keys") {
		t.Fatalf("refresh = %d %q", code, body)
	}
	if _, page := e.get(t, base+"/configuration"); !strings.Contains(page, `data-key="HeartbeatInterval"`) || !strings.Contains(page, "read-only") {
		t.Error("configuration page does not list the reported keys")
	}
	if code, body, _ := e.post(t, base+"/configuration", url.Values{"key": {"HeartbeatInterval"}, "value": {"60"}}); code != http.StatusSeeOther || !strings.Contains(body, "answered Accepted") {
		t.Fatalf("change = %d %q", code, body)
	}
	if call := awaitCall(t, e.cp, ocpp16.ActionChangeConfiguration); !strings.Contains(string(call.Payload), `"value":"60"`) {
		t.Errorf("ChangeConfiguration = %s", call.Payload)
	}
	if _, body, _ := e.post(t, base+"/configuration", url.Values{"key": {"AuthorizationKey"}, "value": {"x"}}); !strings.Contains(body, "rotate it in Settings") {
		t.Errorf("AuthorizationKey through the configuration form: %q", body)
	}

	expiry := time.Now().Add(2 * time.Hour).UTC().Format(inputLayout)
	if code, body, _ := e.post(t, base+"/reservations", url.Values{"connector_id": {"1"}, "id_tag": {"DASHBOARD"}, "expiry": {expiry}, "reservation_id": {"5"}}); code != http.StatusSeeOther || !strings.Contains(body, "answered Accepted") {
		t.Fatalf("reserve = %d %q", code, body)
	}
	for _, path := range []string{base + "/reservations", "/reservations?status=Active"} {
		if _, page := e.get(t, path); !strings.Contains(page, `data-reservation="5"`) {
			t.Errorf("%s does not list reservation 5", path)
		}
	}
	if code, body, _ := e.post(t, base+"/reservations/5/cancel", nil); code != http.StatusSeeOther || !strings.Contains(body, "answered Accepted") {
		t.Fatalf("cancel = %d %q", code, body)
	}
	if r, err := e.srv.csms.Store.ReservationByID(t.Context(), e.cpID, 5); err != nil || r.Status != store.ReservationCancelled {
		t.Errorf("reservation after cancel = %+v, %v", r, err)
	}

	if code, body, _ := e.post(t, base+"/profiles", url.Values{"connector_id": {"1"}, "purpose": {"TxDefaultProfile"}, "stack_level": {"1"}, "limit": {"16.04"}, "unit": {"A"}, "profile_id": {"3"}}); code != http.StatusSeeOther || !strings.Contains(body, "answered Accepted") {
		t.Fatalf("set limit = %d %q", code, body)
	}
	if call := awaitCall(t, e.cp, ocpp16.ActionSetChargingProfile); !strings.Contains(string(call.Payload), `"limit":16`) {
		t.Errorf("SetChargingProfile = %s", call.Payload)
	}
	if _, page := e.get(t, base+"/profiles"); !strings.Contains(page, `data-profile="3"`) || !strings.Contains(page, "16 A from 0 s") {
		t.Error("profiles page does not show profile 3")
	}
	if code, _, _ := e.post(t, base+"/profiles/clear", url.Values{"profile_id": {"3"}}); code != http.StatusSeeOther {
		t.Fatalf("clear = %d", code)
	}
	if ps, err := e.srv.csms.Store.ChargingProfiles(t.Context(), e.cpID); err != nil || len(ps) != 0 {
		t.Errorf("profiles after clear = %+v, %v", ps, err)
	}
}

// TestSessionsFilterAndExport: sessions found by charge point, id tag,
// state and date (in the operator's zone), paged, and exported as CSV.
func TestSessionsFilterAndExport(t *testing.T) {
	e := newTestEnv(t)
	cp3, id3 := e.dial(t, "CP-3", 2)
	ctx := t.Context()
	for i := range 27 {
		s, err := cp3.StartSession(ctx, 1, fmt.Sprintf("FLEET-%d", i%3), 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Stop(ctx, ocpp16.ReasonLocal); err != nil {
			t.Fatal(err)
		}
	}
	charge(t, e.cp, 1, "=HYPERLINK(1)", 7000) // an id tag a spreadsheet would run
	charge(t, cp3, 2, "FLEET-1", 11000)

	var got struct {
		Sessions []sessionView `json:"sessions"`
		Total    int           `json:"total"`
	}
	for _, tt := range []struct {
		query string
		total int
	}{
		{"", 29},
		{fmt.Sprintf("cp=%d", id3), 28},
		{"id_tag=FLEET-1", 10},
		{"id_tag=FLEET-1&status=active", 1},
		{"status=completed", 27},
		{"from=" + time.Now().UTC().Format(dateLayout), 29},
		{"to=" + time.Now().UTC().AddDate(0, 0, -1).Format(dateLayout), 0},
	} {
		if code := e.do(t, "GET", "/api/sessions?"+tt.query, "", &got); code != http.StatusOK || got.Total != tt.total {
			t.Errorf("sessions?%s = %d with %d, want %d", tt.query, code, got.Total, tt.total)
		}
	}
	_, page1 := e.get(t, "/sessions")
	_, page2 := e.get(t, "/sessions?page=2")
	if n := strings.Count(page1, "<tr data-session-id="); n != sessionsPerPage || !strings.Contains(page1, "1–25 of 29") {
		t.Errorf("page 1 has %d rows", n)
	}
	if n := strings.Count(page2, "<tr data-session-id="); n != 4 {
		t.Errorf("page 2 has %d rows, want 4", n)
	}

	code, body := e.get(t, "/sessions.csv?id_tag=FLEET-1")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if code != http.StatusOK || err != nil || len(rows) != 11 || rows[0][0] != "session_id" {
		t.Fatalf("CSV = %d, %d rows, %v", code, len(rows), err)
	}
	for _, r := range rows[1:] {
		if r[2] != "CP-3" || r[4] != "FLEET-1" || !strings.HasSuffix(r[6], "Z") {
			t.Errorf("CSV row %v", r)
		}
	}
	_, body = e.get(t, "/sessions.csv?cp="+fmt.Sprint(e.cpID))
	if !strings.Contains(body, ",'=HYPERLINK(1),") {
		t.Errorf("a formula-like id tag is exported as is: %q", body)
	}
}

// TestFormsNeedCSRF: with the login cookie, every back office form needs
// the page's token and a same-origin request.
func TestFormsNeedCSRF(t *testing.T) {
	e := newTestEnv(t)
	res := loginAs(t, e.srv, "127.0.0.1:1", testPassword)
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	token := e.srv.auth.csrfToken(session.Value)
	post := func(form url.Values, header http.Header) int {
		req, _ := http.NewRequest("POST", e.ts.URL+"/id_tags", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header[k] = v
		}
		req.AddCookie(session)
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	form := url.Values{"tag": {"CSRF-1"}, "status": {"Accepted"}}
	if code := post(form, nil); code != http.StatusForbidden {
		t.Errorf("without token = %d, want 403", code)
	}
	form.Set(csrfField, token)
	if code := post(form, http.Header{"Sec-Fetch-Site": {"cross-site"}}); code != http.StatusForbidden {
		t.Errorf("cross-site with token = %d, want 403", code)
	}
	if code := post(form, nil); code != http.StatusSeeOther {
		t.Errorf("with token = %d, want 303", code)
	}
}
