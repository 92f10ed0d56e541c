package ocppkit_test

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestConformanceTable keeps docs/conformance.md, the OCTT case list
// (testdata/octt16-cases.md) and the subtests of TestOCTT in step: the
// same cases in the same order, the same titles and summaries, each row
// naming its subtest, and each status saying what the subtest does (pass,
// or "not applicable: " and the reason it skips with).
func TestConformanceTable(t *testing.T) {
	t.Parallel()
	cases := tableRows(t, "testdata/octt16-cases.md", 3)
	doc := tableRows(t, "docs/conformance.md", 5)
	if len(cases) != 74 {
		t.Errorf("testdata/octt16-cases.md lists %d cases, want the 74 of the OCTT 1.6 Central System", len(cases))
	}
	if len(doc) != len(cases) || len(octtCases) != len(cases) {
		t.Fatalf("%d cases listed, %d rows in docs/conformance.md, %d cases in TestOCTT", len(cases), len(doc), len(octtCases))
	}
	for i, c := range cases {
		d, tc := doc[i], octtCases[i]
		if d[0] != c[0] || tc.id != c[0] {
			t.Errorf("row %d: case %s, docs/conformance.md %s, TestOCTT %s", i+1, c[0], d[0], tc.id)
			continue
		}
		if d[1] != c[1] || d[2] != c[2] {
			t.Errorf("%s: docs/conformance.md has title %q and summary %q, the case list %q and %q", c[0], d[1], d[2], c[1], c[2])
		}
		if want := "`TestOCTT/" + c[0] + "`"; d[3] != want {
			t.Errorf("%s: test %s, want %s", c[0], d[3], want)
		}
		want := "pass"
		if tc.notApplicable != "" {
			want = "not applicable: " + tc.notApplicable
		}
		if d[4] != want {
			t.Errorf("%s: status %q, want %q", c[0], d[4], want)
		}
		if tc.run == nil {
			t.Errorf("%s: no test", c[0])
		}
	}
}

// tableRows returns the cells of the rows of the Markdown table in path
// whose first cell is a case id (TC_…), requiring cols cells each.
func tableRows(t *testing.T, path string, cols int) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "| TC_") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != cols {
			t.Fatalf("%s: %d cells, want %d: %s", path, len(cells), cols, line)
		}
		rows = append(rows, cells)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}
