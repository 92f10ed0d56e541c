package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

// TestSignalShutdown runs the built program, connects 21 charge points, one
// of which never answers a command the API is waiting on, and sends
// SIGTERM: the program exits 0, the API request in flight ends, and no
// charge point is left marked connected (before: a 10 s stall, "sql:
// database is closed", 7 of 21 left connected, exit 1).
func TestSignalShutdown(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("go not in PATH")
		}
		t.Skip("go not in PATH")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "minimal")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dbPath := filepath.Join(dir, "ocpp.db")
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-db", dbPath, "-dev", "-api-token", testToken)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var logs strings.Builder
	var logsMu sync.Mutex
	addrc := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`ws://([0-9.]+:[0-9]+)/ocpp/`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			logsMu.Lock()
			logs.WriteString(line + "\n")
			logsMu.Unlock()
			if m := re.FindStringSubmatch(line); m != nil {
				select {
				case addrc <- m[1]:
				default:
				}
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			logsMu.Lock()
			t.Logf("program log:\n%s", logs.String())
			logsMu.Unlock()
		}
	})
	var addr string
	select {
	case addr = <-addrc:
	case err := <-exited:
		t.Fatalf("exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("not listening within 30s")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const stations = 21
	called := make(chan struct{}, 1)
	for i := range stations {
		id := fmt.Sprintf("CP-%02d", i)
		cp, err := ocpptest.Dial(ctx, "ws://"+addr+"/ocpp", id, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cp.Close() })
		if i == 0 { // the silent one
			cp.Handle("ClearCache", func(ctx context.Context, _ json.RawMessage) (any, error) {
				called <- struct{}{}
				<-ctx.Done()
				return nil, ctx.Err()
			})
		}
		if _, err := cp.Heartbeat(ctx); err != nil {
			t.Fatal(err)
		}
	}
	apiDone := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/api/charge_points/CP-00/commands/ClearCache", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		apiDone <- err
	}()
	select {
	case <-called:
	case <-ctx.Done():
		t.Fatal("the command never reached the charge point")
	}

	began := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Fatalf("exit after SIGTERM: %v, want exit status 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30s after SIGTERM")
	}
	t.Logf("exited 0 %v after SIGTERM", time.Since(began).Round(time.Millisecond))
	select {
	case <-apiDone: // answered or cut: never left hanging
	case <-ctx.Done():
		t.Fatal("the API request in flight never ended")
	}

	db, err := sqlitedb.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	var total, connected int64
	db.Model(&store.ChargePoint{}).Count(&total)
	db.Model(&store.ChargePoint{}).Where("connected = ?", true).Count(&connected)
	if total != stations || connected != 0 {
		t.Errorf("%d charge points, %d still marked connected; want %d, 0", total, connected, stations)
	}
	logsMu.Lock()
	defer logsMu.Unlock()
	if strings.Contains(logs.String(), "database is closed") {
		t.Errorf("the database was closed under the CSMS:\n%s", logs.String())
	}
}
