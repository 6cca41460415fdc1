package ingest

import (
	"strings"
	"testing"
)

// The hint about lone CR line ends appears only when a CR ends a record inside the line,
// not when the CR is the error itself or a CRLF's.
func TestJSONLLoneCRHint(t *testing.T) {
	const hint = "lines end in a lone CR"
	for _, tt := range []struct {
		in       string
		wantHint bool
	}{
		{"{\"text\":\"a\"}\r{\"text\":\"b\"}\r", true},
		{"{\"text\":\"a\"}\r\r{\"text\":\"b\"}", true},
		{"{\"text\":\"a\rb\"}", false},    // a raw CR in a string
		{"{\"text\":\"a\"} x\r\n", false}, // CRLF, error before it
		{"{\"text\":\"a\",}\r\n", false},
	} {
		path := writeFile(t, t.TempDir(), "in.jsonl", []byte(tt.in))
		res := readAll(t, []string{path}, DefaultOptions())
		if res.err == nil {
			t.Errorf("%q: no error", tt.in)
			continue
		}
		if got := strings.Contains(res.err.Error(), hint); got != tt.wantHint {
			t.Errorf("%q: error %q; want the lone-CR hint: %v", tt.in, res.err, tt.wantHint)
		}
	}
}
