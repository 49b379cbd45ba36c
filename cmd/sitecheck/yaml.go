package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// shortForms maps CloudFormation's YAML short-form tags to the key of
// their long (JSON) form. !Ref and !Condition keep their name; every other
// function is "Fn::<name>".
var shortForms = map[string]string{
	"!Ref":          "Ref",
	"!Condition":    "Condition",
	"!GetAtt":       "Fn::GetAtt",
	"!Sub":          "Fn::Sub",
	"!Join":         "Fn::Join",
	"!Select":       "Fn::Select",
	"!Split":        "Fn::Split",
	"!ImportValue":  "Fn::ImportValue",
	"!If":           "Fn::If",
	"!Equals":       "Fn::Equals",
	"!Not":          "Fn::Not",
	"!And":          "Fn::And",
	"!Or":           "Fn::Or",
	"!FindInMap":    "Fn::FindInMap",
	"!Base64":       "Fn::Base64",
	"!Cidr":         "Fn::Cidr",
	"!GetAZs":       "Fn::GetAZs",
	"!Transform":    "Fn::Transform",
	"!Length":       "Fn::Length",       // AWS::LanguageExtensions
	"!ToJsonString": "Fn::ToJsonString", // AWS::LanguageExtensions
}

// yamlToJSON turns a CloudFormation YAML template into the same template
// in JSON, with every short-form tag written in its long form:
// `!GetAtt A.B` becomes {"Fn::GetAtt": ["A", "B"]}.
func yamlToJSON(data []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 {
		return nil, fmt.Errorf("the file is empty")
	}
	v, err := convertNode(&doc)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// convertNode returns the value of n as encoding/json would decode it
// (map[string]any, []any, string, numbers, bool, nil).
func convertNode(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return convertNode(n.Content[0])
	case yaml.AliasNode:
		return convertNode(n.Alias)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return convertShortForm(n)
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a mapping key must be a plain value", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: key %q appears twice", k.Line, k.Value)
			}
			v, err := convertNode(val)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := convertNode(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		return convertScalar(n)
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

func convertScalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return v, nil
	case "!!str", "!!timestamp", "!!binary":
		// A date such as 2010-09-09 (AWSTemplateFormatVersion) stays the
		// string it is in JSON.
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unsupported tag %s", n.Line, n.Tag)
}

// convertShortForm converts a node tagged with a short-form function, such
// as `!Ref X` or `!Join [",", [a, b]]`.
func convertShortForm(n *yaml.Node) (any, error) {
	key, ok := shortForms[n.Tag]
	if !ok {
		return nil, fmt.Errorf("line %d: unknown tag %s: not a CloudFormation intrinsic function", n.Line, n.Tag)
	}
	if key == "Fn::GetAtt" && n.Kind == yaml.ScalarNode {
		// !GetAtt Resource.Attribute; attributes may contain dots
		// (Endpoint.Address), logical IDs never do.
		res, attr, found := strings.Cut(n.Value, ".")
		if !found || res == "" || attr == "" {
			return nil, fmt.Errorf("line %d: !GetAtt %s: write it as !GetAtt Resource.Attribute", n.Line, n.Value)
		}
		return map[string]any{key: []any{res, attr}}, nil
	}
	// The argument is the node itself without the tag: a string for
	// `!Ref X` (also when it looks like a number), a list for `!Join [...]`.
	arg := *n
	arg.Tag = ""
	var v any
	var err error
	if n.Kind == yaml.ScalarNode {
		v = n.Value
	} else {
		v, err = convertNode(&arg)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{key: v}, nil
}
