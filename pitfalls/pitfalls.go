package pitfalls

import (
	"slices"
	"strings"
)

// ID is a pitfall's stable name: lower-case words joined by hyphens, such
// as "edge-methods". The empty ID means no known pitfall.
type ID string

// String returns the ID as written in messages and documents.
func (id ID) String() string { return string(id) }

// Known reports whether id is in the catalog.
func (id ID) Known() bool {
	_, ok := Lookup(id)
	return ok
}

// Fix is the pitfall's one-line remedy, or "" for an unknown ID.
func (id ID) Fix() string {
	p, _ := Lookup(id)
	return p.Fix
}

// Layer is a set of the places where a pitfall is prevented or found.
type Layer uint8

const (
	// Construct: StaticSiteWithApi's defaults make the pitfall impossible.
	Construct Layer = 1 << iota
	// Synth: a rule of the sitechecks aspect (constructs/sitechecks)
	// reports it at synth time, in any CDK app.
	Synth
	// Smoke: the smoke checker (cmd/smoke) recognizes it on a deployed
	// site.
	Smoke
	// Test: the repository's tests fail if the construct brings it back.
	// A pitfall found only by Construct and Test cannot be seen in a
	// template or from outside the site.
	Test
)

var layerNames = []struct {
	l    Layer
	name string
}{{Construct, "construct"}, {Synth, "synth"}, {Smoke, "smoke"}, {Test, "test"}}

// Has reports whether l holds every layer of m.
func (l Layer) Has(m Layer) bool { return m != 0 && l&m == m }

// String names the layers of l, in the order Construct, Synth, Smoke,
// Test, joined by ", ": "construct, synth, test".
func (l Layer) String() string {
	var names []string
	for _, n := range layerNames {
		if l.Has(n.l) {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ", ")
}

// Pitfall is one entry of the catalog.
type Pitfall struct {
	// ID is the pitfall's stable name.
	ID ID
	// Day2 is true for the pitfalls that appear after the first deploy,
	// when the site is redeployed, rotated, destroyed or fed a real
	// bundler's output.
	Day2 bool
	// Symptom is what the user sees. Symptom, Cause and Default are
	// Markdown inline text (code spans, bold).
	Symptom string
	// Cause is why it happens.
	Cause string
	// Default is what the construct does so that it cannot happen.
	Default string
	// Fix is one plain-text line a person can act on: what to change so the
	// pitfall goes away, in a setup that has it.
	Fix string
	// FoundBy says where the pitfall is prevented (Construct) and which
	// layers detect it.
	FoundBy Layer
	// NotFound says, for each layer that FoundBy leaves out, why that layer
	// cannot find the pitfall. Together they are the matrix of
	// docs/PITFALLS.md: every layer of every pitfall is either in FoundBy
	// or explained here.
	NotFound Reasons
}

// Reasons holds one plain-text clause per layer: why the layer cannot
// prevent or find a pitfall. Empty means no reason is given.
type Reasons struct {
	Construct, Synth, Smoke, Test string
}

// For returns the reason given for the single layer l, or "".
func (r Reasons) For(l Layer) string {
	switch l {
	case Construct:
		return r.Construct
	case Synth:
		return r.Synth
	case Smoke:
		return r.Smoke
	case Test:
		return r.Test
	}
	return ""
}

// Layers lists the four layers, in the order Construct, Synth, Smoke,
// Test.
func Layers() []Layer {
	out := make([]Layer, len(layerNames))
	for i, n := range layerNames {
		out[i] = n.l
	}
	return out
}

// All returns the catalog in its order: the original pitfalls, then the
// Day-2 ones. The slice is a copy.
func All() []Pitfall { return slices.Clone(catalog) }

// Lookup returns the pitfall with the given ID.
func Lookup(id ID) (Pitfall, bool) {
	if i, ok := index[id]; ok {
		return catalog[i], true
	}
	return Pitfall{}, false
}

// IDs returns the IDs of All, in the same order.
func IDs() []ID {
	ids := make([]ID, len(catalog))
	for i, p := range catalog {
		ids[i] = p.ID
	}
	return ids
}

// FoundBy returns, in catalog order, the IDs of the pitfalls that layer
// finds or prevents.
func FoundBy(layer Layer) []ID {
	var ids []ID
	for _, p := range catalog {
		if p.FoundBy.Has(layer) {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

var index = func() map[ID]int {
	m := make(map[ID]int, len(catalog))
	for i, p := range catalog {
		m[p.ID] = i
	}
	return m
}()
