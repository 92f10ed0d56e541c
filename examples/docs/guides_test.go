package docs

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// guides are the documents whose Go must be compiled code of this package.
var guides = []string{
	"../../README.md",
	"../../docs/getting-started.md",
	"../../docs/real-time-monitoring.md",
	"../../docs/security.md",
	"../../docs/troubleshooting.md",
}

// TestGuidesQuoteCompiledCode: every ```go block of the guides is, up to
// indentation, a region of this package's Go files ("// doc:begin name" …
// "// doc:end"), so a guide cannot show Go that does not compile, and every
// region is quoted somewhere. Change the code here, then paste it into the
// guide.
func TestGuidesQuoteCompiledCode(t *testing.T) {
	regions := loadRegions(t)
	used := map[string]bool{}
	for _, guide := range guides {
		blocks := goBlocks(t, guide)
		if len(blocks) == 0 {
			t.Errorf("%s has no Go blocks", guide)
		}
		for _, b := range blocks {
			name := ""
			for n, text := range regions {
				if text == b.text {
					name = n
					break
				}
			}
			if name == "" {
				t.Errorf("%s:%d: this Go block is no region of examples/docs; quote one verbatim:\n%s", guide, b.line, b.text)
				continue
			}
			used[name] = true
		}
	}
	for name := range regions {
		if !used[name] {
			t.Errorf("region %q is quoted by no guide", name)
		}
	}
}

// TestMonitoringGuideCoversTheSeed: the monitoring guide answers every
// section of the OCPP Rails guide it ports.
func TestMonitoringGuideCoversTheSeed(t *testing.T) {
	b, err := os.ReadFile("../../docs/real-time-monitoring.md")
	if err != nil {
		t.Fatal(err)
	}
	var headings []string
	for line := range strings.Lines(string(b)) {
		if strings.HasPrefix(line, "#") {
			headings = append(headings, strings.TrimSpace(strings.TrimLeft(line, "#")))
		}
	}
	for _, want := range []string{
		"Polling with models", "The dashboard controller", "Live updates: channels and JavaScript",
		"Connector status", "The connector model", "Overriding the StatusNotification handler",
		"Sessions", "Session updates", "Meter values", "The meter values API endpoint", "Live meter values",
		"Remote start and stop", "The remote control API", "The complete dashboard", "Available measurands",
		"Indexing", "Caching", "Throttled broadcasting", "Charge point authentication", "UI authentication",
		"Troubleshooting",
	} {
		if !slices.Contains(headings, want) {
			t.Errorf("docs/real-time-monitoring.md has no section %q", want)
		}
	}
}

type goBlock struct {
	line int
	text string
}

// goBlocks returns the ```go blocks of a Markdown file, dedented.
func goBlocks(t *testing.T, path string) []goBlock {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []goBlock
	var cur []string
	in, start, fence := false, 0, ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && strings.HasPrefix(trimmed, "```"):
			info := strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
			if info == "go" {
				in, start, cur = true, n, nil
				fence = line[:strings.Index(line, "```")]
			} else if strings.HasPrefix(info, "go") {
				t.Errorf("%s:%d: use a plain ```go fence (found %q): every Go block is checked", path, n, info)
			} else if info != "" {
				// another language: skip to its end
				for n++; sc.Scan(); n++ {
					if strings.HasPrefix(strings.TrimSpace(sc.Text()), "```") {
						break
					}
				}
			}
		case in && trimmed == "```":
			blocks = append(blocks, goBlock{start, normalize(cur)})
			in = false
		case in:
			cur = append(cur, strings.TrimPrefix(line, fence))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// loadRegions reads the // doc:begin regions of the Go files here and in
// the directories below.
func loadRegions(t *testing.T) map[string]string {
	t.Helper()
	regions := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var name string
		var cur []string
		for i, line := range strings.Split(string(b), "\n") {
			trimmed := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(trimmed, "// doc:begin "):
				if name != "" {
					t.Errorf("%s:%d: region %q begins inside %q", path, i+1, trimmed, name)
				}
				name, cur = strings.TrimPrefix(trimmed, "// doc:begin "), nil
				if _, dup := regions[name]; dup {
					t.Errorf("%s:%d: region %q defined twice", path, i+1, name)
				}
			case trimmed == "// doc:end":
				if name == "" {
					t.Errorf("%s:%d: doc:end outside a region", path, i+1)
				}
				regions[name] = normalize(cur)
				name = ""
			case name != "":
				cur = append(cur, line)
			}
		}
		if name != "" {
			t.Errorf("%s: region %q never ends", path, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return regions
}

// normalize drops blank lines at both ends and the indentation all lines
// share.
func normalize(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	prefix, first := "", true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = indent, false
		}
		for !strings.HasPrefix(indent, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(strings.TrimPrefix(l, prefix), " \t")
	}
	return strings.Join(out, "\n")
}
