package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Scopes are used as db.Scopes(store.Connected, store.Available) and combine
// freely. Conditions on charge points and sessions name their table, so they
// stay unambiguous in joins.

func col(table, name string) clause.Column { return clause.Column{Table: table, Name: name} }

// Connected selects charge points that currently hold a socket.
func Connected(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: col(ChargePointsTable, "connected"), Value: true})
}

// Available selects connected charge points whose status is Available.
func Available(db *gorm.DB) *gorm.DB {
	return Connected(db).Where(clause.Eq{Column: col(ChargePointsTable, "status"), Value: "Available"})
}

// Charging selects charge points whose status is Charging.
func Charging(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: col(ChargePointsTable, "status"), Value: "Charging"})
}

// Active selects charging sessions that are still running.
func Active(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: col(ChargingSessionsTable, "status"), Value: SessionActive})
}

// Completed selects charging sessions that have stopped.
func Completed(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: col(ChargingSessionsTable, "status"), Value: SessionCompleted})
}

// Recent orders meter values newest first.
func Recent(db *gorm.DB) *gorm.DB {
	return db.Order(clause.OrderBy{Columns: []clause.OrderByColumn{
		{Column: col(MeterValuesTable, "timestamp"), Desc: true},
		{Column: col(MeterValuesTable, "id"), Desc: true},
	}})
}

func measurand(m string) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Eq{Column: col(MeterValuesTable, "measurand"), Value: m})
	}
}

// Energy selects Energy.Active.Import.Register meter values.
func Energy(db *gorm.DB) *gorm.DB { return measurand(MeasurandEnergy)(db) }

// Power selects Power.Active.Import meter values.
func Power(db *gorm.DB) *gorm.DB { return measurand(MeasurandPower)(db) }

// Current selects Current.Import meter values.
func Current(db *gorm.DB) *gorm.DB { return measurand(MeasurandCurrent)(db) }

// Voltage selects Voltage meter values.
func Voltage(db *gorm.DB) *gorm.DB { return measurand(MeasurandVoltage)(db) }

// SoC selects state-of-charge meter values.
func SoC(db *gorm.DB) *gorm.DB { return measurand(MeasurandSoC)(db) }

// Since selects meter values sampled at or after t.
func Since(t time.Time) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Gte{Column: col(MeterValuesTable, "timestamp"), Value: dbTime(t)})
	}
}

// ForSession selects meter values of the charging session with database id id.
func ForSession(id uint) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Eq{Column: col(MeterValuesTable, "charging_session_id"), Value: id})
	}
}

// ForChargePoint selects rows of the charge point with database id id. It
// applies to every table with a charge_point_id column (connectors, sessions,
// meter values, commands, messages); the column is not table-qualified.
func ForChargePoint(id uint) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Eq{Column: clause.Column{Name: "charge_point_id"}, Value: id})
	}
}
