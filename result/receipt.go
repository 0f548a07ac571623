package result

import (
	"context"

	"maeul/assembly"
	"maeul/voting"
)

// CheckReceipt reports whether a ballot with that receipt was counted in
// the assembly. Case, spaces and dashes of a typed receipt do not matter.
// Receipts live apart from the ballots (only their hashes, no ballot id):
// a receipt proves that a ballot counts, never which one.
func CheckReceipt(ctx context.Context, q assembly.Querier, a *assembly.Assembly, receipt string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM receipts WHERE assembly_id = $1 AND receipt_hash = $2)`,
		a.ID, voting.ReceiptHash(receipt)).Scan(&ok)
	return ok, wrap("check receipt", err)
}

// CheckReceipt is CheckReceipt on the service's database.
func (s *Service) CheckReceipt(ctx context.Context, a *assembly.Assembly, receipt string) (bool, error) {
	return CheckReceipt(ctx, s.pool, a, receipt)
}
