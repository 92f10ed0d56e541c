package ocpptest

import (
	"encoding/json"
	"sync"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

// defaultReplies201 are what an obliging OCPP 2.0.1 charging station
// answers to each CSMS action whose answer does not depend on the request.
// Each is valid against the official schema of the action's response.
var defaultReplies201 = map[string]string{
	"CancelReservation":          `{"status":"Accepted"}`,
	"CertificateSigned":          `{"status":"Accepted"}`,
	"ChangeAvailability":         `{"status":"Accepted"}`,
	"ClearCache":                 `{"status":"Accepted"}`,
	"ClearChargingProfile":       `{"status":"Accepted"}`,
	"ClearDisplayMessage":        `{"status":"Accepted"}`,
	"CostUpdated":                `{}`,
	"CustomerInformation":        `{"status":"Accepted"}`,
	"DataTransfer":               `{"status":"Accepted"}`,
	"DeleteCertificate":          `{"status":"Accepted"}`,
	"GetBaseReport":              `{"status":"Accepted"}`,
	"GetChargingProfiles":        `{"status":"NoProfiles"}`,
	"GetCompositeSchedule":       `{"status":"Rejected"}`,
	"GetDisplayMessages":         `{"status":"Unknown"}`,
	"GetInstalledCertificateIds": `{"status":"NotFound"}`,
	"GetLocalListVersion":        `{"versionNumber":0}`,
	"GetLog":                     `{"status":"Accepted"}`,
	"GetMonitoringReport":        `{"status":"Accepted"}`,
	"GetReport":                  `{"status":"Accepted"}`,
	"GetTransactionStatus":       `{"messagesInQueue":false}`,
	"InstallCertificate":         `{"status":"Accepted"}`,
	"PublishFirmware":            `{"status":"Accepted"}`,
	"RequestStartTransaction":    `{"status":"Accepted"}`,
	"RequestStopTransaction":     `{"status":"Accepted"}`,
	"ReserveNow":                 `{"status":"Accepted"}`,
	"Reset":                      `{"status":"Accepted"}`,
	"SendLocalList":              `{"status":"Accepted"}`,
	"SetChargingProfile":         `{"status":"Accepted"}`,
	"SetDisplayMessage":          `{"status":"Accepted"}`,
	"SetMonitoringBase":          `{"status":"Accepted"}`,
	"SetMonitoringLevel":         `{"status":"Accepted"}`,
	"SetNetworkProfile":          `{"status":"Accepted"}`,
	"TriggerMessage":             `{"status":"Accepted"}`,
	"UnlockConnector":            `{"status":"Unlocked"}`,
	"UnpublishFirmware":          `{"status":"Unpublished"}`,
	"UpdateFirmware":             `{"status":"Accepted"}`,
}

// DefaultReplyFor returns the CALLRESULT payload a charge point of version
// (ocpp.OCPP16 or ocpp.OCPP201) without a handler sends for a Central
// System action, or nil for an action it does not know. For 1.6 it is
// DefaultReply. For 2.0.1: Accepted, Unlocked for UnlockConnector,
// Unpublished for UnpublishFirmware, NoProfiles for GetChargingProfiles,
// Rejected for GetCompositeSchedule, Unknown for GetDisplayMessages,
// NotFound for GetInstalledCertificateIds, version 0 for
// GetLocalListVersion, no queued messages for GetTransactionStatus. Four
// 2.0.1 answers echo their request and are not in the table (nil here):
// GetVariables and SetVariables, which a charge point answers from its
// device model (see [ChargePoint.SetVariable]), ClearVariableMonitoring
// and SetVariableMonitoring, answered Accepted for each item. Every reply
// is valid against the official schema of its version.
func DefaultReplyFor(version, action string) json.RawMessage {
	if version != ocpp.OCPP201 {
		return DefaultReply(action)
	}
	r, ok := defaultReplies201[action]
	if !ok {
		return nil
	}
	return json.RawMessage(r)
}

// defaultReply returns what the charge point answers req (a decoded
// request of action) without a handler; nil when it does not know.
func (cp *ChargePoint) defaultReply(action string, req ocpp.Request) any {
	if cp.version.Name == ocpp.OCPP201 {
		switch r := req.(type) {
		case *ocpp201.GetVariablesRequest:
			return cp.model.get(r)
		case *ocpp201.SetVariablesRequest:
			return cp.model.set(r)
		case *ocpp201.ClearVariableMonitoringRequest:
			res := ocpp201.ClearVariableMonitoringResponse{}
			for _, id := range r.Id {
				res.ClearMonitoringResult = append(res.ClearMonitoringResult, ocpp201.ClearMonitoringResult{Id: id, Status: ocpp201.ClearMonitoringStatusAccepted})
			}
			return res
		case *ocpp201.SetVariableMonitoringRequest:
			res := ocpp201.SetVariableMonitoringResponse{}
			for i, d := range r.SetMonitoringData {
				id := i + 1
				if d.Id != nil {
					id = *d.Id
				}
				res.SetMonitoringResult = append(res.SetMonitoringResult, ocpp201.SetMonitoringResult{
					Id: &id, Status: ocpp201.SetMonitoringStatusAccepted, Type: d.Type, Severity: d.Severity,
					Component: d.Component, Variable: d.Variable,
				})
			}
			return res
		}
	}
	if r := DefaultReplyFor(cp.version.Name, action); r != nil {
		return r
	}
	return nil
}

// VariableKey names one attribute of a variable of a 2.0.1 charge point's
// device model (an empty Attribute is Actual).
type VariableKey struct {
	Component, ComponentInstance string
	EVSEID, ConnectorID          int
	Variable, VariableInstance   string
	Attribute                    string
}

// deviceModel is a 2.0.1 charge point's variables, as GetVariables reads
// and SetVariables writes them.
type deviceModel struct {
	mu   sync.Mutex
	vars map[VariableKey]string
}

func keyOf(c ocpp201.Component, v ocpp201.Variable, attr ocpp201.Attribute) VariableKey {
	k := VariableKey{Component: c.Name, ComponentInstance: c.Instance, Variable: v.Name, VariableInstance: v.Instance, Attribute: string(attr)}
	if c.Evse != nil {
		k.EVSEID = c.Evse.Id
		if c.Evse.ConnectorId != nil {
			k.ConnectorID = *c.Evse.ConnectorId
		}
	}
	if k.Attribute == "" {
		k.Attribute = string(ocpp201.AttributeActual)
	}
	return k
}

func (m *deviceModel) get(r *ocpp201.GetVariablesRequest) ocpp201.GetVariablesResponse {
	m.mu.Lock()
	defer m.mu.Unlock()
	var res ocpp201.GetVariablesResponse
	for _, d := range r.GetVariableData {
		out := ocpp201.GetVariableResult{Component: d.Component, Variable: d.Variable, AttributeType: d.AttributeType}
		if v, ok := m.vars[keyOf(d.Component, d.Variable, d.AttributeType)]; ok {
			out.AttributeStatus, out.AttributeValue = ocpp201.GetVariableStatusAccepted, v
		} else {
			out.AttributeStatus = ocpp201.GetVariableStatusUnknownVariable
		}
		res.GetVariableResult = append(res.GetVariableResult, out)
	}
	return res
}

func (m *deviceModel) set(r *ocpp201.SetVariablesRequest) ocpp201.SetVariablesResponse {
	m.mu.Lock()
	defer m.mu.Unlock()
	var res ocpp201.SetVariablesResponse
	for _, d := range r.SetVariableData {
		if m.vars == nil {
			m.vars = make(map[VariableKey]string)
		}
		m.vars[keyOf(d.Component, d.Variable, d.AttributeType)] = d.AttributeValue
		res.SetVariableResult = append(res.SetVariableResult, ocpp201.SetVariableResult{
			AttributeStatus: ocpp201.SetVariableStatusAccepted, AttributeType: d.AttributeType,
			Component: d.Component, Variable: d.Variable,
		})
	}
	return res
}

// SetVariable sets a variable of the charge point's 2.0.1 device model, as
// the default answers to GetVariables read it and SetVariables write it.
// Variables nobody set are answered UnknownVariable.
func (cp *ChargePoint) SetVariable(k VariableKey, value string) {
	if k.Attribute == "" {
		k.Attribute = string(ocpp201.AttributeActual)
	}
	cp.model.mu.Lock()
	defer cp.model.mu.Unlock()
	if cp.model.vars == nil {
		cp.model.vars = make(map[VariableKey]string)
	}
	cp.model.vars[k] = value
}

// Variable returns a variable of the charge point's 2.0.1 device model.
func (cp *ChargePoint) Variable(k VariableKey) (string, bool) {
	if k.Attribute == "" {
		k.Attribute = string(ocpp201.AttributeActual)
	}
	cp.model.mu.Lock()
	defer cp.model.mu.Unlock()
	v, ok := cp.model.vars[k]
	return v, ok
}
