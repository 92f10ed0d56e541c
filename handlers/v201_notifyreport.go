package handlers

import (
	"context"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// NotifyReport stores each part of a device model report (the answer to
// GetBaseReport or GetReport) in the device model (store.Variables): one
// row per component, variable and attribute, with its value, mutability,
// persistence, data type, unit, limits and values list; what a 2.0.1
// operator reads where a 1.6 operator has configuration keys. Secret
// values (store.IsSecretVariable) are not stored. "variables" is published
// on charge_point_<id>_settings.
func (v *Defaults201) NotifyReport(ctx context.Context, c *Call, req ocpp201.NotifyReportRequest) (ocpp201.NotifyReportResponse, error) {
	var vars []store.Variable
	for _, rd := range req.ReportData {
		base := variableOf(rd.Component, rd.Variable)
		if ch := rd.VariableCharacteristics; ch != nil {
			base.DataType, base.Unit, base.ValuesList = string(ch.DataType), ch.Unit, ch.ValuesList
			base.MinLimit, base.MaxLimit, base.SupportsMonitoring = ch.MinLimit, ch.MaxLimit, ch.SupportsMonitoring
		}
		for _, a := range rd.VariableAttribute {
			row := base
			row.Attribute = string(a.Type)
			row.Value, row.Mutability = a.Value, string(a.Mutability)
			if row.Mutability == "" {
				row.Mutability = string(ocpp201.MutabilityReadWrite) // the schema's default
			}
			row.Persistent = a.Persistent != nil && *a.Persistent
			row.Constant = a.Constant != nil && *a.Constant
			if store.IsSecretVariable(row.Component, row.Name) {
				row.Value = ""
			}
			vars = append(vars, row)
		}
	}
	now := v.d.now().UTC()
	if err := v.d.store.RecordVariableReport(ctx, c.ChargePoint.ID, vars, now); err != nil {
		return ocpp201.NotifyReportResponse{}, err
	}
	if len(vars) > 0 {
		v.d.Publish(c.ChargePoint.ID, broadcast.KindSettings, broadcast.SettingsEvent{
			Setting: broadcast.SettingVariables, Action: req.Action(), Keys: variableKeys(vars), Timestamp: now,
		})
	}
	return ocpp201.NotifyReportResponse{}, nil
}

// variableOf returns the store row naming a component's variable.
func variableOf(comp ocpp201.Component, vr ocpp201.Variable) store.Variable {
	row := store.Variable{Component: comp.Name, ComponentInstance: comp.Instance, Name: vr.Name, Instance: vr.Instance}
	if comp.Evse != nil {
		row.EVSEID = comp.Evse.Id
		if comp.Evse.ConnectorId != nil {
			row.ConnectorID = *comp.Evse.ConnectorId
		}
	}
	return row
}

// maxEventKeys bounds the keys a settings event names (an event stays
// small for backplanes such as PostgreSQL NOTIFY); a bigger change names
// none: read the rows.
const maxEventKeys = 20

func variableKeys(vars []store.Variable) []string {
	if len(vars) > maxEventKeys {
		return nil
	}
	keys := make([]string, len(vars))
	for i := range vars {
		keys[i] = vars[i].Key().String()
	}
	return keys
}
