package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/one-origin/staticsitewithapi/constructs/sitechecks/engine"
)

// Report is what -json prints. The field names are part of the command's
// interface (docs/sitecheck.md): add fields, never rename them.
type Report struct {
	// OK is true when the exit status is 0.
	OK bool `json:"ok"`
	// Strict says whether warnings fail the run (-strict).
	Strict bool `json:"strict"`
	// Errors and Warnings count the findings of every template.
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// Pitfalls are the IDs found, each once, in the order of the output.
	Pitfalls  []string         `json:"pitfalls"`
	Templates []TemplateReport `json:"templates"`
}

// TemplateReport is one checked template.
type TemplateReport struct {
	// Source is the template's file, or "distribution <ID>" / "site <URL>"
	// in live mode.
	Source string `json:"source"`
	// Stack is the stack's name (its display name, such as
	// "Prod/StaticSite") for a template of a cloud assembly.
	Stack    string          `json:"stack,omitempty"`
	Findings []FindingReport `json:"findings"`
	// Error says why the template could not be read or checked; it then
	// has no findings and the exit status is 2.
	Error string `json:"error,omitempty"`
}

// FindingReport is one finding.
type FindingReport struct {
	// Level is "error" or "warning".
	Level string `json:"level"`
	// Pitfall is the pitfall ID (docs/PITFALLS.md), such as "edge-methods".
	Pitfall string `json:"pitfall"`
	// LogicalID is the resource's logical ID in the template.
	LogicalID string `json:"logicalId"`
	// Path is the construct path (aws:cdk:path metadata) when the template
	// has one, such as "StaticSite-dev/Site/Distribution/Resource".
	Path string `json:"path,omitempty"`
	// Message is what is wrong, and Fix what to do about it.
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

func (t TemplateReport) label() string {
	if t.Stack != "" {
		return fmt.Sprintf("%s (stack %s)", t.Source, t.Stack)
	}
	return t.Source
}

// check reads and checks every source; a source that cannot be read is
// reported in its TemplateReport and does not stop the others.
func check(sources []source, opts engine.Config, strict bool) Report {
	rep := Report{Strict: strict, Pitfalls: []string{}, Templates: []TemplateReport{}}
	seen := map[string]bool{}
	unread := false
	for _, s := range sources {
		t := TemplateReport{Source: s.name, Stack: s.stack, Findings: []FindingReport{}}
		findings, err := checkSource(s, opts)
		if err != nil {
			t.Error = err.Error()
			unread = true
		}
		for _, f := range findings {
			t.Findings = append(t.Findings, f)
			if f.Level == string(engine.LevelError) {
				rep.Errors++
			} else {
				rep.Warnings++
			}
			if !seen[f.Pitfall] {
				seen[f.Pitfall] = true
				rep.Pitfalls = append(rep.Pitfalls, f.Pitfall)
			}
		}
		rep.Templates = append(rep.Templates, t)
	}
	rep.OK = !unread && rep.Errors == 0 && (!strict || rep.Warnings == 0)
	return rep
}

func checkSource(s source, opts engine.Config) ([]FindingReport, error) {
	if s.err != nil {
		return nil, s.err
	}
	data, err := s.read()
	if err != nil {
		return nil, err
	}
	// CheckTemplate reads only Resources; a JSON file without them (the
	// outputs file, a manifest) is not a template, and must not pass as
	// one with no findings.
	var doc struct {
		Resources map[string]struct {
			Metadata map[string]any
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, errors.New("not a CloudFormation template: Resources must map each logical ID to an object with a Type")
		}
		return nil, fmt.Errorf("not a CloudFormation template: %w", err)
	}
	if doc.Resources == nil {
		return nil, errors.New("not a CloudFormation template: it has no Resources")
	}
	found, err := engine.CheckTemplate(data, opts)
	if err != nil {
		return nil, err
	}
	out := make([]FindingReport, 0, len(found))
	for _, f := range found {
		path, _ := doc.Resources[f.LogicalId].Metadata["aws:cdk:path"].(string)
		out = append(out, FindingReport{
			Level:     string(f.Level),
			Pitfall:   string(f.Rule),
			LogicalID: f.LogicalId,
			Path:      path,
			Message:   f.Problem,
			Fix:       f.Fix,
		})
	}
	return out, nil
}

// levelLabel is how a level starts a line of the text output.
func levelLabel(level string) string {
	if level == string(engine.LevelError) {
		return "ERROR"
	}
	return "WARN "
}

// writeText prints the findings grouped by template, one line each, so
// that every line can be read on its own in a CI log, and a summary.
func writeText(w io.Writer, rep Report) {
	unread := 0
	for _, t := range rep.Templates {
		fmt.Fprintf(w, "sitecheck of %s\n", t.label())
		if t.Error != "" {
			unread++
			fmt.Fprintf(w, "NOT CHECKED: %s\n", t.Error)
			continue
		}
		if len(t.Findings) == 0 {
			fmt.Fprintln(w, "no findings")
			continue
		}
		for _, f := range t.Findings {
			resource := f.LogicalID
			if f.Path != "" {
				resource += " (" + strings.TrimSuffix(f.Path, "/Resource") + ")"
			}
			fmt.Fprintf(w, "%s [%s] %s: %s | fix: %s\n", levelLabel(f.Level), f.Pitfall, resource, f.Message, f.Fix)
		}
	}

	n := len(rep.Templates)
	templates := plural(n, "template", "templates")
	counts := fmt.Sprintf("%s, %s", plural(rep.Errors, "error", "errors"), plural(rep.Warnings, "warning", "warnings"))
	pitfalls := ""
	if len(rep.Pitfalls) > 0 {
		pitfalls = "; pitfalls: " + strings.Join(rep.Pitfalls, ", ") + " (see docs/PITFALLS.md)"
	}
	switch {
	case unread == 1 && n == 1:
		fmt.Fprintln(w, "NOT CHECKED: the template could not be read")
	case unread == n:
		fmt.Fprintf(w, "NOT CHECKED: none of the %d templates could be read\n", n)
	case unread > 0:
		fmt.Fprintf(w, "NOT CHECKED: %d of %s could not be read; %s in the others%s\n", unread, templates, counts, pitfalls)
	case rep.Errors == 0 && rep.Warnings == 0:
		fmt.Fprintf(w, "OK: no findings in %s\n", templates)
	case rep.OK:
		fmt.Fprintf(w, "OK: %s in %s%s\n", counts, templates, pitfalls)
	case rep.Errors == 0:
		fmt.Fprintf(w, "FAILED (-strict): %s in %s%s\n", counts, templates, pitfalls)
	default:
		fmt.Fprintf(w, "FAILED: %s in %s%s\n", counts, templates, pitfalls)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
