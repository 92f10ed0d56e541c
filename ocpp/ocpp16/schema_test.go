package ocpp16_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// The tests in this file check the Go types against the official schemas:
// they synthesise payloads from each schema, mutate them one property at a
// time, and require Unmarshal and the schema validator to agree.

// schemaSet is the parsed and compiled official schemas (embedded in
// ocpp/schemas).
type schemaSet struct {
	raw      map[string]map[string]any // file name without .json → document
	compiled map[string]*jsonschema.Schema
	err      error
}

var (
	schemasOnce sync.Once
	schemaCache schemaSet
)

// loadSchemas returns the official OCPP 1.6 schemas.
func loadSchemas(tb testing.TB) *schemaSet {
	tb.Helper()
	schemasOnce.Do(func() { schemaCache = compileSchemas() })
	if schemaCache.err != nil {
		tb.Fatalf("loading schemas: %v", schemaCache.err)
	}
	return &schemaCache
}

func compileSchemas() schemaSet {
	s := schemaSet{raw: map[string]map[string]any{}, compiled: map[string]*jsonschema.Schema{}}
	set, err := schemas.Load(schemas.OCPP16)
	if err != nil {
		s.err = err
		return s
	}
	for _, action := range set.Actions() {
		for _, resp := range []bool{false, true} {
			name := set.Name(action, resp)
			raw, err := set.Raw(name)
			if err != nil {
				s.err = err
				return s
			}
			var m map[string]any // a second, plain copy for walking
			if err := json.Unmarshal(raw, &m); err != nil {
				s.err = err
				return s
			}
			s.raw[name] = m
			if s.compiled[name], err = set.Schema(name); err != nil {
				s.err = err
				return s
			}
		}
	}
	return s
}

// validateJSON validates data against the named schema.
func (s *schemaSet) validateJSON(name string, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return s.compiled[name].Validate(inst)
}

// side is one of the two schemas of an action.
type side struct {
	action string
	schema string // file name without .json
	resp   bool
}

func (sd side) name() string { return sd.schema }

func (sd side) newMessage(tb testing.TB) ocpp16.Message {
	tb.Helper()
	var m ocpp16.Message
	var ok bool
	if sd.resp {
		m, ok = ocpp16.NewResponse(sd.action)
	} else {
		m, ok = ocpp16.NewRequest(sd.action)
	}
	if !ok {
		tb.Fatalf("no Go type for %s", sd.schema)
	}
	return m
}

func (s *schemaSet) sides() []side {
	var out []side
	for name := range s.raw {
		if a, ok := strings.CutSuffix(name, "Response"); ok {
			out = append(out, side{action: a, schema: name, resp: true})
		} else {
			out = append(out, side{action: name, schema: name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].schema < out[j].schema })
	return out
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

func requiredOf(n map[string]any) []string {
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
func synth(root, n map[string]any, full bool) any {
	n = resolve(root, n)
	switch n["type"] {
	case "object":
		obj := map[string]any{}
		props, _ := n["properties"].(map[string]any)
		req := requiredOf(n)
		for _, k := range sortedKeys(props) {
			if full || slices.Contains(req, k) {
				obj[k] = synth(root, props[k].(map[string]any), full)
			}
		}
		return obj
	case "array":
		return []any{synth(root, n["items"].(map[string]any), full)}
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
		if n["multipleOf"] != nil {
			return 16.5
		}
		// The plain numbers (interval, retries, retryInterval) are ints in Go;
		// fractions there are a documented deviation, tested separately.
		return 30.0
	case "boolean":
		return true
	}
	panic("unknown schema type")
}

// normalize returns v as encoding/json decodes it into an any.
func normalize(tb testing.TB, v any) any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// property is one property of one object node of a schema, found by walk.
type property struct {
	path     []any // to the object in the synthesised full instance: keys and item indexes
	name     string
	schema   map[string]any // resolved
	required bool
	object   map[string]any // the enclosing object schema
}

// display renders the property path as Unmarshal descriptions do.
func (p property) display() string {
	var b strings.Builder
	for _, e := range p.path {
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
	b.WriteString(p.name)
	return b.String()
}

// walk calls fn for every property of every object node reachable from n,
// with the path of the object in the full synthesised instance.
func walk(root, n map[string]any, path []any, fn func(property), objFn func(path []any, obj map[string]any)) {
	n = resolve(root, n)
	switch n["type"] {
	case "object":
		if objFn != nil {
			objFn(path, n)
		}
		props, _ := n["properties"].(map[string]any)
		req := requiredOf(n)
		for _, k := range sortedKeys(props) {
			ps := resolve(root, props[k].(map[string]any))
			fn(property{path: slices.Clone(path), name: k, schema: ps, required: slices.Contains(req, k), object: n})
			walk(root, ps, append(slices.Clone(path), k), fn, objFn)
		}
	case "array":
		walk(root, n["items"].(map[string]any), append(slices.Clone(path), 0), fn, objFn)
	}
}

// at returns the object at path inside doc.
func at(doc any, path []any) map[string]any {
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

// fullSample returns a fresh full instance of the schema.
func (s *schemaSet) fullSample(name string) any {
	return synth(s.raw[name], s.raw[name], true)
}

func codeOf(err error) ocpp.ErrorCode { return ocpp.CodeOf(err) }

func TestEverySchemaHasAGoType(t *testing.T) {
	s := loadSchemas(t)
	for _, sd := range s.sides() {
		t.Run(sd.name(), func(t *testing.T) {
			m := sd.newMessage(t)
			var action string
			if sd.resp {
				action = m.(ocpp16.Response).Action()
			} else {
				action = m.(ocpp16.Request).Action()
			}
			if action != sd.action {
				t.Errorf("Action() = %q, want %q", action, sd.action)
			}
			want := sd.action + "Request"
			if sd.resp {
				want = sd.action + "Response"
			}
			if got := reflect.TypeOf(m).Elem().Name(); got != want {
				t.Errorf("type %s, want %s", got, want)
			}
			if title, ok := s.raw[sd.schema]["title"].(string); ok && title != want {
				t.Errorf("schema title %q, Go type %s", title, want)
			}
		})
	}
	t.Run("every action has both schemas", func(t *testing.T) {
		for _, a := range allActions() {
			for _, name := range []string{a, a + "Response"} {
				if _, ok := s.raw[name]; !ok {
					t.Errorf("action %s: no schema %s.json", a, name)
				}
			}
		}
	})
}

// allActions is the union of the two direction lists.
func allActions() []string {
	var all []string
	for _, a := range append(slices.Clone(ocpp16.ChargePointActions), ocpp16.CentralSystemActions...) {
		if !slices.Contains(all, a) {
			all = append(all, a)
		}
	}
	sort.Strings(all)
	return all
}

// TestSamplesRoundTrip decodes a full and a minimal instance of every
// schema, validates the Go value, marshals it, validates the JSON against
// the official schema and requires it to equal the instance.
func TestSamplesRoundTrip(t *testing.T) {
	s := loadSchemas(t)
	for _, sd := range s.sides() {
		for _, full := range []bool{true, false} {
			name := sd.name() + "/minimal"
			if full {
				name = sd.name() + "/full"
			}
			t.Run(name, func(t *testing.T) {
				sample := synth(s.raw[sd.schema], s.raw[sd.schema], full)
				in := mustJSON(t, sample)
				if err := s.validateJSON(sd.schema, in); err != nil {
					t.Fatalf("synthesised sample invalid (test bug): %v", err)
				}
				m := sd.newMessage(t)
				if err := ocpp16.Unmarshal(in, m, ocpp16.Strict); err != nil {
					t.Fatalf("Unmarshal(%s): %v", in, err)
				}
				if err := m.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				out := mustJSON(t, m)
				if err := s.validateJSON(sd.schema, out); err != nil {
					t.Fatalf("marshalled %s is invalid: %v", out, err)
				}
				if got, want := normalize(t, json.RawMessage(out)), normalize(t, sample); !reflect.DeepEqual(got, want) {
					t.Errorf("round trip changed the payload:\n got %s\nwant %s", out, in)
				}
			})
		}
	}
}

// TestZeroValuesMarshalValid: a message whose schema requires nothing is
// valid as its zero value.
func TestZeroValuesMarshalValid(t *testing.T) {
	s := loadSchemas(t)
	for _, sd := range s.sides() {
		if len(requiredOf(s.raw[sd.schema])) > 0 {
			continue
		}
		t.Run(sd.name(), func(t *testing.T) {
			m := sd.newMessage(t)
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if err := s.validateJSON(sd.schema, mustJSON(t, m)); err != nil {
				t.Fatalf("zero value invalid: %v", err)
			}
		})
	}
}

// TestRequiredMatchesSchema removes each property in turn: Unmarshal must
// report OccurenceConstraintViolation exactly for the required ones.
func TestRequiredMatchesSchema(t *testing.T) {
	s := loadSchemas(t)
	for _, sd := range s.sides() {
		root := s.raw[sd.schema]
		t.Run(sd.name()+"/empty object", func(t *testing.T) {
			err := ocpp16.Unmarshal([]byte(`{}`), sd.newMessage(t), ocpp16.Strict)
			req := requiredOf(root)
			switch {
			case len(req) > 0 && codeOf(err) != ocpp.OccurenceConstraintViolation:
				t.Errorf("{}: err = %v, want OccurenceConstraintViolation (required %v)", err, req)
			case len(req) == 0 && err != nil:
				t.Errorf("{}: err = %v, want nil", err)
			}
		})
		walk(root, root, nil, func(p property) {
			t.Run(sd.name()+"/"+p.display(), func(t *testing.T) {
				doc := s.fullSample(sd.schema)
				delete(at(doc, p.path), p.name)
				in := mustJSON(t, doc)
				schemaErr := s.validateJSON(sd.schema, in)
				err := ocpp16.Unmarshal(in, sd.newMessage(t), ocpp16.Strict)
				if p.required {
					if codeOf(err) != ocpp.OccurenceConstraintViolation || !strings.Contains(err.Error(), p.display()+":") {
						t.Errorf("without %s: err = %v, want OccurenceConstraintViolation naming it", p.display(), err)
					}
					if schemaErr == nil {
						t.Error("schema validator accepted it (test bug)")
					}
				} else if err != nil || schemaErr != nil {
					t.Errorf("without optional %s: err = %v, schema: %v", p.display(), err, schemaErr)
				}
			})
		}, nil)
	}
}

// TestMaxLengthMatchesSchema sets each string with a maxLength to one
// character too many: Strict rejects it, Tolerant truncates it.
func TestMaxLengthMatchesSchema(t *testing.T) {
	s := loadSchemas(t)
	n := 0
	for _, sd := range s.sides() {
		root := s.raw[sd.schema]
		walk(root, root, nil, func(p property) {
			max, isArray := p.schema["maxLength"], false
			if p.schema["type"] == "array" {
				items := resolve(root, p.schema["items"].(map[string]any))
				max, isArray = items["maxLength"], true
			}
			if max == nil {
				return
			}
			n++
			limit := int(max.(float64))
			set := func(doc any, v string) {
				if isArray {
					at(doc, p.path)[p.name] = []any{v}
				} else {
					at(doc, p.path)[p.name] = v
				}
			}
			t.Run(sd.name()+"/"+p.display(), func(t *testing.T) {
				// Exactly maxLength characters, more bytes: accepted.
				doc := s.fullSample(sd.schema)
				set(doc, strings.Repeat("é", limit))
				if err := ocpp16.Unmarshal(mustJSON(t, doc), sd.newMessage(t), ocpp16.Strict); err != nil {
					t.Errorf("%d characters: %v", limit, err)
				}
				doc = s.fullSample(sd.schema)
				set(doc, strings.Repeat("é", limit+1))
				in := mustJSON(t, doc)
				if s.validateJSON(sd.schema, in) == nil {
					t.Fatal("schema validator accepted it (test bug)")
				}
				err := ocpp16.Unmarshal(in, sd.newMessage(t), ocpp16.Strict)
				if codeOf(err) != ocpp.PropertyConstraintViolation || !strings.Contains(err.Error(), p.display()) {
					t.Errorf("strict: err = %v, want PropertyConstraintViolation naming %s", err, p.display())
				}
				m := sd.newMessage(t)
				if err := ocpp16.Unmarshal(in, m, ocpp16.Tolerant); err != nil {
					t.Fatalf("tolerant: %v", err)
				}
				out := mustJSON(t, m)
				if err := s.validateJSON(sd.schema, out); err != nil {
					t.Errorf("tolerant result %s invalid: %v", out, err)
				}
				got := at(normalize(t, json.RawMessage(out)), p.path)[p.name]
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

// TestEnumsMatchSchema: every value each schema enum lists is accepted, an
// unknown one is a PropertyConstraintViolation.
func TestEnumsMatchSchema(t *testing.T) {
	s := loadSchemas(t)
	loose := []string{"measurand", "unit", "context", "location", "phase", "format"}
	for _, sd := range s.sides() {
		root := s.raw[sd.schema]
		walk(root, root, nil, func(p property) {
			values := asSlice(p.schema["enum"])
			if len(values) == 0 {
				return
			}
			t.Run(sd.name()+"/"+p.display(), func(t *testing.T) {
				for _, v := range values {
					doc := s.fullSample(sd.schema)
					at(doc, p.path)[p.name] = v
					if err := ocpp16.Unmarshal(mustJSON(t, doc), sd.newMessage(t), ocpp16.Strict); err != nil {
						t.Errorf("value %q: %v", v, err)
					}
				}
				doc := s.fullSample(sd.schema)
				at(doc, p.path)[p.name] = "NotAValue"
				in := mustJSON(t, doc)
				err := ocpp16.Unmarshal(in, sd.newMessage(t), ocpp16.Strict)
				want := p.display() + `: unknown value "NotAValue"`
				if codeOf(err) != ocpp.PropertyConstraintViolation || !strings.Contains(err.Error(), want) {
					t.Errorf("strict: err = %v, want PropertyConstraintViolation %q", err, want)
				}
				isLoose := slices.Contains(p.path, "sampledValue") && slices.Contains(loose, p.name)
				err = ocpp16.Unmarshal(in, sd.newMessage(t), ocpp16.Tolerant)
				if isLoose && err != nil {
					t.Errorf("tolerant: %v, want the value kept", err)
				}
				if !isLoose && codeOf(err) != ocpp.PropertyConstraintViolation {
					t.Errorf("tolerant: err = %v, want PropertyConstraintViolation", err)
				}
			})
		}, nil)
	}
}

// TestAdditionalPropertiesMatchSchema adds an unknown property to every
// object: Strict rejects it exactly where the schema forbids it.
func TestAdditionalPropertiesMatchSchema(t *testing.T) {
	s := loadSchemas(t)
	for _, sd := range s.sides() {
		root := s.raw[sd.schema]
		walk(root, root, nil, func(property) {}, func(path []any, obj map[string]any) {
			name := property{path: path, name: "vendorQuirk"}.display()
			t.Run(sd.name()+"/"+name, func(t *testing.T) {
				doc := s.fullSample(sd.schema)
				at(doc, path)["vendorQuirk"] = map[string]any{"x": []any{1.0, nil}}
				in := mustJSON(t, doc)
				forbidden := obj["additionalProperties"] == false
				if schemaOK := s.validateJSON(sd.schema, in) == nil; schemaOK == forbidden {
					t.Fatalf("schema validator: ok = %v, forbidden = %v", schemaOK, forbidden)
				}
				err := ocpp16.Unmarshal(in, sd.newMessage(t), ocpp16.Strict)
				if forbidden && (codeOf(err) != ocpp.FormationViolation || !strings.Contains(err.Error(), name)) {
					t.Errorf("strict: err = %v, want FormationViolation naming %s", err, name)
				}
				if !forbidden && err != nil {
					t.Errorf("strict: err = %v, want nil (schema allows it)", err)
				}
				if err := ocpp16.Unmarshal(in, sd.newMessage(t), ocpp16.Tolerant); err != nil {
					t.Errorf("tolerant: %v", err)
				}
			})
		})
	}
}

// TestTypesMatchSchema gives every property a value of the wrong JSON type.
func TestTypesMatchSchema(t *testing.T) {
	s := loadSchemas(t)
	wrong := map[string]any{
		"string":  12.0,
		"integer": "seven",
		"number":  true,
		"boolean": "true",
		"object":  []any{},
		"array":   map[string]any{},
	}
	for _, sd := range s.sides() {
		root := s.raw[sd.schema]
		walk(root, root, nil, func(p property) {
			typ, _ := p.schema["type"].(string)
			t.Run(sd.name()+"/"+p.display(), func(t *testing.T) {
				doc := s.fullSample(sd.schema)
				at(doc, p.path)[p.name] = wrong[typ]
				in := mustJSON(t, doc)
				if s.validateJSON(sd.schema, in) == nil {
					t.Fatal("schema validator accepted it (test bug)")
				}
				err := ocpp16.Unmarshal(in, sd.newMessage(t), ocpp16.Strict)
				if codeOf(err) != ocpp.TypeConstraintViolation || !strings.Contains(err.Error(), p.display()+":") {
					t.Errorf("err = %v, want TypeConstraintViolation naming %s", err, p.display())
				}
			})
		}, nil)
	}
}
