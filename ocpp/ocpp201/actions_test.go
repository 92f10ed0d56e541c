package ocpp201_test

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201/internal/gen"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

func TestActions(t *testing.T) {
	t.Parallel()
	set, err := schemas.Load(schemas.OCPP201)
	if err != nil {
		t.Fatal(err)
	}
	all := set.Actions()
	if len(all) != 64 {
		t.Fatalf("%d schemas' actions, want 64", len(all))
	}
	var union []string
	for _, a := range append(slices.Clone(ocpp201.ChargingStationActions), ocpp201.CSMSActions...) {
		if !slices.Contains(union, a) {
			union = append(union, a)
		}
	}
	slices.Sort(union)
	if !slices.Equal(union, all) {
		t.Errorf("the two lists hold %v, want %v", union, all)
	}
	for _, a := range ocpp201.ChargingStationActions {
		if slices.Contains(ocpp201.CSMSActions, a) && a != ocpp201.ActionDataTransfer {
			t.Errorf("%s is in both lists", a)
		}
	}
	for _, want := range []struct {
		list   []string
		action string
	}{
		{ocpp201.ChargingStationActions, ocpp201.ActionTransactionEvent},
		{ocpp201.ChargingStationActions, ocpp201.ActionNotifyReport},
		{ocpp201.CSMSActions, ocpp201.ActionRequestStartTransaction},
		{ocpp201.CSMSActions, ocpp201.ActionSetVariables},
		{ocpp201.CSMSActions, ocpp201.ActionDataTransfer},
	} {
		if !slices.Contains(want.list, want.action) {
			t.Errorf("%s missing from its list", want.action)
		}
	}
	for _, a := range all {
		req, ok1 := ocpp201.NewRequest(a)
		res, ok2 := ocpp201.NewResponse(a)
		if !ok1 || !ok2 {
			t.Fatalf("%s: NewRequest ok=%v, NewResponse ok=%v", a, ok1, ok2)
		}
		if req.Action() != a || res.Action() != a {
			t.Errorf("%s: Action() = %q / %q", a, req.Action(), res.Action())
		}
		if reflect.ValueOf(req).Kind() != reflect.Pointer || reflect.ValueOf(res).Kind() != reflect.Pointer {
			t.Errorf("%s: not pointers", a)
		}
	}
	// 1.6-only and unknown names are unknown here.
	for _, a := range []string{"StartTransaction", "RemoteStartTransaction", "ChangeConfiguration", "", "heartbeat"} {
		if _, ok := ocpp201.NewRequest(a); ok {
			t.Errorf("NewRequest(%q) ok", a)
		}
		if _, ok := ocpp201.NewResponse(a); ok {
			t.Errorf("NewResponse(%q) ok", a)
		}
	}
}

func TestEnumValid(t *testing.T) {
	t.Parallel()
	if !ocpp201.ConnectorStatusAvailable.Valid() || ocpp201.ConnectorStatus("Charging").Valid() {
		t.Error("ConnectorStatus.Valid")
	}
	if ocpp201.IdTokenTypeEMAID != "eMAID" || ocpp201.PhaseL1N != "L1-N" || ocpp201.EnergyTransferModeACSinglePhase != "AC_single_phase" ||
		ocpp201.MeasurandEnergyActiveImportRegister != "Energy.Active.Import.Register" {
		t.Error("enum constant names do not follow the naming rule")
	}
}

// TestGeneratedFilesUpToDate: running the generator reproduces the
// committed files, and no generated file is left over.
func TestGeneratedFilesUpToDate(t *testing.T) {
	t.Parallel()
	files, err := gen.Files()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 64+3 {
		t.Errorf("%d generated files, want 67", len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s: %v (run go generate ./ocpp/ocpp201)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output (run go generate ./ocpp/ocpp201)", name)
		}
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		b, err := os.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte(gen.Header)) && files[e.Name()] == nil {
			t.Errorf("%s is generated but the generator no longer writes it", e.Name())
		}
	}
}
