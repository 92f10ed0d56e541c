package ocpp201

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
)

// CustomData is the customData object that nearly every OCPP 2.0.1 type
// may carry: a vendor id plus any properties the vendor adds. It is the
// only object whose schema allows properties it does not list; they are
// kept verbatim in Extra, in both modes, and written back by MarshalJSON.
//
// Schema: definitions.CustomDataType of every schema.
type CustomData struct {
	VendorId string `json:"vendorId" ocpp:"required,max=255"`
	// Extra holds the vendor's other properties by name, each one JSON
	// value. It must not hold "vendorId".
	Extra map[string]json.RawMessage `json:"-" ocpp:"extra"`
}

// Validate checks v against its schema constraints; see [Message]. Each
// Extra value must be one JSON value.
func (v CustomData) Validate() error { return validate(&v) }

// MarshalJSON writes vendorId followed by the Extra properties in name
// order.
func (v CustomData) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"vendorId":`)
	id, err := json.Marshal(v.VendorId)
	if err != nil {
		return nil, err
	}
	b.Write(id)
	keys := make([]string, 0, len(v.Extra))
	for k := range v.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "vendorId" {
			return nil, errors.New("ocpp201: CustomData.Extra holds vendorId")
		}
		name, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.WriteByte(',')
		b.Write(name)
		b.WriteByte(':')
		if err := json.Compact(&b, v.Extra[k]); err != nil {
			return nil, errors.New("ocpp201: CustomData.Extra[" + k + "] is not one JSON value")
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads vendorId and keeps every other property in Extra.
// Like encoding/json it does not validate; [Unmarshal] does.
func (v *CustomData) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*v = CustomData{}
	if id, ok := m["vendorId"]; ok {
		if err := json.Unmarshal(id, &v.VendorId); err != nil {
			return err
		}
		delete(m, "vendorId")
	}
	if len(m) > 0 {
		v.Extra = m
	}
	return nil
}
