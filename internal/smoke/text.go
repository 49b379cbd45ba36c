package smoke

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes rep as the smoke checker's text report: a heading, one
// line per check and a summary. A failure line carries the pitfall ID and
// the fix so that it can be read on its own in a CI log or a CloudWatch
// log stream, where every line is its own event. Both front ends print
// it: cmd/smoke on standard output and the scheduled smoke Lambda
// (internal/smoke/scheduled) in its log.
func WriteText(w io.Writer, rep Report) {
	fmt.Fprintf(w, "smoke check of %s\n", rep.URL)
	failed, skipped := 0, 0
	for _, c := range rep.Checks {
		if c.Skipped {
			skipped++
			fmt.Fprintf(w, "SKIP %-19s %s\n", c.Name, c.Detail)
			continue
		}
		if c.OK {
			fmt.Fprintf(w, "PASS %-19s %s\n", c.Name, c.Detail)
			continue
		}
		failed++
		id := string(c.Pitfall)
		if id == "" {
			id = "no known pitfall"
		}
		fmt.Fprintf(w, "FAIL %-19s [%s] %s | fix: %s\n", c.Name, id, c.Detail, c.Fix)
	}
	switch {
	case rep.Error != "":
		fmt.Fprintf(w, "NOT CHECKED: %s\n", rep.Error)
	case failed == 0 && skipped == 0:
		fmt.Fprintf(w, "OK: all %d checks passed\n", len(rep.Checks))
	case failed == 0:
		fmt.Fprintf(w, "OK: all %d checks passed, %d not checked\n", len(rep.Checks)-skipped, skipped)
	default:
		var ids []string
		for _, id := range rep.Pitfalls() {
			ids = append(ids, string(id))
		}
		summary := fmt.Sprintf("FAILED: %d of %d checks", failed, len(rep.Checks)-skipped)
		if len(ids) > 0 {
			summary += "; pitfalls: " + strings.Join(ids, ", ") + " (see docs/PITFALLS.md)"
		}
		fmt.Fprintln(w, summary)
	}
}
