package remote

import (
	"context"
	"errors"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// effects201 are the effects of OCPP 2.0.1 commands: the same state as
// their 1.6 counterparts (reservations, local list, charging profiles), and
// the device model in place of configuration keys.
var effects201 = map[string]effect{
	ocpp201.ActionGetVariables:            getVariablesEffect,
	ocpp201.ActionSetVariables:            setVariablesEffect,
	ocpp201.ActionReserveNow:              reserveNow201Effect,
	ocpp201.ActionCancelReservation:       cancelReservation201Effect,
	ocpp201.ActionSendLocalList:           sendLocalList201Effect,
	ocpp201.ActionGetLocalListVersion:     getLocalListVersion201Effect,
	ocpp201.ActionSetChargingProfile:      setChargingProfile201Effect,
	ocpp201.ActionClearChargingProfile:    clearChargingProfile201Effect,
	ocpp201.ActionRequestStartTransaction: requestStartEffect,
}

// variableRow is the store row naming a 2.0.1 component's variable.
func variableRow(comp ocpp201.Component, v ocpp201.Variable, attr ocpp201.Attribute) store.Variable {
	row := store.Variable{Component: comp.Name, ComponentInstance: comp.Instance, Name: v.Name, Instance: v.Instance, Attribute: string(attr)}
	if comp.Evse != nil {
		row.EVSEID = comp.Evse.Id
		if comp.Evse.ConnectorId != nil {
			row.ConnectorID = *comp.Evse.ConnectorId
		}
	}
	return row
}

// recordVariables stores the values and statuses of a Get/SetVariables
// reply and publishes "variables" on charge_point_<id>_settings. keep
// lists the rows whose value is not stored.
func recordVariables(ctx context.Context, e *effectEnv, action string, rows []store.Variable, keep map[store.VariableKey]bool, changed bool) error {
	if len(rows) == 0 {
		return nil
	}
	if err := e.store.RecordVariableValues(ctx, e.chargePointID, rows, e.now, store.VariableValues{Changed: changed, KeepValue: keep}); err != nil {
		return err
	}
	keys := make([]string, 0, len(rows))
	for i := range rows {
		keys = append(keys, rows[i].Key().String())
	}
	if len(keys) > maxSettingKeys {
		keys = nil
	}
	e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingVariables, Action: action, Keys: keys, Timestamp: e.now})
	return nil
}

// maxSettingKeys bounds the keys a settings event names.
const maxSettingKeys = 20

// getVariablesEffect stores what GetVariables read: the value of every
// attribute answered Accepted (never a secret's), the status of all.
func getVariablesEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	r, _ := as[ocpp201.GetVariablesResponse](res)
	rows := make([]store.Variable, 0, len(r.GetVariableResult))
	keep := map[store.VariableKey]bool{}
	for _, gr := range r.GetVariableResult {
		row := variableRow(gr.Component, gr.Variable, gr.AttributeType)
		row.Value, row.Status = gr.AttributeValue, string(gr.AttributeStatus)
		if gr.AttributeStatus != ocpp201.GetVariableStatusAccepted || store.IsSecretVariable(row.Component, row.Name) {
			keep[row.Key()] = true
		}
		rows = append(rows, row)
	}
	return recordVariables(ctx, e, req.Action(), rows, keep, false)
}

// setVariablesEffect stores what SetVariables wrote: the value of every
// attribute the station answered Accepted or RebootRequired (never a
// secret's), the status of all.
func setVariablesEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp201.SetVariablesRequest](req)
	r, _ := as[ocpp201.SetVariablesResponse](res)
	values := make(map[store.VariableKey]string, len(q.SetVariableData))
	for _, d := range q.SetVariableData {
		row := variableRow(d.Component, d.Variable, d.AttributeType)
		values[row.Key()] = d.AttributeValue
	}
	rows := make([]store.Variable, 0, len(r.SetVariableResult))
	keep := map[store.VariableKey]bool{}
	for _, sr := range r.SetVariableResult {
		row := variableRow(sr.Component, sr.Variable, sr.AttributeType)
		row.Value, row.Status = values[row.Key()], string(sr.AttributeStatus)
		taken := sr.AttributeStatus == ocpp201.SetVariableStatusAccepted || sr.AttributeStatus == ocpp201.SetVariableStatusRebootRequired
		if !taken || store.IsSecretVariable(row.Component, row.Name) {
			keep[row.Key()] = true
		}
		rows = append(rows, row)
	}
	return recordVariables(ctx, e, req.Action(), rows, keep, true)
}

func reserveNow201Effect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp201.ReserveNowRequest](req)
	r, _ := as[ocpp201.ReserveNowResponse](res)
	if r.Status != ocpp201.ReserveNowStatusAccepted {
		return nil
	}
	row := store.Reservation{
		ChargePointID: e.chargePointID,
		ReservationID: q.Id,
		IDTag:         q.IdToken.IdToken,
		ExpiryDate:    q.ExpiryDateTime.UTC(),
	}
	if q.EvseId != nil {
		row.EVSEID = *q.EvseId
	}
	if q.GroupIdToken != nil {
		row.ParentIDTag = q.GroupIdToken.IdToken
	}
	saved, err := e.store.SaveReservation(ctx, row)
	if err != nil {
		return err
	}
	e.publish(broadcast.KindReservations, broadcast.ReservationEvent{Event: broadcast.ReservationCreated, Reservation: reservationInfo(saved)})
	return nil
}

func cancelReservation201Effect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp201.CancelReservationRequest](req)
	r, _ := as[ocpp201.CancelReservationResponse](res)
	if r.Status != ocpp201.CancelReservationStatusAccepted {
		return nil
	}
	return cancelStoredReservation(ctx, e, q.ReservationId)
}

// cancelStoredReservation marks a reservation Cancelled after an accepted
// CancelReservation of either version.
func cancelStoredReservation(ctx context.Context, e *effectEnv, reservationID int) error {
	row, err := e.store.CancelReservation(ctx, e.chargePointID, reservationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // a reservation made before the Central System kept them
	}
	if err != nil {
		return err
	}
	if row.Status == store.ReservationCancelled {
		e.publish(broadcast.KindReservations, broadcast.ReservationEvent{Event: broadcast.ReservationCancelled, Reservation: reservationInfo(row)})
	}
	return nil
}

func sendLocalList201Effect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp201.SendLocalListRequest](req)
	r, _ := as[ocpp201.SendLocalListResponse](res)
	if r.Status != ocpp201.SendLocalListStatusAccepted {
		return nil
	}
	u := store.LocalListUpdate{Version: q.VersionNumber, Full: q.UpdateType == ocpp201.UpdateFull}
	for _, a := range q.LocalAuthorizationList {
		entry := store.LocalListEntry{IDTag: a.IdToken.IdToken}
		if info := a.IdTokenInfo; info != nil {
			entry.Status = string(info.Status)
			if info.GroupIdToken != nil {
				entry.ParentIDTag = info.GroupIdToken.IdToken
			}
			if info.CacheExpiryDateTime != nil {
				t := info.CacheExpiryDateTime.UTC()
				entry.ExpiryDate = &t
			}
		} else if u.Full {
			entry.Status = string(ocpp201.AuthorizationStatusAccepted)
		}
		u.Entries = append(u.Entries, entry)
	}
	if err := e.store.ApplyLocalList(ctx, e.chargePointID, u); err != nil {
		return err
	}
	v := q.VersionNumber
	e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingLocalList, Action: q.Action(), Version: &v, Timestamp: e.now})
	return nil
}

func getLocalListVersion201Effect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	r, _ := as[ocpp201.GetLocalListVersionResponse](res)
	return recordLocalListVersion(ctx, e, req.Action(), r.VersionNumber)
}

// recordLocalListVersion stores the local list version a charge point of
// either version reported.
func recordLocalListVersion(ctx context.Context, e *effectEnv, action string, version int) error {
	if err := e.store.SetLocalListVersion(ctx, e.chargePointID, version); err != nil {
		return err
	}
	e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingLocalList, Action: action, Version: &version, Timestamp: e.now})
	return nil
}

// saveProfile201 stores a 2.0.1 charging profile of an EVSE (0: the
// station).
func saveProfile201(ctx context.Context, e *effectEnv, action string, evseID int, p ocpp201.ChargingProfile) error {
	return storeProfile(ctx, e, action, evseID, p, store.ChargingProfile{
		ProfileID:  p.Id,
		EVSEID:     evseID,
		StackLevel: p.StackLevel,
		Purpose:    string(p.ChargingProfilePurpose),
		Kind:       string(p.ChargingProfileKind),
	})
}

func setChargingProfile201Effect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp201.SetChargingProfileRequest](req)
	r, _ := as[ocpp201.SetChargingProfileResponse](res)
	if r.Status != ocpp201.ChargingProfileStatusAccepted {
		return nil
	}
	return saveProfile201(ctx, e, q.Action(), q.EvseId, q.ChargingProfile)
}

func requestStartEffect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp201.RequestStartTransactionRequest](req)
	r, _ := as[ocpp201.RequestStartTransactionResponse](res)
	if r.Status != ocpp201.RequestStartStopStatusAccepted || q.ChargingProfile == nil {
		return nil
	}
	evse := 0
	if q.EvseId != nil {
		evse = *q.EvseId
	}
	return saveProfile201(ctx, e, q.Action(), evse, *q.ChargingProfile)
}

func clearChargingProfile201Effect(ctx context.Context, e *effectEnv, req ocpp.Request, res ocpp.Response) error {
	q, _ := as[ocpp201.ClearChargingProfileRequest](req)
	r, _ := as[ocpp201.ClearChargingProfileResponse](res)
	if r.Status != ocpp201.ClearChargingProfileStatusAccepted {
		return nil
	}
	f := store.ChargingProfileFilter{ProfileID: q.ChargingProfileId}
	if c := q.ChargingProfileCriteria; c != nil {
		f.ConnectorID, f.Purpose, f.StackLevel = c.EvseId, string(c.ChargingProfilePurpose), c.StackLevel
	}
	return clearStoredProfiles(ctx, e, q.Action(), f)
}

// clearStoredProfiles deletes the stored profiles an accepted
// ClearChargingProfile of either version matches.
func clearStoredProfiles(ctx context.Context, e *effectEnv, action string, f store.ChargingProfileFilter) error {
	n, err := e.store.ClearChargingProfiles(ctx, e.chargePointID, f)
	if err != nil {
		return err
	}
	if n > 0 {
		e.publish(broadcast.KindSettings, broadcast.SettingsEvent{Setting: broadcast.SettingChargingProfiles, Action: action, ConnectorID: f.ConnectorID, Timestamp: e.now})
	}
	return nil
}
