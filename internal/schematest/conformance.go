package schematest

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// The conformance suite checks the Go types of a version package against
// the official schemas: it synthesises payloads from each schema, mutates
// them one property at a time, and requires the package's strict Unmarshal
// to agree with the schema validator, with the precise OCPP error code, and
// Validate of the Go value to agree with both. It generalises what
// ocpp/ocpp16's schema_test.go does for 1.6.

// Message is a request or response of a version package.
type Message interface{ Validate() error }

// Version describes a version package to Conformance.
type Version struct {
	// Schemas is schemas.OCPP16 or schemas.OCPP201.
	Schemas string
	// New returns a pointer to a zero request (response=false) or response
	// of action.
	New func(action string, response bool) (Message, bool)
	// Unmarshal is the package's Unmarshal in Strict (tolerant=false) or
	// Tolerant mode.
	Unmarshal func(data []byte, m Message, tolerant bool) error
	// Loose reports whether Tolerant mode keeps unknown values of the enum
	// property p.
	Loose func(p Property) bool
	// IntegralNumbers makes the samples of "number" properties without
	// multipleOf integral (1.6 holds them in ints).
	IntegralNumbers bool
}

// Side is one schema of an action.
type Side struct {
	Action string
	Schema string // file name without .json
	Resp   bool
}

// Suite is the parsed schemas of one version and the package under test.
type Suite struct {
	v   Version
	set *schemas.Set
	raw map[string]map[string]any // schema name → document
}

// NewSuite loads the schemas of v.
func NewSuite(tb testing.TB, v Version) *Suite {
	tb.Helper()
	set, err := schemas.Load(v.Schemas)
	if err != nil {
		tb.Fatal(err)
	}
	s := &Suite{v: v, set: set, raw: map[string]map[string]any{}}
	for _, action := range set.Actions() {
		for _, resp := range []bool{false, true} {
			name := set.Name(action, resp)
			raw, err := set.Raw(name)
			if err != nil {
				tb.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				tb.Fatal(err)
			}
			s.raw[name] = m
		}
	}
	return s
}

// Sides returns every schema of the version, sorted.
func (s *Suite) Sides() []Side {
	var out []Side
	for _, action := range s.set.Actions() {
		for _, resp := range []bool{false, true} {
			out = append(out, Side{Action: action, Schema: s.set.Name(action, resp), Resp: resp})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Schema < out[j].Schema })
	return out
}

// ValidateJSON validates data against the schema of sd.
func (s *Suite) ValidateJSON(sd Side, data []byte) error {
	return s.set.Validate(sd.Action, sd.Resp, data)
}

// Raw returns the parsed schema document of sd.
func (s *Suite) Raw(sd Side) map[string]any { return s.raw[sd.Schema] }

func (s *Suite) newMessage(tb testing.TB, sd Side) Message {
	tb.Helper()
	m, ok := s.v.New(sd.Action, sd.Resp)
	if !ok {
		tb.Fatalf("no Go type for %s", sd.Schema)
	}
	return m
}

// strict and tolerant decode data into a new message of sd.
func (s *Suite) strict(tb testing.TB, sd Side, data []byte) (Message, error) {
	m := s.newMessage(tb, sd)
	return m, s.v.Unmarshal(data, m, false)
}

func (s *Suite) tolerant(tb testing.TB, sd Side, data []byte) (Message, error) {
	m := s.newMessage(tb, sd)
	return m, s.v.Unmarshal(data, m, true)
}

// goValue decodes data with encoding/json, which checks no constraint, so
// that Validate can be asked about the Go value. ok is false when
// encoding/json cannot hold the payload (a wrong JSON type).
func (s *Suite) goValue(tb testing.TB, sd Side, data []byte) (Message, bool) {
	m := s.newMessage(tb, sd)
	return m, json.Unmarshal(data, m) == nil
}

// Property is one property of one object node of a schema, found by Walk.
type Property struct {
	Path     []any // to the object in the synthesised full instance: keys and item indexes
	Name     string
	Schema   map[string]any // resolved
	Required bool
	Object   map[string]any // the enclosing object schema
}

// Display renders the property path as Unmarshal descriptions do.
func (p Property) Display() string {
	var b strings.Builder
	for _, e := range p.Path {
		switch e := e.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e)
		case int:
			b.WriteString("[0]")
		}
	}
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.WriteString(p.Name)
	return b.String()
}

// resolve follows $ref within root.
func resolve(root, n map[string]any) map[string]any {
	for {
		ref, ok := n["$ref"].(string)
		if !ok {
			return n
		}
		name := strings.TrimPrefix(ref, "#/definitions/")
		n = root["definitions"].(map[string]any)[name].(map[string]any)
	}
}

// RequiredOf returns the required property names of object node n.
func RequiredOf(n map[string]any) []string {
	var out []string
	for _, r := range asSlice(n["required"]) {
		out = append(out, r.(string))
	}
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// synth builds a valid instance of schema node n: every property when full,
// only the required ones otherwise; arrays get one item.
func (s *Suite) synth(root, n map[string]any, full bool) any {
	n = resolve(root, n)
	switch n["type"] {
	case "object":
		obj := map[string]any{}
		props, _ := n["properties"].(map[string]any)
		req := RequiredOf(n)
		for _, k := range sortedKeys(props) {
			if full || slices.Contains(req, k) {
				obj[k] = s.synth(root, props[k].(map[string]any), full)
			}
		}
		return obj
	case "array":
		return []any{s.synth(root, n["items"].(map[string]any), full)}
	case "string":
		if e := asSlice(n["enum"]); len(e) > 0 {
			return e[len(e)-1]
		}
		switch n["format"] {
		case "date-time":
			return "2024-02-29T23:59:58.123Z"
		case "uri":
			return "ftp://files.example.com/upload"
		}
		return "aé"
	case "integer":
		return 7.0
	case "number":
		if n["multipleOf"] == nil && s.v.IntegralNumbers {
			return 30.0
		}
		return 16.5
	case "boolean":
		return true
	case nil: // any JSON value
		return map[string]any{"k": []any{1.0, "x", nil}}
	}
	panic("unknown schema type")
}

// Sample returns a fresh valid instance of the schema of sd.
func (s *Suite) Sample(sd Side, full bool) any {
	root := s.raw[sd.Schema]
	return s.synth(root, root, full)
}

// Walk calls fn for every property of every object node reachable from the
// root of sd, and objFn (if not nil) for every object node, with the path
// of the object in the full sample.
func (s *Suite) Walk(sd Side, fn func(Property), objFn func(path []any, obj map[string]any)) {
	root := s.raw[sd.Schema]
	walk(root, root, nil, fn, objFn)
}

func walk(root, n map[string]any, path []any, fn func(Property), objFn func(path []any, obj map[string]any)) {
	n = resolve(root, n)
	switch n["type"] {
	case "object":
		if objFn != nil {
			objFn(path, n)
		}
		props, _ := n["properties"].(map[string]any)
		req := RequiredOf(n)
		for _, k := range sortedKeys(props) {
			ps := resolve(root, props[k].(map[string]any))
			fn(Property{Path: slices.Clone(path), Name: k, Schema: ps, Required: slices.Contains(req, k), Object: n})
			walk(root, ps, append(slices.Clone(path), k), fn, objFn)
		}
	case "array":
		walk(root, n["items"].(map[string]any), append(slices.Clone(path), 0), fn, objFn)
	}
}

// At returns the object at path inside doc.
func At(doc any, path []any) map[string]any {
	for _, e := range path {
		switch e := e.(type) {
		case string:
			doc = doc.(map[string]any)[e]
		case int:
			doc = doc.([]any)[e]
		}
	}
	return doc.(map[string]any)
}

// Normalize returns v as encoding/json decodes it into an any.
func Normalize(tb testing.TB, v any) any {
	tb.Helper()
	var out any
	if err := json.Unmarshal(MustJSON(tb, v), &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// MustJSON marshals v or fails tb.
func MustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// wantCode fails t unless err has code and names the property path.
func wantCode(t *testing.T, what string, err error, code ocpp.ErrorCode, path string) {
	t.Helper()
	if ocpp.CodeOf(err) != code || !strings.Contains(err.Error(), path) {
		t.Errorf("%s: err = %v, want %s naming %s", what, err, code, path)
	}
}

// Conformance runs every check of the suite as subtests of t.
func Conformance(t *testing.T, v Version) {
	s := NewSuite(t, v)
	t.Run("EverySchemaHasAGoType", s.everySchemaHasAGoType)
	t.Run("SamplesRoundTrip", s.samplesRoundTrip)
	t.Run("RequiredMatchesSchema", s.requiredMatchesSchema)
	t.Run("MaxLengthMatchesSchema", s.maxLengthMatchesSchema)
	t.Run("EnumsMatchSchema", s.enumsMatchSchema)
	t.Run("RangesMatchSchema", s.rangesMatchSchema)
	t.Run("ItemsMatchSchema", s.itemsMatchSchema)
	t.Run("AdditionalPropertiesMatchSchema", s.additionalPropertiesMatchSchema)
	t.Run("TypesMatchSchema", s.typesMatchSchema)
}

func (s *Suite) everySchemaHasAGoType(t *testing.T) {
	for _, sd := range s.Sides() {
		t.Run(sd.Schema, func(t *testing.T) {
			m := s.newMessage(t, sd)
			action := m.(interface{ Action() string }).Action()
			if action != sd.Action {
				t.Errorf("Action() = %q, want %q", action, sd.Action)
			}
			want := sd.Action + "Request"
			if sd.Resp {
				want = sd.Action + "Response"
			}
			if got := reflect.TypeOf(m).Elem().Name(); got != want {
				t.Errorf("type %s, want %s", got, want)
			}
		})
	}
}

// samplesRoundTrip decodes a full and a minimal instance of every schema,
// validates the Go value, marshals it, validates the JSON against the
// official schema and requires it to equal the instance.
func (s *Suite) samplesRoundTrip(t *testing.T) {
	for _, sd := range s.Sides() {
		for _, full := range []bool{true, false} {
			name := sd.Schema + "/minimal"
			if full {
				name = sd.Schema + "/full"
			}
			t.Run(name, func(t *testing.T) {
				sample := s.Sample(sd, full)
				in := MustJSON(t, sample)
				if err := s.ValidateJSON(sd, in); err != nil {
					t.Fatalf("synthesised sample invalid (test bug): %v", err)
				}
				m, err := s.strict(t, sd, in)
				if err != nil {
					t.Fatalf("Unmarshal(%s): %v", in, err)
				}
				if err := m.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				out := MustJSON(t, m)
				if err := s.ValidateJSON(sd, out); err != nil {
					t.Fatalf("marshalled %s is invalid: %v", out, err)
				}
				if got, want := Normalize(t, json.RawMessage(out)), Normalize(t, sample); !reflect.DeepEqual(got, want) {
					t.Errorf("round trip changed the payload:\n got %s\nwant %s", out, in)
				}
				if g, ok := s.goValue(t, sd, in); !ok || g.Validate() != nil {
					t.Errorf("encoding/json value: ok = %v, Validate = %v", ok, g.Validate())
				}
			})
		}
	}
}

// requiredMatchesSchema removes each property in turn: Unmarshal reports
// OccurenceConstraintViolation exactly for the required ones, and Validate
// agrees where absence is visible on a Go value.
func (s *Suite) requiredMatchesSchema(t *testing.T) {
	for _, sd := range s.Sides() {
		t.Run(sd.Schema+"/empty object", func(t *testing.T) {
			_, err := s.strict(t, sd, []byte(`{}`))
			req := RequiredOf(s.Raw(sd))
			switch {
			case len(req) > 0 && ocpp.CodeOf(err) != ocpp.OccurenceConstraintViolation:
				t.Errorf("{}: err = %v, want OccurenceConstraintViolation (required %v)", err, req)
			case len(req) == 0 && err != nil:
				t.Errorf("{}: err = %v, want nil", err)
			}
		})
		s.Walk(sd, func(p Property) {
			t.Run(sd.Schema+"/"+p.Display(), func(t *testing.T) {
				doc := s.Sample(sd, true)
				delete(At(doc, p.Path), p.Name)
				in := MustJSON(t, doc)
				schemaErr := s.ValidateJSON(sd, in)
				_, err := s.strict(t, sd, in)
				if !p.Required {
					if err != nil || schemaErr != nil {
						t.Errorf("without optional %s: err = %v, schema: %v", p.Display(), err, schemaErr)
					}
					return
				}
				wantCode(t, "without "+p.Display(), err, ocpp.OccurenceConstraintViolation, p.Display()+":")
				if schemaErr == nil {
					t.Error("schema validator accepted it (test bug)")
				}
				// Absence shows on a Go value for strings, enums, date-times
				// and arrays; a number, bool or object is always there.
				if typ := p.Schema["type"]; typ == "string" || typ == "array" {
					if g, ok := s.goValue(t, sd, in); ok {
						wantCode(t, "Validate", g.Validate(), ocpp.OccurenceConstraintViolation, p.Display()+":")
					}
				}
			})
		}, nil)
	}
}

// maxLengthMatchesSchema sets each string with a maxLength to one character
// too many: Strict rejects it, Validate too, Tolerant truncates it.
func (s *Suite) maxLengthMatchesSchema(t *testing.T) {
	n := 0
	for _, sd := range s.Sides() {
		s.Walk(sd, func(p Property) {
			max, isArray := p.Schema["maxLength"], false
			if p.Schema["type"] == "array" {
				max, isArray = resolve(s.Raw(sd), p.Schema["items"].(map[string]any))["maxLength"], true
			}
			if max == nil {
				return
			}
			n++
			limit := int(max.(float64))
			set := func(doc any, v string) {
				if isArray {
					At(doc, p.Path)[p.Name] = []any{v}
				} else {
					At(doc, p.Path)[p.Name] = v
				}
			}
			t.Run(sd.Schema+"/"+p.Display(), func(t *testing.T) {
				// Exactly maxLength characters, more bytes: accepted.
				doc := s.Sample(sd, true)
				set(doc, strings.Repeat("é", limit))
				if _, err := s.strict(t, sd, MustJSON(t, doc)); err != nil {
					t.Errorf("%d characters: %v", limit, err)
				}
				doc = s.Sample(sd, true)
				set(doc, strings.Repeat("é", limit+1))
				in := MustJSON(t, doc)
				if s.ValidateJSON(sd, in) == nil {
					t.Fatal("schema validator accepted it (test bug)")
				}
				_, err := s.strict(t, sd, in)
				wantCode(t, "strict", err, ocpp.PropertyConstraintViolation, p.Display())
				if g, ok := s.goValue(t, sd, in); ok {
					wantCode(t, "Validate", g.Validate(), ocpp.PropertyConstraintViolation, p.Display())
				}
				m, err := s.tolerant(t, sd, in)
				if err != nil {
					t.Fatalf("tolerant: %v", err)
				}
				out := MustJSON(t, m)
				if err := s.ValidateJSON(sd, out); err != nil {
					t.Errorf("tolerant result %s invalid: %v", out, err)
				}
				got := At(Normalize(t, json.RawMessage(out)), p.Path)[p.Name]
				if isArray {
					got = got.([]any)[0]
				}
				if got != strings.Repeat("é", limit) {
					t.Errorf("tolerant kept %d characters, want %d", utf8.RuneCountInString(got.(string)), limit)
				}
			})
		}, nil)
	}
	if n < 40 {
		t.Errorf("found only %d maxLength properties", n)
	}
}

// enumsMatchSchema: every value each schema enum lists is accepted, an
// unknown one is a PropertyConstraintViolation in Strict mode and for
// Validate, and in Tolerant mode unless the property is loose.
func (s *Suite) enumsMatchSchema(t *testing.T) {
	for _, sd := range s.Sides() {
		s.Walk(sd, func(p Property) {
			values := asSlice(p.Schema["enum"])
			if len(values) == 0 {
				return
			}
			t.Run(sd.Schema+"/"+p.Display(), func(t *testing.T) {
				for _, v := range values {
					doc := s.Sample(sd, true)
					At(doc, p.Path)[p.Name] = v
					if _, err := s.strict(t, sd, MustJSON(t, doc)); err != nil {
						t.Errorf("value %q: %v", v, err)
					}
				}
				doc := s.Sample(sd, true)
				At(doc, p.Path)[p.Name] = "NotAValue"
				in := MustJSON(t, doc)
				want := p.Display() + `: unknown value "NotAValue"`
				_, err := s.strict(t, sd, in)
				wantCode(t, "strict", err, ocpp.PropertyConstraintViolation, want)
				if g, ok := s.goValue(t, sd, in); ok {
					wantCode(t, "Validate", g.Validate(), ocpp.PropertyConstraintViolation, want)
				}
				isLoose := s.v.Loose != nil && s.v.Loose(p)
				_, err = s.tolerant(t, sd, in)
				if isLoose && err != nil {
					t.Errorf("tolerant: %v, want the value kept", err)
				}
				if !isLoose && ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation {
					t.Errorf("tolerant: err = %v, want PropertyConstraintViolation", err)
				}
			})
		}, nil)
	}
}

// rangesMatchSchema puts each number with a minimum or maximum on and just
// past its bound: Strict and Validate reject what is past, Tolerant
// accepts it.
func (s *Suite) rangesMatchSchema(t *testing.T) {
	for _, sd := range s.Sides() {
		s.Walk(sd, func(p Property) {
			for _, bound := range []struct {
				key  string
				step float64
			}{{"minimum", -1}, {"maximum", 1}} {
				limit, ok := p.Schema[bound.key].(float64)
				if !ok {
					continue
				}
				t.Run(sd.Schema+"/"+p.Display()+"/"+bound.key, func(t *testing.T) {
					doc := s.Sample(sd, true)
					At(doc, p.Path)[p.Name] = limit
					if _, err := s.strict(t, sd, MustJSON(t, doc)); err != nil {
						t.Errorf("at the %s %v: %v", bound.key, limit, err)
					}
					At(doc, p.Path)[p.Name] = limit + bound.step
					in := MustJSON(t, doc)
					if s.ValidateJSON(sd, in) == nil {
						t.Fatal("schema validator accepted it (test bug)")
					}
					_, err := s.strict(t, sd, in)
					wantCode(t, "strict", err, ocpp.PropertyConstraintViolation, p.Display()+":")
					if g, ok := s.goValue(t, sd, in); ok {
						wantCode(t, "Validate", g.Validate(), ocpp.PropertyConstraintViolation, p.Display()+":")
					}
					if _, err := s.tolerant(t, sd, in); err != nil {
						t.Errorf("tolerant: %v, want it accepted", err)
					}
				})
			}
		}, nil)
	}
}

// itemsMatchSchema gives each array one item too few or too many.
func (s *Suite) itemsMatchSchema(t *testing.T) {
	for _, sd := range s.Sides() {
		s.Walk(sd, func(p Property) {
			if p.Schema["type"] != "array" {
				return
			}
			item := func() any { return At(s.Sample(sd, true), p.Path)[p.Name].([]any)[0] }
			check := func(name string, n int, ok bool) {
				t.Run(sd.Schema+"/"+p.Display()+"/"+name, func(t *testing.T) {
					doc := s.Sample(sd, true)
					items := []any{}
					for range n {
						items = append(items, item())
					}
					At(doc, p.Path)[p.Name] = items
					in := MustJSON(t, doc)
					if schemaOK := s.ValidateJSON(sd, in) == nil; schemaOK != ok {
						t.Fatalf("schema validator: ok = %v, want %v (test bug)", schemaOK, ok)
					}
					_, err := s.strict(t, sd, in)
					if ok {
						if err != nil {
							t.Errorf("%d items: %v", n, err)
						}
						return
					}
					wantCode(t, "strict", err, ocpp.PropertyConstraintViolation, p.Display()+":")
					// An optional empty array is absent on a Go value
					// (omitempty drops it), so Validate accepts it.
					if g, decoded := s.goValue(t, sd, in); decoded && (n > 0 || p.Required) {
						wantCode(t, "Validate", g.Validate(), ocpp.PropertyConstraintViolation, p.Display()+":")
					}
					_, err = s.tolerant(t, sd, in)
					wantCode(t, "tolerant", err, ocpp.PropertyConstraintViolation, p.Display()+":")
				})
			}
			if min, ok := p.Schema["minItems"].(float64); ok && min > 0 {
				check("minItems", int(min), true)
				check("too few", int(min)-1, false)
			}
			if max, ok := p.Schema["maxItems"].(float64); ok {
				check("maxItems", int(max), true)
				check("too many", int(max)+1, false)
			}
		}, nil)
	}
}

// additionalPropertiesMatchSchema adds an unknown property to every object:
// Strict rejects it exactly where the schema forbids it.
func (s *Suite) additionalPropertiesMatchSchema(t *testing.T) {
	for _, sd := range s.Sides() {
		s.Walk(sd, func(Property) {}, func(path []any, obj map[string]any) {
			name := Property{Path: path, Name: "vendorQuirk"}.Display()
			t.Run(sd.Schema+"/"+name, func(t *testing.T) {
				doc := s.Sample(sd, true)
				At(doc, path)["vendorQuirk"] = map[string]any{"x": []any{1.0, nil}}
				in := MustJSON(t, doc)
				forbidden := obj["additionalProperties"] == false
				if schemaOK := s.ValidateJSON(sd, in) == nil; schemaOK == forbidden {
					t.Fatalf("schema validator: ok = %v, forbidden = %v", schemaOK, forbidden)
				}
				_, err := s.strict(t, sd, in)
				if forbidden {
					wantCode(t, "strict", err, ocpp.FormationViolation, name)
				} else if err != nil {
					t.Errorf("strict: err = %v, want nil (schema allows it)", err)
				}
				m, err := s.tolerant(t, sd, in)
				if err != nil {
					t.Fatalf("tolerant: %v", err)
				}
				if err := s.ValidateJSON(sd, MustJSON(t, m)); err != nil && forbidden {
					t.Errorf("tolerant result invalid: %v", err)
				}
			})
		})
	}
}

// typesMatchSchema gives every typed property a value of the wrong JSON type.
func (s *Suite) typesMatchSchema(t *testing.T) {
	wrong := map[string]any{
		"string":  12.0,
		"integer": "seven",
		"number":  true,
		"boolean": "true",
		"object":  []any{},
		"array":   map[string]any{},
	}
	for _, sd := range s.Sides() {
		s.Walk(sd, func(p Property) {
			typ, _ := p.Schema["type"].(string)
			if typ == "" {
				return // any JSON value
			}
			t.Run(sd.Schema+"/"+p.Display(), func(t *testing.T) {
				doc := s.Sample(sd, true)
				At(doc, p.Path)[p.Name] = wrong[typ]
				in := MustJSON(t, doc)
				if s.ValidateJSON(sd, in) == nil {
					t.Fatal("schema validator accepted it (test bug)")
				}
				_, err := s.strict(t, sd, in)
				wantCode(t, "strict", err, ocpp.TypeConstraintViolation, p.Display()+":")
			})
		}, nil)
	}
}
