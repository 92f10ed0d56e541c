// Package schemas embeds the official OCPP JSON schemas — OCPP 1.6 with the
// security extension, and OCPP 2.0.1 — and validates payloads against them.
//
// The files are the Open Charge Alliance's, unchanged: ocpp16/<Action>.json
// and ocpp16/<Action>Response.json, ocpp201/<Action>Request.json and
// ocpp201/<Action>Response.json. The library's own validators (ocpp/ocpp16,
// ocpp/ocpp201) are written (1.6) or generated (2.0.1) from these files for
// speed and precise error codes; the tests cross-check them against these
// schemas, and a host may validate with them too (see Set.Validate).
package schemas

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed ocpp16/*.json ocpp201/*.json
var files embed.FS

// The versions whose schemas are embedded, as the directory names of FS.
const (
	OCPP16  = "ocpp16"
	OCPP201 = "ocpp201"
)

// FS returns the schema files of version (OCPP16 or OCPP201) at the root of
// the returned file system, or nil for an unknown version.
func FS(version string) fs.FS {
	if version != OCPP16 && version != OCPP201 {
		return nil
	}
	sub, err := fs.Sub(files, version)
	if err != nil {
		return nil
	}
	return sub
}

// Set is the compiled schemas of one version. It is safe for concurrent use;
// each schema is compiled on first use.
type Set struct {
	version string
	mu      sync.Mutex
	c       *jsonschema.Compiler
	got     map[string]*jsonschema.Schema
}

var (
	setsMu sync.Mutex
	sets   = map[string]*Set{}
)

// Load returns the schema set of version (OCPP16 or OCPP201).
func Load(version string) (*Set, error) {
	if FS(version) == nil {
		return nil, fmt.Errorf("schemas: unknown version %q", version)
	}
	setsMu.Lock()
	defer setsMu.Unlock()
	if s, ok := sets[version]; ok {
		return s, nil
	}
	c := jsonschema.NewCompiler()
	// The 1.6 core schemas declare no $schema: they are draft-04. The
	// security extension's and 2.0.1's declare draft-06.
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	s := &Set{version: version, c: c, got: map[string]*jsonschema.Schema{}}
	sets[version] = s
	return s, nil
}

// Version returns the set's version (OCPP16 or OCPP201).
func (s *Set) Version() string { return s.version }

// Name returns the file name (without .json) of action's request
// (response=false) or response schema in this version: "Heartbeat" and
// "HeartbeatResponse" in 1.6, "HeartbeatRequest" and "HeartbeatResponse" in
// 2.0.1.
func (s *Set) Name(action string, response bool) string {
	switch {
	case response:
		return action + "Response"
	case s.version == OCPP201:
		return action + "Request"
	default:
		return action
	}
}

// Actions returns the actions that have a request schema, sorted.
func (s *Set) Actions() []string {
	var out []string
	entries, _ := fs.ReadDir(files, s.version)
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".json")
		switch {
		case strings.HasSuffix(name, "Response"):
			continue
		case s.version == OCPP201:
			out = append(out, strings.TrimSuffix(name, "Request"))
		default:
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Raw returns the schema file name (as Name returns it, without .json).
func (s *Set) Raw(name string) ([]byte, error) {
	b, err := files.ReadFile(path.Join(s.version, name+".json"))
	if err != nil {
		return nil, fmt.Errorf("schemas: %s/%s: %w", s.version, name, err)
	}
	return b, nil
}

// Schema returns the compiled schema of file name (as Name returns it).
func (s *Set) Schema(name string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.got[name]; ok {
		return sch, nil
	}
	raw, err := s.Raw(name)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("schemas: %s/%s: %w", s.version, name, err)
	}
	url := "file:///" + s.version + "/" + name + ".json"
	if err := s.c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("schemas: %s/%s: %w", s.version, name, err)
	}
	sch, err := s.c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schemas: compile %s/%s: %w", s.version, name, err)
	}
	s.got[name] = sch
	return sch, nil
}

// Validate checks payload against the schema of action's request
// (response=false) or response (response=true). It returns an error naming
// the schema and the first violations, or nil.
func (s *Set) Validate(action string, response bool, payload []byte) error {
	name := s.Name(action, response)
	sch, err := s.Schema(name)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("schemas: %s: payload is not JSON: %w", name, err)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("schemas: %s: %w", name, err)
	}
	return nil
}
