package assembly

import (
	"context"
	"errors"

	"maeul/account"
)

// The demo dong.
const (
	DemoDistrict = "마포구"
	DemoDong     = "성산1동"
)

// SeedDemo makes sure the demo assembly of the demo dong exists, with its
// agendas, published, and returns it. Running it again changes nothing.
func SeedDemo(ctx context.Context, s *Service, host *account.User) (*Assembly, error) {
	return nil, errors.New("demo assembly is not built yet")
}
