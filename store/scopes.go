package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Scopes are used as db.Scopes(store.Connected, store.Available) and combine
// freely, joins included: every condition names its column's table, as the
// statement knows it. That is the table's own name, or the alias gorm gives
// an association it joins (db.Joins("ChargePoint") joins ocpp_charge_points
// as "ChargePoint"); ForChargePoint, which fits several tables, names the
// statement's own table.

// col returns the column name of table as the statement db refers to it.
func col(db *gorm.DB, table, name string) clause.Column {
	return clause.Column{Table: tableRef(db, table), Name: name}
}

// tableRef returns how the statement db refers to table: the alias of a
// joined association whose table it is, else the table's name. Scopes run
// before gorm parses the statement's model, so tableRef parses it when the
// statement has joins (as gorm would right after).
func tableRef(db *gorm.DB, table string) string {
	stmt := db.Statement
	if len(stmt.Joins) == 0 {
		return table
	}
	if stmt.Schema == nil {
		model := stmt.Model
		if model == nil {
			model = stmt.Dest
		}
		if model == nil || stmt.Parse(model) != nil || stmt.Schema == nil {
			return table
		}
	}
	if stmt.Table == table {
		return table
	}
	for _, j := range stmt.Joins {
		rel, ok := stmt.Schema.Relationships.Relations[j.Name]
		if ok && rel.FieldSchema != nil && rel.FieldSchema.Table == table {
			if j.Alias != "" {
				return j.Alias
			}
			return j.Name
		}
	}
	return table
}

// Connected selects charge points that currently hold a socket.
func Connected(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: col(db, ChargePointsTable, "connected"), Value: true})
}

// Available selects connected charge points whose status is Available.
func Available(db *gorm.DB) *gorm.DB {
	return Connected(db).Where(clause.Eq{Column: col(db, ChargePointsTable, "status"), Value: "Available"})
}

// Charging selects charge points whose status is Charging.
func Charging(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: col(db, ChargePointsTable, "status"), Value: "Charging"})
}

// Active selects charging sessions that are still running, whatever their
// status (Preparing, Charging, SuspendedEV …): those not Completed.
func Active(db *gorm.DB) *gorm.DB {
	return db.Where(clause.IN{Column: col(db, ChargingSessionsTable, "status"), Values: runningStatuses})
}

var runningStatuses = func() []any {
	out := make([]any, len(RunningSessionStatuses))
	for i, s := range RunningSessionStatuses {
		out[i] = s
	}
	return out
}()

// Completed selects charging sessions that have stopped.
func Completed(db *gorm.DB) *gorm.DB {
	return db.Where(clause.Eq{Column: col(db, ChargingSessionsTable, "status"), Value: SessionCompleted})
}

// Recent orders meter values newest first.
func Recent(db *gorm.DB) *gorm.DB {
	return db.Order(clause.OrderBy{Columns: []clause.OrderByColumn{
		{Column: col(db, MeterValuesTable, "timestamp"), Desc: true},
		{Column: col(db, MeterValuesTable, "id"), Desc: true},
	}})
}

func measurand(m string) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Eq{Column: col(db, MeterValuesTable, "measurand"), Value: m})
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
		return db.Where(clause.Gte{Column: col(db, MeterValuesTable, "timestamp"), Value: dbTime(t)})
	}
}

// ForSession selects meter values of the charging session with database id id.
func ForSession(id uint) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Eq{Column: col(db, MeterValuesTable, "charging_session_id"), Value: id})
	}
}

// ForChargePoint selects rows of the charge point with database id id. It
// applies to every table with a charge_point_id column (connectors, sessions,
// meter values, commands, messages …): the column of the statement's own
// table (the model queried), so it stays unambiguous in joins.
func ForChargePoint(id uint) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		return db.Where(clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: "charge_point_id"}, Value: id})
	}
}
