package docs

// The Go of docs/getting-started.md. TestGuideRuns and TestRouters run it.

import (
	"context"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/labstack/echo/v4"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/pgdb"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

// doc:begin mount-mux

// mountOCPP adds the Central System to an existing app: charge points on
// /ocpp/<identity>, the live events on /events, the commands API under
// /api/ (both behind the app's own sign-in).
func mountOCPP(ctx context.Context, mux *http.ServeMux, db *gorm.DB, requireOperator func(http.Handler) http.Handler) (*ocppkit.CSMS, error) {
	if err := store.Migrate(ctx, db); err != nil {
		return nil, err
	}
	csms, err := ocppkit.New(ocppkit.Config{DB: db})
	if err != nil {
		return nil, err
	}
	mux.Handle("/ocpp/", csms)
	mux.Handle("GET /events", requireOperator(broadcast.NewSSEHandler(broadcast.SSEConfig{Broadcaster: csms.Broadcaster})))
	mux.Handle("/api/charge_points/", requireOperator(csms.Remote.HTTPHandler()))
	return csms, nil
}

// doc:end

// doc:begin mount-chi

func chiRouter(csms *ocppkit.CSMS, requireOperator func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, middleware.Recoverer) // their writers keep http.Hijacker
	r.Handle("/ocpp/*", csms)                         // ws://host/ocpp/CP001
	r.Group(func(r chi.Router) {
		r.Use(requireOperator)
		r.Handle("/events", broadcast.NewSSEHandler(broadcast.SSEConfig{Broadcaster: csms.Broadcaster}))
		r.Handle("/api/charge_points/*", csms.Remote.HTTPHandler())
	})
	return r
}

// doc:end

// doc:begin mount-echo

func echoServer(csms *ocppkit.CSMS, requireOperator echo.MiddlewareFunc) *echo.Echo {
	e := echo.New()
	e.Any("/ocpp/*", echo.WrapHandler(csms)) // echo's Response hijacks for the WebSocket
	ops := e.Group("", requireOperator)
	ops.GET("/events", echo.WrapHandler(broadcast.NewSSEHandler(broadcast.SSEConfig{Broadcaster: csms.Broadcaster})))
	ops.POST("/api/charge_points/*", echo.WrapHandler(csms.Remote.HTTPHandler()))
	return e
}

// doc:end

// doc:begin own-db

func openDatabase(dsn string) (*gorm.DB, error) {
	if store.IsPostgresDSN(dsn) {
		return gorm.Open(postgres.Open(dsn), &gorm.Config{}) // any pool settings you like
	}
	return gorm.Open(sqlite.Open(dsn), &gorm.Config{}) // default DSN, WAL or not
}

// doc:end

// doc:begin tuned-db

func openTuned(dsn string) (*gorm.DB, error) {
	if store.IsPostgresDSN(dsn) {
		return pgdb.Open(dsn) // a pool of pgdb.MaxConns; no cgo
	}
	return sqlitedb.Open(dsn) // WAL, 64 MiB cache, one connection; cgo
}

// doc:end

// doc:begin in-memory

func openInMemory() (*gorm.DB, error) {
	db, err := gorm.Open(sqlite.Open("file::memory:"), &gorm.Config{})
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(1) // every connection would be a database of its own
	return db, nil
}

// doc:end

// doc:begin export-migrations

// exportMigrations copies ocppkit's migrations of one dialect into dir,
// for a host that runs goose, golang-migrate or atlas instead of
// store.Migrate. Keep the numbers; prefix them if your tool shares one
// sequence with your own.
func exportMigrations(dialect, dir string) error {
	files, err := store.MigrationsFS(dialect) // store.DialectSQLite or store.DialectPostgres
	if err != nil {
		return err
	}
	return fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, "ocppkit_"+path), b, 0o644)
	})
}

// doc:end

// doc:begin register

func registerFleet(ctx context.Context, csms *ocppkit.CSMS) error {
	// A charge point connects with HTTP Basic: user CP001, this password
	// (its AuthorizationKey). Only a salted digest is stored.
	if _, err := csms.RegisterChargePoint(ctx, "CP001", "a-long-random-key-0123456789"); err != nil {
		return err
	}
	// An RFID card that may charge until the end of the year.
	expiry := time.Date(time.Now().Year(), 12, 31, 23, 59, 59, 0, time.UTC)
	return csms.Store.UpsertIDTag(ctx, store.IDTag{Tag: "RFID12345", Status: store.IDTagAccepted, ExpiryDate: &expiry})
}

// devConfig lets any charge point and any card in: for a laptop, never
// for production.
func devConfig(db *gorm.DB) ocppkit.Config {
	return ocppkit.Config{DB: db, AutoRegister: true, AcceptUnknownIDTags: true}
}

// doc:end
