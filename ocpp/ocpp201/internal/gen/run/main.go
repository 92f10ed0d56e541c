// Command run writes the generated files of package ocpp201 into the
// current directory; `go generate ./ocpp/ocpp201` runs it there.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201/internal/gen"
)

func main() {
	files, err := gen.Files()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(".", name), files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
