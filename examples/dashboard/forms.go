package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// Command forms are generated from the typed requests of ocpp/ocpp16 and
// ocpp/ocpp201 (the charge point's version): one
// input per field of the request struct (its JSON name, whether it is
// required and its maximum length from the struct tags), enumerations as
// selects (their values from the official JSON schema of the action), a
// nested struct as a group, a list of structs as a few rows, a list of
// strings as lines. The submitted form becomes the JSON payload, which the
// version's Unmarshal validates strictly: its message names the path of
// the first offending property. 2.0.1's customData extension points are
// left out.

// formField is one input, or a group of them.
type formField struct {
	Name     string // form key: the property path, "csChargingProfiles.chargingSchedule.duration"
	Label    string // the JSON property name
	Kind     string // see the kind constants
	Required bool
	Max      int           // maximum length of a string, 0: none
	Options  []string      // an enumeration's values
	Fields   []formField   // kindGroup: its fields
	Items    [][]formField // kindList: one field set per row
	Value    string        // prefilled
}

const (
	kindText     = "text"
	kindTextarea = "textarea"
	kindInt      = "int"
	kindDecimal  = "decimal"
	kindBool     = "bool"
	kindSelect   = "select"
	kindDateTime = "datetime"
	kindLines    = "lines" // []string, one per line
	kindGroup    = "group" // a struct
	kindList     = "list"  // []struct
	listRows     = 3       // rows offered for a list of structs
	longText     = 200     // strings allowed longer than this get a textarea
)

var dateTimeTypes = []reflect.Type{reflect.TypeFor[ocpp16.DateTime](), reflect.TypeFor[ocpp201.DateTime]()}

// commandForm returns the fields of action's request in version,
// prefilled from values (the submitted form, or query parameters naming
// fields).
func commandForm(version, action string, values url.Values, loc *time.Location) ([]formField, error) {
	req, ok := newRequest(version, action)
	if !ok {
		return nil, fmt.Errorf("unknown action %s", action)
	}
	schema, err := actionSchema(version, action)
	if err != nil {
		return nil, err
	}
	return structFields(reflect.TypeOf(req).Elem(), "", schema, values, loc), nil
}

// actionSchema is the decoded official JSON schema of action's request in
// version, its references to definitions (2.0.1) resolved.
func actionSchema(version, action string) (map[string]any, error) {
	set, file := schemas.OCPP16, action+".json"
	if version == ocpp.OCPP201 {
		set, file = schemas.OCPP201, action+"Request.json"
	}
	b, err := fs.ReadFile(schemas.FS(set), file)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", action, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", action, err)
	}
	defs, _ := m["definitions"].(map[string]any)
	resolved, _ := resolveRefs(m, defs, 0).(map[string]any)
	return resolved, nil
}

// resolveRefs replaces each {"$ref": "#/definitions/X"} in node by X,
// to a bounded depth (the schemas are not recursive).
func resolveRefs(node any, defs map[string]any, depth int) any {
	if depth > 16 {
		return node
	}
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			if def, ok := defs[strings.TrimPrefix(ref, "#/definitions/")]; ok {
				return resolveRefs(def, defs, depth+1)
			}
		}
		out := make(map[string]any, len(n))
		for k, v := range n {
			if k != "definitions" {
				out[k] = resolveRefs(v, defs, depth+1)
			}
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			out[i] = resolveRefs(v, defs, depth+1)
		}
		return out
	}
	return node
}

// property returns the schema node of property name of an object node.
func property(node map[string]any, name string) map[string]any {
	props, _ := node["properties"].(map[string]any)
	p, _ := props[name].(map[string]any)
	return p
}

func enumOf(node map[string]any) []string {
	list, _ := node["enum"].([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func structFields(t reflect.Type, prefix string, schema map[string]any, values url.Values, loc *time.Location) []formField {
	var fields []formField
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" || name == "customData" {
			continue
		}
		f := formField{Name: prefix + name, Label: name}
		for opt := range strings.SplitSeq(sf.Tag.Get("ocpp"), ",") {
			if opt == "required" {
				f.Required = true
			}
			if m, ok := strings.CutPrefix(opt, "max="); ok {
				f.Max, _ = strconv.Atoi(m)
			}
		}
		typ := sf.Type
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
			f.Required = false
		}
		node := property(schema, name)
		switch {
		case slices.Contains(dateTimeTypes, typ):
			f.Kind = kindDateTime
		case typ.Kind() == reflect.Struct:
			f.Kind = kindGroup
			f.Fields = structFields(typ, f.Name+".", node, values, loc)
		case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Struct:
			f.Kind = kindList
			items, _ := node["items"].(map[string]any)
			for row := range listRows {
				f.Items = append(f.Items, structFields(typ.Elem(), fmt.Sprintf("%s.%d.", f.Name, row), items, values, loc))
			}
		case typ.Kind() == reflect.Slice:
			f.Kind = kindLines
		case typ.Kind() == reflect.Bool:
			f.Kind = kindBool
		case typ.Kind() == reflect.Float32 || typ.Kind() == reflect.Float64:
			f.Kind = kindDecimal
		case typ.Kind() >= reflect.Int && typ.Kind() <= reflect.Uint64:
			f.Kind = kindInt
		default:
			f.Kind = kindText
			if f.Options = enumOf(node); len(f.Options) > 0 {
				f.Kind = kindSelect
			} else if f.Max == 0 || f.Max > longText {
				f.Kind = kindTextarea
			}
		}
		f.Value = values.Get(f.Name)
		fields = append(fields, f)
	}
	return fields
}

// formPayload turns the submitted values of fields into the JSON payload:
// empty inputs are left out, an optional group or a list row with nothing
// filled in too. Times are read in loc.
func formPayload(fields []formField, values url.Values, loc *time.Location) (map[string]any, error) {
	out := make(map[string]any)
	for _, f := range fields {
		switch f.Kind {
		case kindGroup:
			sub, err := formPayload(f.Fields, values, loc)
			if err != nil {
				return nil, err
			}
			if len(sub) > 0 || f.Required {
				out[f.Label] = sub
			}
			continue
		case kindList:
			var rows []any
			for _, item := range f.Items {
				if !filled(item, values) {
					continue // an empty row, even with required groups
				}
				sub, err := formPayload(item, values, loc)
				if err != nil {
					return nil, err
				}
				if len(sub) > 0 {
					rows = append(rows, sub)
				}
			}
			if len(rows) > 0 {
				out[f.Label] = rows
			}
			continue
		}
		raw := values.Get(f.Name)
		if f.Kind != kindTextarea && f.Kind != kindText {
			raw = strings.TrimSpace(raw)
		}
		if raw == "" {
			continue
		}
		switch f.Kind {
		case kindInt:
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a whole number", f.Name, raw)
			}
			out[f.Label] = n
		case kindDecimal:
			x, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", f.Name, raw)
			}
			out[f.Label] = x
		case kindBool:
			out[f.Label] = raw == "true"
		case kindDateTime:
			t, ok := parseLocal(raw, loc)
			if !ok {
				return nil, fmt.Errorf("%s: %q is not a date and time", f.Name, raw)
			}
			out[f.Label] = t.UTC().Format(time.RFC3339)
		case kindLines:
			var lines []string
			for l := range strings.Lines(raw) {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, l)
				}
			}
			out[f.Label] = lines
		default:
			out[f.Label] = raw
		}
	}
	return out, nil
}

// filled reports whether any input among fields has a value.
func filled(fields []formField, values url.Values) bool {
	for _, f := range fields {
		switch f.Kind {
		case kindGroup:
			if filled(f.Fields, values) {
				return true
			}
		case kindList:
			for _, item := range f.Items {
				if filled(item, values) {
					return true
				}
			}
		default:
			if strings.TrimSpace(values.Get(f.Name)) != "" {
				return true
			}
		}
	}
	return false
}
