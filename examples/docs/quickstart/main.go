// doc:begin readme-quickstart

package main

import (
	"context"
	"log"
	"net/http"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/store"
)

func main() {
	ctx := context.Background()
	db, err := gorm.Open(sqlite.Open("app.db"), &gorm.Config{}) // your app's own handle; or postgres.Open(dsn)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx, db); err != nil { // explicit, like a Rails migration
		log.Fatal(err)
	}
	csms, err := ocppkit.New(ocppkit.Config{DB: db})
	if err != nil {
		log.Fatal(err)
	}
	defer csms.Shutdown(ctx)
	if _, err := csms.RegisterChargePoint(ctx, "CP-001", "a-long-random-key"); err != nil { // HTTP Basic, user = identity
		log.Fatal(err)
	}

	events, err := csms.Broadcaster.Subscribe(ctx, broadcast.AllChargePointsTopic)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for m := range events { // status, sessions, meter values: one shape for 1.6 and 2.0.1
			log.Printf("%s", m.Data)
		}
	}()

	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms) // charge points dial ws://host:8080/ocpp/CP-001, subprotocol ocpp2.0.1 or ocpp1.6
	log.Fatal(http.ListenAndServe(":8080", mux))
}

// doc:end
