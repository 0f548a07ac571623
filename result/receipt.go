package result

import (
	"context"
	"strings"

	"maeul/assembly"
	"maeul/voting"
)

// CheckReceipt reports whether a ballot with that receipt is counted in the
// assembly. Case, spaces and dashes of a typed receipt do not matter.
func CheckReceipt(ctx context.Context, q assembly.Querier, a *assembly.Assembly, receipt string) (bool, error) {
	forms := []string{receipt, strings.ToUpper(receipt)}
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(receipt))
	if norm != "" {
		forms = append(forms, norm, voting.GroupShort(norm))
	}
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ballots WHERE assembly_id = $1 AND receipt = ANY($2))`, a.ID, forms).Scan(&ok)
	return ok, wrap("check receipt", err)
}

// CheckReceipt is CheckReceipt on the service's database.
func (s *Service) CheckReceipt(ctx context.Context, a *assembly.Assembly, receipt string) (bool, error) {
	return CheckReceipt(ctx, s.pool, a, receipt)
}
