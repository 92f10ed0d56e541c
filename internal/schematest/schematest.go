// Package schematest validates OCPP payloads against the official OCPP 1.6
// JSON schemas in tests. The schema directory comes from the environment
// variable OCPP_SCHEMAS_DIR; without it the tests that need it skip, except
// under CI (env CI set), where they fail.
package schematest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ocppkit/ocppkit/ocpp"
)

// Schemas holds the compiled schemas of one directory.
type Schemas struct {
	dir string
	mu  sync.Mutex
	c   map[string]*jsonschema.Schema
}

var (
	loadOnce sync.Once
	loaded   *Schemas
	loadErr  error
)

// Load returns the schemas of OCPP_SCHEMAS_DIR, skipping the test when it is
// unset (failing it when CI is set).
func Load(t testing.TB) *Schemas {
	t.Helper()
	dir := os.Getenv("OCPP_SCHEMAS_DIR")
	if dir == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("OCPP_SCHEMAS_DIR is not set (required under CI)")
		}
		t.Skip("OCPP_SCHEMAS_DIR is not set; skipping schema conformance")
	}
	loadOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(dir, "Heartbeat.json")); err != nil {
			loadErr = fmt.Errorf("OCPP_SCHEMAS_DIR=%s: %w", dir, err)
			return
		}
		loaded = &Schemas{dir: dir, c: make(map[string]*jsonschema.Schema)}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

func (s *Schemas) schema(name string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.c[name]; ok {
		return sch, nil
	}
	path := filepath.Join(s.dir, name+".json")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	url := "file://" + filepath.ToSlash(path)
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", path, err)
	}
	s.c[name] = sch
	return sch, nil
}

// Validate checks payload against the schema of action's request
// (response=false) or response (response=true).
func (s *Schemas) Validate(action string, response bool, payload []byte) error {
	name := action
	if response {
		name += "Response"
	}
	sch, err := s.schema(name)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(payload)))
	if err != nil {
		return fmt.Errorf("%s: payload is not JSON: %w", name, err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%s: %s: %w", name, payload, err)
	}
	return nil
}

// Frames validates a conversation: each CALL's payload against its
// action's request schema and each CALLRESULT against the response schema
// of the CALL it answers (matched by message id, among the calls of the
// other side). in and out are the frames received and sent by one party.
// It returns how many payloads it validated.
func (s *Schemas) Frames(t testing.TB, sent, received [][]byte) int {
	t.Helper()
	actions := make(map[string]string) // id of a CALL we received → action
	for _, raw := range received {
		f, err := ocpp.DecodeFrame(raw)
		if err == nil && f.Type == ocpp.Call {
			actions[f.ID] = f.Action
		}
	}
	n := 0
	for _, raw := range sent {
		f, err := ocpp.DecodeFrame(raw)
		if err != nil {
			t.Errorf("sent an undecodable frame %s: %v", raw, err)
			continue
		}
		switch f.Type {
		case ocpp.Call:
			if err := s.Validate(f.Action, false, f.Payload); err != nil {
				t.Errorf("sent CALL does not validate: %v", err)
			}
			n++
		case ocpp.CallResult:
			action, ok := actions[f.ID]
			if !ok {
				t.Errorf("sent CALLRESULT %s answers no received CALL", raw)
				continue
			}
			if err := s.Validate(action, true, f.Payload); err != nil {
				t.Errorf("sent CALLRESULT does not validate: %v", err)
			}
			n++
		case ocpp.CallError:
			if !f.ErrorCode.Valid() {
				t.Errorf("sent CALLERROR with unknown code %q", f.ErrorCode)
			}
		}
	}
	return n
}

// MustValidate fails t when payload does not validate.
func (s *Schemas) MustValidate(t testing.TB, action string, response bool, payload any) {
	t.Helper()
	raw, ok := payload.([]byte)
	if !ok {
		if rm, isRaw := payload.(json.RawMessage); isRaw {
			raw = rm
		} else {
			var err error
			if raw, err = json.Marshal(payload); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Validate(action, response, raw); err != nil {
		t.Error(err)
	}
}
