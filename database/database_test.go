package database_test

import (
	"context"
	"testing"

	"maeul/database"
	"maeul/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestMigratedSchema(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	ctx := context.Background()
	if err := database.CheckSchema(ctx, db.Pool, false); err != nil {
		t.Fatalf("fresh test database: %v", err)
	}
	t.Run("unknown version refused", func(t *testing.T) {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
			t.Fatal(err)
		}
		if err := database.CheckSchema(ctx, db.Pool, true); err == nil {
			t.Fatal("a schema with an unknown version was accepted")
		}
		if err := database.Migrate(ctx, db.Pool, nil); err == nil {
			t.Fatal("migrate ran on a schema it does not know")
		}
	})
	t.Run("each test has its own database", func(t *testing.T) {
		other := dbtest.MustOpenDB(t)
		if other.Name == db.Name {
			t.Fatal("two tests share a database")
		}
		var n int
		other.Pool.QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id = 99999`).Scan(&n)
		if n != 0 {
			t.Fatal("a change in one test's database is visible in another's")
		}
	})
}
