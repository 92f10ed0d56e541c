package ocpp201

//go:generate go run ./internal/gen/run
