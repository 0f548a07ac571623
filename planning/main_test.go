package planning_test

import (
	"testing"

	"maeul/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
