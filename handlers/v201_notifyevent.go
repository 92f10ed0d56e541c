package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// NotifyEvent records the events a station reports through its device
// model. Each event's actual value becomes the Actual value of its
// variable in the device model ("variables" is published on
// charge_point_<id>_settings), and the message is published as received on
// charge_point_<id>_notifications for the host's alerting. An
// AvailabilityState event updates the connectors as a StatusNotification
// does: of a Connector component the EVSE's connector, of an EVSE component
// the EVSE as a whole (connector 0), of the ChargingStation component the
// station (EVSE 0); it is published on charge_point_<id>_status.
func (v *Defaults201) NotifyEvent(ctx context.Context, c *Call, req ocpp201.NotifyEventRequest) (ocpp201.NotifyEventResponse, error) {
	now := v.d.now().UTC()
	vars := make([]store.Variable, 0, len(req.EventData))
	for _, ev := range req.EventData {
		row := variableOf(ev.Component, ev.Variable)
		row.Attribute, row.Value = store.AttributeActual, ev.ActualValue
		if store.IsSecretVariable(row.Component, row.Name) {
			continue
		}
		vars = append(vars, row)
	}
	if err := v.d.store.RecordVariableValues(ctx, c.ChargePoint.ID, vars, now, store.VariableValues{}); err != nil {
		return ocpp201.NotifyEventResponse{}, err
	}
	for _, ev := range req.EventData {
		st, ok := availability(ev)
		if !ok {
			continue
		}
		st.Timestamp = v.timestamp(ev.Timestamp)
		if err := v.d.updateConnectorStatus(ctx, c, st); err != nil {
			return ocpp201.NotifyEventResponse{}, err
		}
	}
	if len(vars) > 0 {
		v.d.Publish(c.ChargePoint.ID, broadcast.KindSettings, broadcast.SettingsEvent{
			Setting: broadcast.SettingVariables, Action: req.Action(), Keys: variableKeys(vars), Timestamp: now,
		})
	}
	v.notify(c, req)
	return ocpp201.NotifyEventResponse{}, nil
}

// availability returns the connector status an AvailabilityState event
// reports.
func availability(ev ocpp201.EventData) (store.ConnectorStatus, bool) {
	if ev.Variable.Name != "AvailabilityState" || ev.ActualValue == "" {
		return store.ConnectorStatus{}, false
	}
	st := store.ConnectorStatus{Status: ev.ActualValue}
	switch ev.Component.Name {
	case "ChargingStation":
	case "EVSE":
		if ev.Component.Evse == nil || ev.Component.Evse.Id <= 0 {
			return st, false
		}
		st.EVSEID = ev.Component.Evse.Id
	case "Connector":
		e := ev.Component.Evse
		if e == nil || e.Id <= 0 || e.ConnectorId == nil || *e.ConnectorId <= 0 {
			return st, false
		}
		st.EVSEID, st.ConnectorID = e.Id, *e.ConnectorId
	default:
		return st, false
	}
	return st, true
}
