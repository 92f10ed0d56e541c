package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// node is a JSON object that remembers the order of its keys, so the Go
// structs list their fields in the order the schemas do.
type node struct {
	keys []string
	vals map[string]any // *node, []any, string, float64, bool or nil
}

func (n *node) str(key string) string {
	s, _ := n.vals[key].(string)
	return s
}

func (n *node) obj(key string) *node {
	o, _ := n.vals[key].(*node)
	return o
}

func (n *node) num(key string) (float64, bool) {
	x, ok := n.vals[key].(float64)
	return x, ok
}

func (n *node) list(key string) []any {
	l, _ := n.vals[key].([]any)
	return l
}

// parse decodes one JSON document into nodes.
func parse(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	v, err := parseValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the document")
	}
	n, ok := v.(*node)
	if !ok {
		return nil, fmt.Errorf("document is not an object")
	}
	return n, nil
}

func parseValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			n := &node{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := n.vals[k]; dup {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				n.keys = append(n.keys, k)
				n.vals[k] = v
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			var l []any
			for dec.More() {
				v, err := parseValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token() // ']'
			return l, err
		}
		return nil, fmt.Errorf("unexpected %v", tok)
	default:
		return tok, nil
	}
}
