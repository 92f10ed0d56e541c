package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// VariablesTable holds the device model of OCPP 2.0.1 charge points.
const VariablesTable = "ocpp_variables"

// Attribute types of a variable (OCPP 2.0.1 AttributeEnumType).
const (
	AttributeActual = "Actual"
	AttributeTarget = "Target"
	AttributeMinSet = "MinSet"
	AttributeMaxSet = "MaxSet"
)

// Variable is one attribute of one variable of one component of an OCPP
// 2.0.1 charge point's device model: what a 2.0.1 operator reads and
// writes where a 1.6 operator has configuration keys (ConfigurationKey).
//
// A variable is named by its component (Component, ComponentInstance, and
// the EVSE and connector the component belongs to: 0 for none), its own
// Name and Instance, and the Attribute (Actual, Target, MinSet, MaxSet).
// NotifyReport (the answer to GetBaseReport or GetReport) records every
// column; GetVariables and SetVariables record Value and Status, and
// NotifyEvent the Actual value it reports. Status is the attributeStatus of
// the last GetVariables or SetVariables of it (Accepted, Rejected,
// RebootRequired, UnknownComponent, UnknownVariable,
// NotSupportedAttributeType), empty when only reported.
type Variable struct {
	ID                uint   `gorm:"primaryKey" json:"id"`
	ChargePointID     uint   `gorm:"not null;uniqueIndex:idx_ocpp_variables_key,priority:1" json:"charge_point_id"`
	Component         string `gorm:"size:50;not null;uniqueIndex:idx_ocpp_variables_key,priority:2" json:"component"`
	ComponentInstance string `gorm:"size:50;not null;default:'';uniqueIndex:idx_ocpp_variables_key,priority:3" json:"component_instance"`
	EVSEID            int    `gorm:"column:evse_id;not null;default:0;uniqueIndex:idx_ocpp_variables_key,priority:4" json:"evse_id"`
	ConnectorID       int    `gorm:"not null;default:0;uniqueIndex:idx_ocpp_variables_key,priority:5" json:"connector_id"`
	Name              string `gorm:"size:50;not null;uniqueIndex:idx_ocpp_variables_key,priority:6" json:"name"`
	Instance          string `gorm:"size:50;not null;default:'';uniqueIndex:idx_ocpp_variables_key,priority:7" json:"instance"`
	Attribute         string `gorm:"size:10;not null;default:Actual;uniqueIndex:idx_ocpp_variables_key,priority:8" json:"attribute"`

	Value      string `gorm:"type:text" json:"value"`
	Mutability string `gorm:"size:10;not null;default:''" json:"mutability"` // ReadOnly, WriteOnly, ReadWrite
	Persistent bool   `gorm:"not null;default:false" json:"persistent"`
	Constant   bool   `gorm:"not null;default:false" json:"constant"`

	DataType           string   `gorm:"size:20;not null;default:''" json:"data_type"` // string, decimal, integer, dateTime, boolean, OptionList, SequenceList, MemberList
	Unit               string   `gorm:"size:16;not null;default:''" json:"unit"`
	MinLimit           *float64 `json:"min_limit"`
	MaxLimit           *float64 `json:"max_limit"`
	ValuesList         string   `gorm:"type:text" json:"values_list"`
	SupportsMonitoring bool     `gorm:"not null;default:false" json:"supports_monitoring"`

	Status      string       `gorm:"size:30;not null;default:''" json:"status"`
	ReportedAt  *time.Time   `json:"reported_at"` // last NotifyReport, GetVariables or NotifyEvent that gave its value
	ChangedAt   *time.Time   `json:"changed_at"`  // last accepted SetVariables
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	ChargePoint *ChargePoint `gorm:"constraint:OnDelete:CASCADE" json:"charge_point,omitempty"`
}

// TableName implements gorm's schema.Tabler.
func (Variable) TableName() string { return VariablesTable }

// VariableKey names one attribute of a variable (see Variable). An empty
// Attribute is Actual.
type VariableKey struct {
	Component         string
	ComponentInstance string
	EVSEID            int
	ConnectorID       int
	Name              string
	Instance          string
	Attribute         string
}

// Key returns the name of v (with Attribute Actual when v's is empty).
func (v *Variable) Key() VariableKey {
	a := v.Attribute
	if a == "" {
		a = AttributeActual
	}
	return VariableKey{v.Component, v.ComponentInstance, v.EVSEID, v.ConnectorID, v.Name, v.Instance, a}
}

// String returns the key as Component[instance]/evse/connector.Variable[instance]
// with the parts that are set, e.g. "OCPPCommCtrlr.HeartbeatInterval" or
// "EVSE/1.Power", and the attribute when it is not Actual ("…:Target").
func (k VariableKey) String() string {
	s := k.Component
	if k.ComponentInstance != "" {
		s += "[" + k.ComponentInstance + "]"
	}
	if k.EVSEID != 0 {
		s += "/" + strconv.Itoa(k.EVSEID)
		if k.ConnectorID != 0 {
			s += "/" + strconv.Itoa(k.ConnectorID)
		}
	}
	s += "." + k.Name
	if k.Instance != "" {
		s += "[" + k.Instance + "]"
	}
	if k.Attribute != "" && k.Attribute != AttributeActual {
		s += ":" + k.Attribute
	}
	return s
}

var variableKeyColumns = []clause.Column{
	{Name: "charge_point_id"}, {Name: "component"}, {Name: "component_instance"}, {Name: "evse_id"},
	{Name: "connector_id"}, {Name: "name"}, {Name: "instance"}, {Name: "attribute"},
}

// prepareVariables sets the charge point, defaults and times of vars for
// an upsert, keeping the last of duplicate keys (one statement may not
// touch a row twice).
func prepareVariables(chargePointID uint, vars []Variable, now time.Time) []Variable {
	seen := make(map[VariableKey]int, len(vars))
	out := make([]Variable, 0, len(vars))
	for _, v := range vars {
		v.ID, v.ChargePoint, v.ChargePointID = 0, nil, chargePointID
		if v.Attribute == "" {
			v.Attribute = AttributeActual
		}
		v.CreatedAt, v.UpdatedAt = now, now
		if i, ok := seen[v.Key()]; ok {
			out[i] = v
			continue
		}
		seen[v.Key()] = len(out)
		out = append(out, v)
	}
	return out
}

// RecordVariableReport stores the variables of a NotifyReport received at
// at: each one's every column is upserted (Value, Mutability, Persistent,
// Constant and the characteristics), ReportedAt set; Status is left as it
// is. Variables not mentioned are left as they are.
func (s *Store) RecordVariableReport(ctx context.Context, chargePointID uint, vars []Variable, at time.Time) error {
	if len(vars) == 0 {
		return nil
	}
	t, now := dbTime(at), dbTime(time.Now())
	rows := prepareVariables(chargePointID, vars, now)
	for i := range rows {
		rows[i].ReportedAt = &t
	}
	_, err := s.exec(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Clauses(clause.OnConflict{
			Columns: variableKeyColumns,
			DoUpdates: clause.AssignmentColumns([]string{"value", "mutability", "persistent", "constant", "data_type", "unit",
				"min_limit", "max_limit", "values_list", "supports_monitoring", "reported_at", "updated_at"}),
		}).Omit(clause.Associations).CreateInBatches(rows, 200)
	})
	return wrap(err, "record device model report of charge point %d", chargePointID)
}

// VariableValues is what RecordVariableValues records.
type VariableValues struct {
	// Changed says the values were written (an accepted SetVariables: they
	// set ChangedAt); otherwise they were read (GetVariables, NotifyEvent:
	// ReportedAt).
	Changed bool
	// KeepValue lists the variables whose Value is not recorded, only
	// their Status (a refused write, an unknown variable, a secret).
	KeepValue map[VariableKey]bool
}

// RecordVariableValues stores the Value and Status of each of vars (the
// results of GetVariables or SetVariables, the values of a NotifyEvent),
// received at at, creating the variables it does not know. The other
// columns of known variables are left as they are.
func (s *Store) RecordVariableValues(ctx context.Context, chargePointID uint, vars []Variable, at time.Time, opts VariableValues) error {
	if len(vars) == 0 {
		return nil
	}
	t, now := dbTime(at), dbTime(time.Now())
	rows := prepareVariables(chargePointID, vars, now)
	timeCol := "reported_at"
	for i := range rows {
		if opts.Changed {
			rows[i].ChangedAt = &t
		} else {
			rows[i].ReportedAt = &t
		}
	}
	if opts.Changed {
		timeCol = "changed_at"
	}
	// Two statements: the rows whose value is recorded, and those whose
	// status only is.
	var values, statuses []Variable
	for _, r := range rows {
		if opts.KeepValue[r.Key()] {
			r.Value = ""
			statuses = append(statuses, r)
		} else {
			values = append(values, r)
		}
	}
	err := s.write(ctx, func(tx *gorm.DB) error {
		if len(values) > 0 {
			err := tx.Clauses(clause.OnConflict{
				Columns:   variableKeyColumns,
				DoUpdates: clause.AssignmentColumns([]string{"value", "status", timeCol, "updated_at"}),
			}).Omit(clause.Associations).CreateInBatches(values, 200).Error
			if err != nil {
				return err
			}
		}
		if len(statuses) > 0 {
			return tx.Clauses(clause.OnConflict{
				Columns:   variableKeyColumns,
				DoUpdates: clause.AssignmentColumns([]string{"status", "updated_at"}),
			}).Omit(clause.Associations).CreateInBatches(statuses, 200).Error
		}
		return nil
	})
	return wrap(err, "record variables of charge point %d", chargePointID)
}

// VariableFilter selects variables; its zero value selects all of a charge
// point.
type VariableFilter struct {
	Component string // by component name
	Name      string // by variable name
	EVSEID    *int   // of one EVSE (0: the station's own components)
}

// Variables returns the device model recorded for a charge point, ordered
// by component, EVSE, connector, variable and attribute.
func (s *Store) Variables(ctx context.Context, chargePointID uint, f VariableFilter) ([]Variable, error) {
	q := s.ctx(ctx).Where("charge_point_id = ?", chargePointID)
	if f.Component != "" {
		q = q.Where("component = ?", f.Component)
	}
	if f.Name != "" {
		q = q.Where("name = ?", f.Name)
	}
	if f.EVSEID != nil {
		q = q.Where("evse_id = ?", *f.EVSEID)
	}
	var vs []Variable
	err := q.Order("component, component_instance, evse_id, connector_id, name, instance, attribute").Find(&vs).Error
	if err != nil {
		return nil, wrap(err, "variables of charge point %d", chargePointID)
	}
	return vs, nil
}

// Variable returns one recorded variable attribute of a charge point (an
// empty k.Attribute is Actual); ErrNotFound when it was never reported,
// read or written.
func (s *Store) Variable(ctx context.Context, chargePointID uint, k VariableKey) (*Variable, error) {
	if k.Attribute == "" {
		k.Attribute = AttributeActual
	}
	var v Variable
	err := s.ctx(ctx).Where("charge_point_id = ? AND component = ? AND component_instance = ? AND evse_id = ? AND connector_id = ? AND name = ? AND instance = ? AND attribute = ?",
		chargePointID, k.Component, k.ComponentInstance, k.EVSEID, k.ConnectorID, k.Name, k.Instance, k.Attribute).Limit(1).Find(&v).Error
	if err == nil && v.ID == 0 {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return nil, wrap(err, "variable %s of charge point %d", k, chargePointID)
	}
	return &v, nil
}

// IsSecretVariable reports whether the value of a 2.0.1 variable is a
// secret the library never stores (like 1.6's AuthorizationKey): the HTTP
// Basic password, SecurityCtrlr.BasicAuthPassword. Its rows keep their
// status and characteristics with an empty Value.
func IsSecretVariable(component, name string) bool {
	return component == "SecurityCtrlr" && name == "BasicAuthPassword"
}

// ParseVariableKey parses the form VariableKey.String writes:
// Component[componentInstance]/evse/connector.Variable[instance]:Attribute,
// every part but the component and variable names optional
// ("OCPPCommCtrlr.HeartbeatInterval", "EVSE/1.Power:MaxSet",
// "OCPPCommCtrlr.MessageAttempts[TransactionEvent]"). An absent attribute
// is Actual.
func ParseVariableKey(s string) (VariableKey, error) {
	var k VariableKey
	bad := func() (VariableKey, error) {
		return VariableKey{}, fmt.Errorf("store: %q is not a variable (want Component[instance]/evse/connector.Variable[instance]:Attribute)", s)
	}
	rest := s
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.ContainsRune(rest[i:], ']') {
		rest, k.Attribute = rest[:i], rest[i+1:]
	}
	depth, dot := 0, -1
	for i, c := range rest {
		switch c {
		case '[':
			depth++
		case ']':
			depth--
		case '.':
			if depth == 0 && dot < 0 {
				dot = i
			}
		}
	}
	if dot <= 0 || dot == len(rest)-1 {
		return bad()
	}
	comp, variable := rest[:dot], rest[dot+1:]
	var ok bool
	if k.Name, k.Instance, ok = nameInstance(variable); !ok {
		return bad()
	}
	parts := strings.Split(comp, "/")
	if len(parts) > 3 {
		return bad()
	}
	if k.Component, k.ComponentInstance, ok = nameInstance(parts[0]); !ok {
		return bad()
	}
	for i, p := range parts[1:] {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return bad()
		}
		if i == 0 {
			k.EVSEID = n
		} else {
			k.ConnectorID = n
		}
	}
	if k.Attribute == "" {
		k.Attribute = AttributeActual
	}
	return k, nil
}

// nameInstance splits "Name[instance]".
func nameInstance(s string) (name, instance string, ok bool) {
	name = s
	if i := strings.IndexByte(s, '['); i >= 0 {
		if !strings.HasSuffix(s, "]") {
			return "", "", false
		}
		name, instance = s[:i], s[i+1:len(s)-1]
	}
	return name, instance, name != "" && !strings.ContainsAny(name, "[]/")
}
