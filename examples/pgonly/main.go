// Command pgonly is a PostgreSQL-only host: it links no SQLite driver, so
// it builds without cgo (CGO_ENABLED=0 go build ./examples/pgonly), which
// CI checks.
//
//	go run ./examples/pgonly -dsn postgres://user@127.0.0.1:5432/ocpp -addr 127.0.0.1:8080 -dev
//
// It opens its own pool with gorm.io/driver/postgres (pgdb.Open would size
// it for you), migrates it and serves charge points on /ocpp/.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dsn := flag.String("dsn", "postgres://postgres@127.0.0.1:5432/ocpp?sslmode=disable", "PostgreSQL URL")
	dev := flag.Bool("dev", false, "let unknown charge points in (development only)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	db, err := gorm.Open(postgres.Open(*dsn), &gorm.Config{})
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx, db); err != nil {
		log.Fatal(err)
	}
	csms, err := ocppkit.New(ocppkit.Config{DB: db, AutoRegister: *dev})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		_ = csms.Shutdown(shutdown)
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
