package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// Back office: charging profiles. The profiles a charge point accepted (the
// library records SetChargingProfile and ClearChargingProfile), a form for
// the common case — a constant limit on a connector — and Clear; any other
// profile is one SetChargingProfile form away (the commands tab).

func (s *server) profileRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /charge_points/{id}/profiles", s.profilesPage)
	mux.HandleFunc("POST /charge_points/{id}/profiles", s.setLimitProfile)
	mux.HandleFunc("POST /charge_points/{id}/profiles/clear", s.clearProfiles)
}

// profileView is a stored profile with its decoded content.
type profileView struct {
	store.ChargingProfile
	Decoded *ocpp16.ChargingProfile
}

func (s *server) profilesPage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	ps, err := s.csms.Store.ChargingProfiles(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]profileView, len(ps))
	next := 1
	for i, p := range ps {
		views[i].ChargingProfile = p
		var d ocpp16.ChargingProfile
		if json.Unmarshal([]byte(p.Profile), &d) == nil {
			views[i].Decoded = &d
		}
		next = max(next, p.ProfileID+1)
	}
	s.renderPage(w, r, "profiles", page{Nav: "charge_points", CP: v, Tab: "profiles", Data: struct {
		Profiles []profileView
		NextID   int
	}{views, next}})
}

func profilesURL(v *chargePointView) string { return "/charge_points/" + idString(v.ID) + "/profiles" }

// POST /charge_points/{id}/profiles connector_id=…&purpose=…&stack_level=…&limit=…&unit=A|W&profile_id=…
//
// A constant limit from now on: an Absolute profile with one period.
func (s *server) setLimitProfile(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	atoi := func(k string) (int, bool) {
		n, err := strconv.Atoi(r.PostFormValue(k))
		return n, err == nil
	}
	connector, ok1 := atoi("connector_id")
	level, ok2 := atoi("stack_level")
	id, ok3 := atoi("profile_id")
	limit, err := strconv.ParseFloat(r.PostFormValue("limit"), 64)
	if !ok1 || !ok2 || !ok3 || err != nil {
		redirect(w, r, profilesURL(v), "error", "A limit needs a connector, a stack level, a profile id and a number")
		return
	}
	start := ocpp16.NewDateTime(time.Now())
	req := ocpp16.SetChargingProfileRequest{ConnectorId: connector, CsChargingProfiles: ocpp16.ChargingProfile{
		ChargingProfileId:      id,
		StackLevel:             level,
		ChargingProfilePurpose: ocpp16.ChargingProfilePurpose(r.PostFormValue("purpose")),
		ChargingProfileKind:    ocpp16.ChargingProfileKindAbsolute,
		ChargingSchedule: ocpp16.ChargingSchedule{
			StartSchedule:          &start,
			ChargingRateUnit:       ocpp16.ChargingRateUnit(r.PostFormValue("unit")),
			ChargingSchedulePeriod: []ocpp16.ChargingSchedulePeriod{{StartPeriod: 0, Limit: math.Round(limit*10) / 10}},
		},
	}}
	if err := req.Validate(); err != nil {
		redirect(w, r, profilesURL(v), "error", "SetChargingProfile: %s", err)
		return
	}
	s.sendAndReport(w, r, profilesURL(v), v, req, fmt.Sprintf("Profile %d (%s, %g %s on connector %d)",
		id, req.CsChargingProfiles.ChargingProfilePurpose, limit, req.CsChargingProfiles.ChargingSchedule.ChargingRateUnit, connector))
}

// POST /charge_points/{id}/profiles/clear profile_id=… (none: every
// profile)
func (s *server) clearProfiles(w http.ResponseWriter, r *http.Request) {
	v, ok := s.chargePointFor(w, r)
	if !ok {
		return
	}
	var req ocpp16.ClearChargingProfileRequest
	what := "every profile"
	if id, err := strconv.Atoi(r.PostFormValue("profile_id")); err == nil {
		req.Id = &id
		what = "profile " + strconv.Itoa(id)
	}
	s.sendAndReport(w, r, profilesURL(v), v, req, "Clear "+what)
}
