package ocppkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

// Example shows a host: open and migrate the database, build the CSMS,
// register a charge point, override one handler while keeping the default,
// subscribe to live events and mount the socket handler and commands API.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "ocppkit-example")
	defer os.RemoveAll(dir)

	db, err := sqlitedb.Open(filepath.Join(dir, "ocpp.db")) // or pgdb.Open("postgres://…"), or your own gorm.Open
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx, db); err != nil {
		log.Fatal(err)
	}
	csms, err := ocppkit.New(ocppkit.Config{DB: db})
	if err != nil {
		log.Fatal(err)
	}
	defer csms.Shutdown(ctx)

	cp, err := csms.RegisterChargePoint(ctx, "CP-001", "a-long-random-key")
	if err != nil {
		log.Fatal(err)
	}

	def := csms.Handlers.Default(ocpp16.ActionStatusNotification)
	handlers.On(csms.Handlers, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		c.Logger.Info("status", "connector", req.ConnectorId, "status", req.Status)
		return handlers.Invoke[ocpp16.StatusNotificationResponse](ctx, def, c, req)
	})

	events, err := csms.Broadcaster.Subscribe(ctx, broadcast.StatusTopic(cp.ID))
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for m := range events {
			var ev broadcast.StatusEvent
			if json.Unmarshal(m.Data, &ev) == nil {
				log.Printf("connector %d is %s", ev.ConnectorID, ev.Status)
			}
		}
	}()

	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)                                   // ws://host/ocpp/CP-001, subprotocol ocpp1.6
	mux.Handle("/api/charge_points/", csms.Remote.HTTPHandler()) // wrap in your own authentication
	fmt.Println(cp.Identifier, "registered")
	// Output: CP-001 registered
}
