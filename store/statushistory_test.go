package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

func TestStatusReports(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "HIST")
		_, err := s.LatestStatusReport(ctx, cp.ID, store.ReportFirmware)
		wantNotFound(t, err)
		reports := []store.StatusReport{
			{Kind: store.ReportFirmware, Status: "Downloading", ReceivedAt: at(0)},
			{Kind: store.ReportFirmware, Status: "Downloaded", ReceivedAt: at(1)},
			{Kind: store.ReportDiagnostics, Status: "Uploaded", ReceivedAt: at(2)},
			{Kind: store.ReportLog, Status: "Uploading", RequestID: ptr(7), ReceivedAt: at(3)},
			{Kind: store.ReportFirmware, Status: "Installed", ReceivedAt: at(4)},
		}
		for i := range reports {
			reports[i].ChargePointID = cp.ID
			if err := s.RecordStatusReport(ctx, &reports[i]); err != nil || reports[i].ID == 0 {
				t.Fatalf("RecordStatusReport: %v", err)
			}
		}
		fw, err := s.StatusReports(ctx, cp.ID, store.ReportFirmware, 0)
		if err != nil || len(fw) != 3 || fw[0].Status != "Installed" || fw[2].Status != "Downloading" {
			t.Fatalf("firmware history = %+v, %v", fw, err)
		}
		if two, err := s.StatusReports(ctx, cp.ID, "", 2); err != nil || len(two) != 2 || two[1].Kind != store.ReportLog || *two[1].RequestID != 7 {
			t.Fatalf("limited history = %+v, %v", two, err)
		}
		latest, err := s.LatestStatusReport(ctx, cp.ID, store.ReportDiagnostics)
		if err != nil || latest.Status != "Uploaded" {
			t.Fatalf("latest diagnostics = %+v, %v", latest, err)
		}
		eqTime(t, "received at", latest.ReceivedAt, at(2))
		row, _ := s.ChargePointByID(ctx, cp.ID)
		if row.Metadata["firmware_status"] != "Installed" || row.Metadata["log_status"] != "Uploading" || row.Metadata["diagnostics_status_at"] != at(2).Format(time.RFC3339) {
			t.Errorf("latest statuses in metadata = %v", row.Metadata)
		}
	})
}
