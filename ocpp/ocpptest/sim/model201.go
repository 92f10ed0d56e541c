package sim

import (
	"context"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// A 2.0.1 station's device model: the standard variables a CSMS reads and
// writes (GetVariables, SetVariables) and reports (GetBaseReport). The
// writable ones are the 1.6 configuration keys the simulation already
// follows, under their 2.0.1 names.

// modelVar is one variable (its Actual attribute) of the device model.
type modelVar struct {
	component  string
	evse       int // 0: not an EVSE's
	name       string
	key        string // the writable configuration key holding the value; "" for the others
	mutability ocpp201.Mutability
	dataType   ocpp201.Data
	unit       string
	maxLimit   *float64
	value      string
}

// in reports whether the report base covers the variable.
func (v modelVar) in(base ocpp201.ReportBase) bool {
	switch base {
	case ocpp201.ReportBaseConfigurationInventory:
		return v.mutability != ocpp201.MutabilityReadOnly
	case ocpp201.ReportBaseSummaryInventory:
		return v.name == "AvailabilityState"
	}
	return true
}

// variables201 returns the device model now.
func (cp *chargePoint) variables201() []modelVar {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	rw := func(component, name, key string, dt ocpp201.Data, unit string) modelVar {
		return modelVar{component: component, name: name, key: key, mutability: ocpp201.MutabilityReadWrite,
			dataType: dt, unit: unit, value: cp.config[key]}
	}
	ro := func(component, name string, dt ocpp201.Data, value string) modelVar {
		return modelVar{component: component, name: name, mutability: ocpp201.MutabilityReadOnly, dataType: dt, value: value}
	}
	stationState := "Available"
	if len(cp.connectors) > 0 {
		stationState = "Unavailable"
		for _, c := range cp.connectors {
			if !c.inoperative {
				stationState = "Available"
			}
		}
	}
	vars := []modelVar{
		rw("OCPPCommCtrlr", "HeartbeatInterval", "HeartbeatInterval", ocpp201.DataInteger, "s"),
		rw("SampledDataCtrlr", "TxUpdatedInterval", "MeterValueSampleInterval", ocpp201.DataInteger, "s"),
		rw("SampledDataCtrlr", "TxUpdatedMeasurands", "MeterValuesSampledData", ocpp201.DataMemberList, ""),
		rw("TxCtrlr", "EVConnectionTimeOut", "ConnectionTimeOut", ocpp201.DataInteger, "s"),
		{component: "SecurityCtrlr", name: "BasicAuthPassword", mutability: ocpp201.MutabilityWriteOnly, dataType: ocpp201.DataString},
		ro("AuthCtrlr", "AuthorizeRemoteStart", ocpp201.DataBoolean, "false"),
		ro("ChargingStation", "AvailabilityState", ocpp201.DataOptionList, stationState),
		ro("ChargingStation", "Model", ocpp201.DataString, cp.s.cfg.Model),
		ro("ChargingStation", "VendorName", ocpp201.DataString, cp.s.cfg.Vendor),
	}
	for _, c := range cp.connectors {
		limit := c.maxPowerW
		vars = append(vars,
			modelVar{component: "EVSE", evse: c.id, name: "AvailabilityState", mutability: ocpp201.MutabilityReadOnly,
				dataType: ocpp201.DataOptionList, value: string(connectorStatus201(c.status))},
			modelVar{component: "EVSE", evse: c.id, name: "Power", mutability: ocpp201.MutabilityReadOnly,
				dataType: ocpp201.DataDecimal, unit: "W", maxLimit: &limit, value: "0"},
		)
		if c.status == ocpp16.ChargePointStatusCharging && c.sess != nil {
			vars[len(vars)-1].value = strconv.FormatFloat(c.sess.last.PowerW, 'f', 0, 64)
		}
	}
	return vars
}

// find returns the variable of the device model a request names, or the
// status saying why there is none.
func find(vars []modelVar, c ocpp201.Component, v ocpp201.Variable) (*modelVar, string) {
	component := false
	for i := range vars {
		m := &vars[i]
		evse := 0
		if c.Evse != nil {
			evse = c.Evse.Id
		}
		if m.component != c.Name || c.Instance != "" || m.evse != evse {
			continue
		}
		component = true
		if m.name == v.Name && v.Instance == "" {
			return m, ""
		}
	}
	if !component {
		return nil, "UnknownComponent"
	}
	return nil, "UnknownVariable"
}

func (cp *chargePoint) getVariables(req ocpp201.GetVariablesRequest) ocpp201.GetVariablesResponse {
	vars := cp.variables201()
	var res ocpp201.GetVariablesResponse
	for _, d := range req.GetVariableData {
		out := ocpp201.GetVariableResult{Component: d.Component, Variable: d.Variable, AttributeType: d.AttributeType}
		m, why := find(vars, d.Component, d.Variable)
		switch {
		case m == nil:
			out.AttributeStatus = ocpp201.GetVariableStatus(why)
		case d.AttributeType != "" && d.AttributeType != ocpp201.AttributeActual:
			out.AttributeStatus = ocpp201.GetVariableStatusNotSupportedAttributeType
		case m.mutability == ocpp201.MutabilityWriteOnly:
			out.AttributeStatus = ocpp201.GetVariableStatusRejected
		default:
			out.AttributeStatus, out.AttributeValue = ocpp201.GetVariableStatusAccepted, m.value
		}
		res.GetVariableResult = append(res.GetVariableResult, out)
	}
	return res
}

func (cp *chargePoint) setVariables(req ocpp201.SetVariablesRequest) ocpp201.SetVariablesResponse {
	vars := cp.variables201()
	var res ocpp201.SetVariablesResponse
	for _, d := range req.SetVariableData {
		out := ocpp201.SetVariableResult{Component: d.Component, Variable: d.Variable, AttributeType: d.AttributeType}
		out.AttributeStatus = cp.setVariable(vars, d)
		res.SetVariableResult = append(res.SetVariableResult, out)
	}
	return res
}

func (cp *chargePoint) setVariable(vars []modelVar, d ocpp201.SetVariableData) ocpp201.SetVariableStatus {
	m, why := find(vars, d.Component, d.Variable)
	switch {
	case m == nil:
		return ocpp201.SetVariableStatus(why)
	case d.AttributeType != "" && d.AttributeType != ocpp201.AttributeActual:
		return ocpp201.SetVariableStatusNotSupportedAttributeType
	case m.mutability == ocpp201.MutabilityReadOnly:
		return ocpp201.SetVariableStatusRejected
	}
	if m.dataType == ocpp201.DataInteger {
		if n, err := strconv.Atoi(d.AttributeValue); err != nil || n <= 0 {
			return ocpp201.SetVariableStatusRejected
		}
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if m.component == "SecurityCtrlr" && m.name == "BasicAuthPassword" {
		if len(d.AttributeValue) < 16 {
			return ocpp201.SetVariableStatusRejected
		}
		cp.password = d.AttributeValue // used from the next connection on
		return ocpp201.SetVariableStatusAccepted
	}
	cp.config[m.key] = d.AttributeValue
	return ocpp201.SetVariableStatusAccepted
}

// reportChunk is how many variables one NotifyReport carries.
const reportChunk = 8

// getBaseReport accepts the report and sends it (see report).
func (cp *chargePoint) getBaseReport(ctx context.Context, req ocpp201.GetBaseReportRequest) any {
	status, send := cp.report(ctx, req.RequestId, func(v modelVar) bool { return v.in(req.ReportBase) })
	return ocpptest.ReplyThen(ocpp201.GetBaseReportResponse{Status: status}, send)
}

// getReport accepts a report of the variables named in componentVariable
// (a component alone: all of its variables; none: every variable) and
// sends it (see report). Component criteria are not supported: a request
// with them is answered NotSupported.
func (cp *chargePoint) getReport(ctx context.Context, req ocpp201.GetReportRequest) any {
	if len(req.ComponentCriteria) > 0 {
		return ocpp201.GetReportResponse{Status: ocpp201.GenericDeviceModelStatusNotSupported}
	}
	status, send := cp.report(ctx, req.RequestId, func(v modelVar) bool {
		if len(req.ComponentVariable) == 0 {
			return true
		}
		for _, cv := range req.ComponentVariable {
			evse := 0
			if cv.Component.Evse != nil {
				evse = cv.Component.Evse.Id
			}
			if cv.Component.Name == v.component && (cv.Component.Evse == nil || evse == v.evse) &&
				(cv.Variable == nil || cv.Variable.Name == v.name) {
				return true
			}
		}
		return false
	})
	return ocpptest.ReplyThen(ocpp201.GetReportResponse{Status: status}, send)
}

// report returns the status of a report of the variables matching want
// (Accepted, EmptyResultSet) and what sends it once the reply is out:
// NotifyReports of at most reportChunk variables, tbc on all but the last.
func (cp *chargePoint) report(ctx context.Context, requestID int, want func(modelVar) bool) (ocpp201.GenericDeviceModelStatus, func()) {
	conn, ok := ocpptest.FromContext(ctx)
	if !ok {
		return ocpp201.GenericDeviceModelStatusRejected, func() {}
	}
	var data []ocpp201.ReportData
	for _, v := range cp.variables201() {
		if want(v) {
			data = append(data, v.report())
		}
	}
	if len(data) == 0 {
		return ocpp201.GenericDeviceModelStatusEmptyResultSet, func() {}
	}
	return ocpp201.GenericDeviceModelStatusAccepted, func() {
		at := ocpp201.NewDateTime(time.Now())
		for seq := 0; seq*reportChunk < len(data); seq++ {
			part := data[seq*reportChunk : min(len(data), (seq+1)*reportChunk)]
			tbc := (seq+1)*reportChunk < len(data)
			_, err := ocpptest.Call[ocpp201.NotifyReportResponse](ctx, conn, ocpp201.NotifyReportRequest{
				RequestId: requestID, GeneratedAt: at, ReportData: part, Tbc: &tbc, SeqNo: seq,
			})
			if cp.track(ocpp201.ActionNotifyReport, err) != nil {
				return
			}
		}
	}
}

// report is the variable as NotifyReport describes it.
func (v modelVar) report() ocpp201.ReportData {
	c := ocpp201.Component{Name: v.component}
	if v.evse != 0 {
		c.Evse = &ocpp201.EVSE{Id: v.evse}
	}
	attr := ocpp201.VariableAttribute{Type: ocpp201.AttributeActual, Mutability: v.mutability}
	if v.mutability != ocpp201.MutabilityWriteOnly {
		attr.Value = v.value
	}
	chars := &ocpp201.VariableCharacteristics{DataType: v.dataType, Unit: v.unit, MaxLimit: v.maxLimit}
	switch v.dataType {
	case ocpp201.DataOptionList:
		chars.ValuesList = "Available,Occupied,Reserved,Unavailable,Faulted"
	case ocpp201.DataMemberList:
		chars.ValuesList = "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC"
	}
	return ocpp201.ReportData{
		Component:               c,
		Variable:                ocpp201.Variable{Name: v.name},
		VariableAttribute:       []ocpp201.VariableAttribute{attr},
		VariableCharacteristics: chars,
	}
}
