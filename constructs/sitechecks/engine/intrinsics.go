package engine

import (
	"fmt"
	"strconv"
	"strings"
)

// obj is a resolved CloudFormation value. Every map key has been lower-cased
// (see lowerKeys), so L1 props ("defaultTtl") and raw CloudFormation
// ("DefaultTTL") read the same, and so do intrinsics ("ref", "fn::join").
type obj = map[string]any

// lowerKeys returns v with every map key lower-cased, recursively.
func lowerKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(obj, len(t))
		for k, e := range t {
			out[strings.ToLower(k)] = lowerKeys(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = lowerKeys(e)
		}
		return out
	}
	return v
}

// get walks nested maps by key.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(obj)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func asObj(v any) obj {
	m, _ := v.(obj)
	return m
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func asString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

func asNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

func asBool(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return strings.EqualFold(b, "true")
	}
	return false
}

// strings of a list value, skipping anything that is not a literal string.
func asStrings(v any) []string {
	var out []string
	for _, e := range asList(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// part is one piece of a string value that CloudFormation computes at
// deploy time: literal text, or a reference to a resource (Ref, or
// Fn::GetAtt with attr), or something opaque (Fn::ImportValue, Fn::If...).
type part struct {
	lit    string
	ref    string // logical ID, or a pseudo parameter such as AWS::Region
	attr   string // Fn::GetAtt attribute; empty for Ref
	opaque bool
}

func (p part) isLit() bool { return p.ref == "" && !p.opaque }

// sym is a string value as a sequence of parts; adjacent literals are merged.
type sym []part

func (s sym) add(p part) sym {
	if p.isLit() {
		if p.lit == "" {
			return s
		}
		if n := len(s); n > 0 && s[n-1].isLit() {
			out := append(sym{}, s...)
			out[n-1].lit += p.lit
			return out
		}
	}
	// The full slice expression makes append copy, so syms never share a
	// backing array.
	return append(s[:len(s):len(s)], p)
}

func (s sym) concat(o sym) sym {
	for _, p := range o {
		s = s.add(p)
	}
	return s
}

// literal returns the value when it has no references.
func (s sym) literal() (string, bool) {
	switch {
	case len(s) == 0:
		return "", true
	case len(s) == 1 && s[0].isLit():
		return s[0].lit, true
	}
	return "", false
}

// containsLit reports whether a literal part contains sub.
func (s sym) containsLit(sub string) bool {
	for _, p := range s {
		if p.isLit() && strings.Contains(strings.ToLower(p.lit), sub) {
			return true
		}
	}
	return false
}

// refs lists the logical IDs the value refers to.
func (s sym) refs() []string {
	var out []string
	for _, p := range s {
		if p.ref != "" {
			out = append(out, p.ref)
		}
	}
	return out
}

// String renders the value for messages: references as ${Id} or ${Id.Attr}.
func (s sym) String() string {
	var b strings.Builder
	for _, p := range s {
		switch {
		case p.opaque:
			b.WriteString("${?}")
		case p.ref != "" && p.attr != "":
			fmt.Fprintf(&b, "${%s.%s}", p.ref, p.attr)
		case p.ref != "":
			fmt.Fprintf(&b, "${%s}", p.ref)
		default:
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

// split cuts the value at every literal occurrence of sep. References are
// kept whole: they never contain the separators used to pick apart URLs
// ("/"), which is how CDK builds origin domains and paths.
func (s sym) split(sep string) []sym {
	out := []sym{{}}
	for _, p := range s {
		if !p.isLit() || sep == "" {
			out[len(out)-1] = out[len(out)-1].add(p)
			continue
		}
		pieces := strings.Split(p.lit, sep)
		for i, piece := range pieces {
			if i > 0 {
				out = append(out, sym{})
			}
			out[len(out)-1] = out[len(out)-1].add(part{lit: piece})
		}
	}
	return out
}

var opaque = sym{{opaque: true}}

// evalString evaluates a resolved value that CloudFormation turns into a
// string: literals, Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Sub and
// Fn::Split's elements. Anything else becomes an opaque part.
func evalString(v any) sym {
	switch t := v.(type) {
	case nil:
		return sym{}
	case string:
		return sym{}.add(part{lit: t})
	case float64:
		return sym{}.add(part{lit: strconv.FormatFloat(t, 'f', -1, 64)})
	case bool:
		return sym{}.add(part{lit: strconv.FormatBool(t)})
	case obj:
		if len(t) != 1 {
			return opaque
		}
		if id, attr, ok := reference(t); ok {
			return sym{{ref: id, attr: attr}}
		}
		if args := asList(t["fn::join"]); len(args) == 2 {
			sep, ok := args[0].(string)
			items, okItems := evalList(args[1])
			if !ok || !okItems {
				return opaque
			}
			out := sym{}
			for i, item := range items {
				if i > 0 {
					out = out.add(part{lit: sep})
				}
				out = out.concat(item)
			}
			return out
		}
		if args := asList(t["fn::select"]); len(args) == 2 {
			idx, ok := asNumber(args[0])
			items, okItems := evalList(args[1])
			if !ok || !okItems || int(idx) < 0 || int(idx) >= len(items) {
				return opaque
			}
			return items[int(idx)]
		}
		if sub, ok := t["fn::sub"]; ok {
			return evalSub(sub)
		}
	}
	return opaque
}

// evalList evaluates a value that CloudFormation turns into a list of
// strings: a literal list or Fn::Split.
func evalList(v any) ([]sym, bool) {
	switch t := v.(type) {
	case []any:
		out := make([]sym, len(t))
		for i, e := range t {
			out[i] = evalString(e)
		}
		return out, true
	case obj:
		if args := asList(t["fn::split"]); len(args) == 2 {
			sep, ok := args[0].(string)
			if !ok {
				return nil, false
			}
			return evalString(args[1]).split(sep), true
		}
	}
	return nil, false
}

// evalSub handles Fn::Sub with ${LogicalId}, ${LogicalId.Attr}, ${AWS::Pseudo}
// and ${!Literal}; variables from the optional map are evaluated in place.
func evalSub(v any) sym {
	var tmpl string
	vars := obj{}
	switch t := v.(type) {
	case string:
		tmpl = t
	case []any:
		if len(t) != 2 {
			return opaque
		}
		s, ok := t[0].(string)
		if !ok {
			return opaque
		}
		tmpl, vars = s, asObj(t[1])
	default:
		return opaque
	}
	out := sym{}
	for {
		i := strings.Index(tmpl, "${")
		if i < 0 {
			return out.add(part{lit: tmpl})
		}
		j := strings.Index(tmpl[i:], "}")
		if j < 0 {
			return out.add(part{lit: tmpl})
		}
		out = out.add(part{lit: tmpl[:i]})
		name := tmpl[i+2 : i+j]
		tmpl = tmpl[i+j+1:]
		switch {
		case strings.HasPrefix(name, "!"):
			out = out.add(part{lit: "${" + name[1:] + "}"})
		case vars[strings.ToLower(name)] != nil:
			out = out.concat(evalString(vars[strings.ToLower(name)]))
		case strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::"):
			id, attr, _ := strings.Cut(name, ".")
			out = out.add(part{ref: id, attr: attr})
		default:
			out = out.add(part{ref: name})
		}
	}
}

// reference reads {"Ref": id} or {"Fn::GetAtt": [id, attr]} (or "id.attr").
func reference(v any) (id, attr string, ok bool) {
	m := asObj(v)
	if len(m) != 1 {
		return "", "", false
	}
	if r, isStr := m["ref"].(string); isStr {
		return r, "", true
	}
	switch g := m["fn::getatt"].(type) {
	case []any:
		if len(g) == 2 {
			id, ok1 := g[0].(string)
			attr, ok2 := g[1].(string)
			return id, attr, ok1 && ok2
		}
	case string:
		id, attr, found := strings.Cut(g, ".")
		return id, attr, found
	}
	return "", "", false
}
